import { describe, expect, it } from 'vitest';
import { followPathFor } from '../../../lib/federation/follow-route.ts';
import type { InterestUpdate } from '../../../lib/federation/interest.ts';
import { PeerMessageSchema } from '../../../lib/federation/peer-messages.ts';
import { RouteTable } from '../../../lib/federation/route-table.ts';
import { decideInterest } from '../../../lib/usecases/peer-inbound.ts';
import { shouldRegister } from '../../../lib/usecases/peer-outbound.ts';
import { planNetwork } from '../../../local/network-topology.ts';

const A = 'https://a.example';
const B = 'https://b.example';
const C = 'https://c.example';

describe('receiver sequence rules on stored stream state', () => {
  const delta = (epoch: string, seq: number): InterestUpdate => ({
    type: 'interest-delta',
    from: A,
    epoch,
    seq,
    add: ['x@c.example'],
    remove: [],
  });
  const snapshot = (epoch: string, seq: number): InterestUpdate => ({
    type: 'interest-snapshot',
    from: A,
    epoch,
    seq,
    full: [],
  });

  it('applies a snapshot, then the next delta, and ignores repeats', () => {
    const first = decideInterest(undefined, snapshot('e1', 1));
    expect(first).toEqual({ status: 'apply', next: { epoch: 'e1', seq: 1, awaitingSnapshot: false } });
    expect(decideInterest({ epoch: 'e1', seq: 1, awaitingSnapshot: false }, delta('e1', 2))).toEqual({
      status: 'apply',
      next: { epoch: 'e1', seq: 2, awaitingSnapshot: false },
    });
    expect(decideInterest({ epoch: 'e1', seq: 2, awaitingSnapshot: false }, delta('e1', 2))).toEqual({
      status: 'stale',
    });
    expect(decideInterest({ epoch: 'e1', seq: 2, awaitingSnapshot: false }, snapshot('e1', 1))).toEqual({
      status: 'stale',
    });
  });

  it('asks for a snapshot once on a gap or an unknown epoch, and waits for it', () => {
    const gap = decideInterest({ epoch: 'e1', seq: 2, awaitingSnapshot: false }, delta('e1', 4));
    expect(gap).toEqual({
      status: 'gap',
      next: { epoch: 'e1', seq: 2, awaitingSnapshot: true },
      request: true,
    });
    expect(decideInterest({ epoch: 'e1', seq: 2, awaitingSnapshot: true }, delta('e1', 3))).toMatchObject({
      status: 'gap',
      request: false,
    });
    expect(decideInterest(undefined, delta('e2', 7))).toMatchObject({ status: 'gap', request: true });
    expect(decideInterest({ epoch: 'e1', seq: 9, awaitingSnapshot: true }, snapshot('e2', 1))).toMatchObject({
      status: 'apply',
    });
  });
});

describe('what a bot registers with which peer', () => {
  const tableWith = (routes: Record<string, Record<string, number>>) => {
    const t = new RouteTable(A);
    for (const p of Object.keys(routes)) t.addPeer(p);
    for (const [p, r] of Object.entries(routes)) t.receive({ type: 'routes', from: p, routes: r });
    return t;
  };

  it('registers a member’s follow only toward the next hop to the author’s bot', () => {
    const t = tableWith({ [B]: { 'b.example': 0, 'c.example': 1 }, [C]: { 'c.example': 0 } });
    const wants = { members: ['m1'], peers: [] };
    expect(shouldRegister({ self: A, relay: false }, t, C, 'x@c.example', wants)).toBe(true);
    expect(shouldRegister({ self: A, relay: false }, t, B, 'x@c.example', wants)).toBe(false);
  });

  it('falls back to split horizon without a route; a plain bot never passes peers’ interest on', () => {
    const t = tableWith({ [B]: {}, [C]: {} });
    const fromB = { members: [], peers: [B] };
    expect(shouldRegister({ self: A, relay: true }, t, C, 'x@far.example', fromB)).toBe(true);
    expect(shouldRegister({ self: A, relay: true }, t, B, 'x@far.example', fromB)).toBe(false);
    expect(shouldRegister({ self: A, relay: false }, t, C, 'x@far.example', fromB)).toBe(false);
    expect(
      shouldRegister({ self: A, relay: true }, t, C, 'me@a.example', { members: ['m'], peers: [] }),
    ).toBe(false);
  });

  it('follows through peers only when the handle’s bot is reachable through them', () => {
    const peers = [{ url: B, routes: { 'b.example': 0, 'c.example': 1 } }];
    expect(followPathFor(A, 'x@c.example', peers)).toBe('peers');
    expect(followPathFor(A, 'x@b.example', peers)).toBe('peers');
    expect(followPathFor(A, 'x@mastodon.example', peers)).toBe('activitypub');
    expect(followPathFor(A, 'x@c.example', [])).toBe('activitypub');
  });
});

