import { describe, expect, it } from 'vitest';
import { InterestOutbox } from '../../../bench/federation/interest-outbox.ts';
import { InterestTable } from '../../../bench/federation/interest-table.ts';
import { InterestMessageSchema, type InterestUpdate } from '../../../lib/federation/interest.ts';
import { RouteTable } from '../../../lib/federation/route-table.ts';

const SELF = 'https://s.example';
const P = 'https://p.example';
const Q = 'https://q.example';
const alice = 'alice@a.example';
const bob = 'bob@b.example';
const mine = 'me@s.example';

const delta = (seq: number, add: string[], remove: string[] = [], epoch = 'e1'): InterestUpdate => ({
  type: 'interest-delta',
  from: P,
  epoch,
  seq,
  add,
  remove,
});
const snapshot = (seq: number, full: string[], epoch = 'e1'): InterestUpdate => ({
  type: 'interest-snapshot',
  from: P,
  epoch,
  seq,
  full,
});

describe('InterestOutbox', () => {
  it('starts with a snapshot, then sends only deltas, numbered per stream', () => {
    const out = new InterestOutbox(SELF, 'e1');
    expect(out.update(new Set([alice]))).toEqual({
      type: 'interest-snapshot',
      from: SELF,
      epoch: 'e1',
      seq: 1,
      full: [alice],
    });
    expect(out.update(new Set([alice]))).toBeNull();
    expect(out.update(new Set([bob]))).toEqual({
      type: 'interest-delta',
      from: SELF,
      epoch: 'e1',
      seq: 2,
      add: [bob],
      remove: [alice],
    });
    expect(out.snapshot()).toMatchObject({ type: 'interest-snapshot', seq: 3, full: [bob] });
  });

  it('has a wire schema that rejects hostile messages', () => {
    expect(InterestMessageSchema.safeParse(delta(1, [alice])).success).toBe(true);
    expect(InterestMessageSchema.safeParse({ ...delta(1, [alice]), seq: 0 }).success).toBe(false);
    expect(InterestMessageSchema.safeParse({ ...delta(1, ['not a handle']) }).success).toBe(false);
    expect(InterestMessageSchema.safeParse({ ...delta(1, []), from: 'https://p.example/' }).success).toBe(
      false,
    );
    expect(InterestMessageSchema.safeParse({ type: 'interest-snapshot-request', from: P }).success).toBe(
      true,
    );
  });
});

describe('InterestTable', () => {
  it('applies snapshots and deltas in order', () => {
    const t = new InterestTable(SELF);
    expect(t.receive(snapshot(1, [alice]))).toEqual({ status: 'applied', changed: true });
    expect(t.receive(delta(2, [bob], [alice]))).toEqual({ status: 'applied', changed: true });
    expect(t.peerWants(P, bob)).toBe(true);
    expect(t.peerWants(P, alice)).toBe(false);
    expect(t.receive(delta(2, [alice]))).toEqual({ status: 'stale' });
    expect(t.receive(delta(3, [bob]))).toEqual({ status: 'applied', changed: false });
  });

  it('asks for a snapshot on a gap, ignores deltas until it comes, then resumes', () => {
    const t = new InterestTable(SELF);
    t.receive(snapshot(1, [alice]));
    const gap = t.receive(delta(3, [bob]));
    expect(gap).toEqual({ status: 'gap', request: { type: 'interest-snapshot-request', from: SELF } });
    expect(t.peerWants(P, alice)).toBe(true);
    expect(t.peerWants(P, bob)).toBe(false);
    expect(t.receive(delta(4, [mine]))).toMatchObject({ status: 'gap' });
    expect(t.receive(snapshot(5, [bob]))).toEqual({ status: 'applied', changed: true });
    expect([...t.peerInterest(P)]).toEqual([bob]);
    expect(t.receive(delta(6, [alice]))).toEqual({ status: 'applied', changed: true });
  });

  it('treats a first delta or a new epoch as a gap, and a new-epoch snapshot as a reset', () => {
    const t = new InterestTable(SELF);
    expect(t.receive(delta(1, [alice]))).toMatchObject({ status: 'gap' });
    expect(t.receive(snapshot(1, [alice]))).toMatchObject({ status: 'applied' });
    expect(t.receive(delta(1, [bob], [], 'e2'))).toMatchObject({ status: 'gap' });
    expect(t.receive(snapshot(1, [bob], 'e2'))).toEqual({ status: 'applied', changed: true });
    expect([...t.peerInterest(P)]).toEqual([bob]);
  });

  it('passes interest up but never back to its source (split horizon), with reference counts', () => {
    const t = new InterestTable(SELF);
    t.receive(snapshot(1, [alice, bob]));
    t.receive({ type: 'interest-snapshot', from: Q, epoch: 'e', seq: 1, full: [alice] });
    t.addLocalFollow(mine);
    expect([...t.upstreamInterest(Q)].sort()).toEqual([alice, bob]);
    expect([...t.upstreamInterest(P)].sort()).toEqual([alice]);
    t.receive(delta(2, [], [alice]));
    expect([...t.upstreamInterest(Q)].sort()).toEqual([bob]);
    expect([...t.upstreamInterest('https://r.example')].sort()).toEqual([alice, bob]);
    expect(t.removePeer(Q)).toBe(true);
    expect([...t.upstreamInterest('https://r.example')]).toEqual([bob]);
  });

  it('counts local follows per member', () => {
    const t = new InterestTable(SELF);
    expect(t.addLocalFollow(alice)).toBe(true);
    expect(t.addLocalFollow(alice)).toBe(false);
    expect(t.removeLocalFollow(alice)).toBe(false);
    expect(t.localWants(alice)).toBe(true);
    expect(t.removeLocalFollow(alice)).toBe(true);
    expect(t.localWants(alice)).toBe(false);
    expect(t.removeLocalFollow(alice)).toBe(false);
  });

  it('registers interest only with the next hop toward the author when routes are known', () => {
    const t = new InterestTable(SELF, {
      nextHopFor: (authority) => (authority === 'a.example' ? P : undefined),
    });
    t.addLocalFollow(alice);
    t.addLocalFollow(bob);
    expect([...t.upstreamInterest(P)].sort()).toEqual([alice, bob]);
    expect([...t.upstreamInterest(Q)]).toEqual([bob]);
  });
});

