import { describe, expect, it } from 'vitest';
import { leavesOf, rememberLeaves, STALE_POLL_MS } from '../../../local/network-leaves.ts';

const S1 = 'http://127.0.0.1:8801';
const S2 = 'http://127.0.0.1:8802';
const LEAF = 'http://127.0.0.1:8803';
const now = Date.parse('2026-12-02T12:00:00Z');
const polled = (msAgo: number) => new Date(now - msAgo).toISOString();
const serving = (url: string, lastPoll?: string) => ({
  url,
  snapshot: { leaves: [{ url: LEAF, held: 2, dropped: 1, ...(lastPoll ? { lastPoll } : {}) }] },
});

describe('leaves in the network view, learned from their super-peers', () => {
  it('lists a leaf once with an uplink per super-peer that reports it, up while it polls', () => {
    const [leaf, ...rest] = leavesOf([serving(S2, polled(1_000)), serving(S1, polled(5_000))], now);
    expect(rest).toEqual([]);
    expect(leaf?.url).toBe(LEAF);
    expect(leaf?.uplinks.map((u) => [u.upstream, u.held, u.dropped, u.down])).toEqual([
      [S1, 2, 1, undefined],
      [S2, 2, 1, undefined],
    ]);
  });

  it('draws an uplink down when the leaf has not polled it for three long polls, or never has', () => {
    const [leaf] = leavesOf([serving(S1, polled(STALE_POLL_MS + 1_000)), serving(S2)], now);
    expect(leaf?.uplinks.map((u) => u.down)).toEqual([
      'no poll from 127.0.0.1:8803 for 61 s',
      '127.0.0.1:8803 has not polled 127.0.0.1:8802 yet',
    ]);
  });

  it('keeps the uplink to a super-peer that stopped answering, down, and forgets one that dropped the leaf', () => {
    const seen = rememberLeaves(leavesOf([serving(S1, polled(0)), serving(S2, polled(0))], now));
    const stopped = leavesOf([serving(S1, polled(0)), { url: S2, error: 'fetch failed' }], now, seen);
    expect(stopped[0]?.uplinks.map((u) => [u.upstream, u.down])).toEqual([
      [S1, undefined],
      [S2, '127.0.0.1:8802 unreachable'],
    ]);
    const forgot = leavesOf([serving(S1, polled(0)), { url: S2, snapshot: { leaves: [] } }], now, seen);
    expect(forgot[0]?.uplinks.map((u) => u.upstream)).toEqual([S1]);
  });
});