describe('peer messages', () => {
  const post = (over: Record<string, unknown> = {}) => ({
    type: 'post',
    envelope: {
      postId: `${A}/posts/1`,
      author: 'alice@a.example',
      origin: A,
      hops: 1,
      maxHops: 5,
      path: [A],
    },
    post: {
      id: `${A}/posts/1`,
      author: 'alice@a.example',
      text: 'hi',
      createdAt: '2026-12-01T10:00:00.000Z',
    },
    ...over,
  });

  it('accepts a post whose author, id and envelope agree with its origin bot', () => {
    expect(PeerMessageSchema.safeParse(post()).success).toBe(true);
  });

  it('refuses a post that claims another bot’s member or id', () => {
    const forged = post({
      post: {
        id: `${A}/posts/1`,
        author: 'mallory@b.example',
        text: 'hi',
        createdAt: '2026-12-01T10:00:00.000Z',
      },
    });
    expect(PeerMessageSchema.safeParse(forged).success).toBe(false);
    const elsewhere = post({
      envelope: {
        postId: `${B}/posts/1`,
        author: 'alice@a.example',
        origin: A,
        hops: 1,
        maxHops: 5,
        path: [A],
      },
    });
    expect(PeerMessageSchema.safeParse(elsewhere).success).toBe(false);
  });
});

describe('npm run network topology', () => {
  it('puts one super-peer in the middle and a ring through the others, every link listed on both sides', () => {
    const plan = planNetwork(5, 8801);
    expect(plan.map((p) => [p.name, p.port, p.relay])).toEqual([
      ['bot1', 8801, true],
      ['bot2', 8802, false],
      ['bot3', 8803, false],
      ['bot4', 8804, false],
      ['bot5', 8805, false],
    ]);
    expect(plan[0]?.peers).toEqual([1, 2, 3, 4]);
    expect(plan[1]?.peers).toEqual([0, 2, 4]);
    for (const [i, p] of plan.entries()) for (const q of p.peers) expect(plan[q]?.peers).toContain(i);
    expect(() => planNetwork(1, 8801)).toThrow();
  });

  it('with leaves: two linked super-peers, and each leaf polls two of them', () => {
    const plan = planNetwork(5, 8801, { leaves: 3 });
    expect(plan.map((p) => [p.name, p.port, p.relay, p.peers, p.upstreams])).toEqual([
      ['bot1', 8801, true, [1, 2, 4], undefined],
      ['bot2', 8802, true, [0, 3], undefined],
      ['bot3', 8803, false, [0, 3, 4], undefined],
      ['bot4', 8804, false, [1, 2, 4], undefined],
      ['bot5', 8805, false, [0, 2, 3], undefined],
      ['leaf1', 8806, false, [], [0, 1]],
      ['leaf2', 8807, false, [], [0, 1]],
      ['leaf3', 8808, false, [], [0, 1]],
    ]);
    expect(planNetwork(3, 8801, { leaves: 1, superPeers: 1 }).at(-1)?.upstreams).toEqual([0]);
    expect(() => planNetwork(3, 8801, { superPeers: 4 })).toThrow(/--super-peers/);
    expect(() => planNetwork(3, 8801, { leaves: 21 })).toThrow(/--leaves/);
  });
});