describe('RouteTable', () => {
  it('finds shortest next hops with stable tie-breaking and forgets lost peers', () => {
    const s = new RouteTable(SELF);
    s.addPeer(Q);
    s.addPeer(P);
    expect(s.receive({ type: 'routes', from: P, routes: { 'p.example': 0, 'a.example': 1 } })).toBe(true);
    expect(
      s.receive({ type: 'routes', from: Q, routes: { 'q.example': 0, 'a.example': 1, 'b.example': 3 } }),
    ).toBe(true);
    expect(s.nextHop('a.example')).toBe(P);
    expect(s.distance('a.example')).toBe(2);
    expect(s.nextHop('b.example')).toBe(Q);
    expect(s.nextHop('s.example')).toBeUndefined();
    expect(s.advertFor(P).routes).toEqual({ 's.example': 0, 'q.example': 1, 'b.example': 4 });
    expect(s.removePeer(P)).toBe(true);
    expect(s.nextHop('a.example')).toBe(Q);
    expect(s.receive({ type: 'routes', from: Q, routes: { 'a.example': 15 } })).toBe(true);
    expect(s.nextHop('a.example')).toBeUndefined();
  });

  it('routes around a peer marked down at once, and back when it is up again', () => {
    const s = new RouteTable(SELF);
    s.addPeer(P);
    s.addPeer(Q);
    s.receive({ type: 'routes', from: P, routes: { 'p.example': 0, 'a.example': 1 } });
    s.receive({ type: 'routes', from: Q, routes: { 'q.example': 0, 'a.example': 2 } });
    expect(s.nextHop('a.example')).toBe(P);
    expect(s.markDown(P)).toBe(true);
    expect(s.isLive(P)).toBe(false);
    expect(s.nextHop('a.example')).toBe(Q);
    expect(s.distance('a.example')).toBe(3);
    expect(s.nextHop('p.example')).toBeUndefined();
    expect(s.advertFor(Q).routes).toEqual({ 's.example': 0 });
    expect(s.markDown(P)).toBe(false);
    expect(s.markUp(P)).toBe(true);
    expect(s.nextHop('a.example')).toBe(P);
    expect(s.markDown('https://stranger.example')).toBe(false);
  });

  it('a stored peer marked down routes around it in the table the runtime builds', () => {
    const stored = [
      { url: P, routes: { 'a.example': 1 }, down: true },
      { url: Q, routes: { 'a.example': 2 } },
    ];
    const s = RouteTable.fromPeers(SELF, stored);
    expect(s.isLive(P)).toBe(false);
    expect(s.nextHop('a.example')).toBe(Q);
    expect(
      RouteTable.fromPeers(SELF, [{ ...stored[0], url: P, down: false }, ...stored.slice(1)]).nextHop(
        'a.example',
      ),
    ).toBe(P);
  });
});
