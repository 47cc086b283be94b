/**
 * The runtime's failover glue on DynamoDB Local (lib/usecases/peer-failover.ts, the deliver
 * function's use of it, heartbeats): what marks a peer down, what the route table then says,
 * and where a post for a dead peer goes.
 */
import { describe, expect, it } from 'vitest';
import { DynamoPeerStore } from '../../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { PeerBusyError, PermanentSendError } from '../../lib/domain/errors.ts';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import type { PeerMessage } from '../../lib/federation/peer-messages.ts';
import { RouteTable } from '../../lib/federation/route-table.ts';
import type { PeerControlAction } from '../../lib/ports/peer-store.ts';
import type { JobQueue } from '../../lib/ports/queue.ts';
import { deliverPeerJob, type PeerFailover } from '../../lib/usecases/deliver-peer.ts';
import { reroutePost, setPeerLive } from '../../lib/usecases/peer-failover.ts';
import { sendHeartbeats } from '../../lib/usecases/peer-heartbeat.ts';
import { peerJob, relayLocalPost, shouldRegister } from '../../lib/usecases/peer-outbound.ts';
import { freshTable } from '../support/aws-local.ts';

const SELF = 'https://a.example';
const S1 = 'https://s1.example';
const S2 = 'https://s2.example';
const X = 'https://x.example';
const B = 'b.example';
const ALICE = 'alice@a.example';
const now = () => new Date('2026-12-02T04:00:00.000Z');

/** A store whose control items are also recorded, and a queue that only records. */
async function setup(relay = false) {
  const t = await freshTable();
  const store = new DynamoPeerStore(t.doc, t.table);
  const controls: Array<[string, PeerControlAction]> = [];
  const peers = Object.assign(Object.create(store) as DynamoPeerStore, {
    control: async (peer: string, action: PeerControlAction, at: Date) => {
      controls.push([peer, action]);
      await store.control(peer, action, at);
    },
  });
  for (const p of [S1, S2]) {
    await peers.addPeer(p, 'config', now());
    // Both super-peers reach B in one hop: the tie goes to S1 (the smaller URL).
    await peers.setRoutes(p, { [B]: 1 });
  }
  controls.length = 0;
  const queued: DeliveryJob[] = [];
  const queue: JobQueue = {
    enqueue: async (jobs) => {
      queued.push(...jobs);
    },
    retryLater: async () => undefined,
  };
  const deps = { self: SELF, relay, peers, now, log: () => undefined };
  const failover: PeerFailover = {
    up: (p) => setPeerLive(deps, p, true),
    down: (p) => setPeerLive(deps, p, false),
    reroute: (q, p, body) => reroutePost(deps, q, p, body),
  };
  const nextHopToB = async () => RouteTable.fromPeers(SELF, await peers.listPeers()).nextHop(B);
  const deliver = (job: DeliveryJob, send: () => Promise<void>) =>
    deliverPeerJob(
      { peers: { sender: { send }, store: peers, failover }, queue, log: () => undefined, clock: now },
      job,
    );
  return { peers, controls, queued, queue, deps, failover, nextHopToB, deliver };
}

const unreachable = async () => {
  throw new TypeError('fetch failed');
};

/** alice's post as a bot with `path` (the last one: the sender) forwards it. */
function postMessage(path: string[], hops: number): PeerMessage {
  return {
    type: 'post',
    envelope: { postId: `${SELF}/posts/1`, author: ALICE, origin: SELF, hops, maxHops: 5, path },
    post: { id: `${SELF}/posts/1`, author: ALICE, text: 'hi', createdAt: '2026-12-02T03:59:00.000Z' },
  };
}

const snapshotRequest = (to: string) =>
  peerJob(to, { type: 'interest-snapshot-request', from: SELF }, 'test|1');

describe('marking peers down and up (DynamoDB Local)', () => {
  it('a peer that never answered is not started yet, not dead: its routes stay', async () => {
    const h = await setup();
    const out = await h.deliver(snapshotRequest(S1), unreachable);
    expect(out.retried).toBe(1);
    expect(await h.peers.getPeer(S1)).toMatchObject({ healthy: false });
    expect((await h.peers.getPeer(S1))?.down).toBeUndefined();
    expect(await h.nextHopToB()).toBe(S1);
    expect(h.controls).toEqual([]);
  });

  it('a peer that answered before and now does not is routed around, and re-advertising is asked once', async () => {
    const h = await setup();
    await h.peers.markHealth(S1, true, now());
    await h.deliver(snapshotRequest(S1), unreachable);
    await h.deliver(snapshotRequest(S1), unreachable);
    expect(await h.peers.getPeer(S1)).toMatchObject({ down: true });
    expect(await h.nextHopToB()).toBe(S2);
    expect(h.controls).toEqual([[SELF, 'routes-changed']]);
    // The retry is kept: the dead peer may want the message itself.
    expect(h.queued.map((j) => j.id)).toEqual([
      `${snapshotRequest(S1).id}.r1`,
      `${snapshotRequest(S1).id}.r1`,
    ]);
  });

  it('a refusal (4xx) or a busy answer (503) is a live peer: nothing moves', async () => {
    const h = await setup();
    await h.peers.markHealth(S1, true, now());
    await h.deliver(snapshotRequest(S1), async () => {
      throw new PermanentSendError('refused: 403', 'rejected');
    });
    await h.deliver(snapshotRequest(S1), async () => {
      throw new PeerBusyError('answered 503');
    });
    expect((await h.peers.getPeer(S1))?.down).toBeUndefined();
    expect(await h.nextHopToB()).toBe(S1);
    expect(h.controls).toEqual([]);
  });

  it('a successful send brings its routes back', async () => {
    const h = await setup();
    await h.peers.markHealth(S1, true, now());
    await h.deliver(snapshotRequest(S1), unreachable);
    expect(await h.nextHopToB()).toBe(S2);
    expect((await h.deliver(snapshotRequest(S1), async () => undefined)).sent).toBe(1);
    expect(await h.peers.getPeer(S1)).toMatchObject({ down: false, healthy: true });
    expect(await h.nextHopToB()).toBe(S1);
    expect(h.controls).toEqual([
      [SELF, 'routes-changed'],
      [SELF, 'routes-changed'],
    ]);
    // Already up: nothing more to say.
    expect(await setPeerLive(h.deps, S1, true)).toBe(false);
  });
});

describe('a post for a dead peer (DynamoDB Local)', () => {
  it('goes on to the live peers that want it now, once per peer however often it is retried', async () => {
    const h = await setup();
    await h.peers.markHealth(S1, true, now());
    await h.peers.setPeerWants(S1, ALICE, true);
    const job = peerJob(S1, postMessage([SELF], 1), `post|${SELF}/posts/1`);
    // Nobody else wants it yet: it only waits for S1.
    await h.deliver(job, unreachable);
    expect(h.queued.map((j) => j.peer?.url)).toEqual([S1]);
    // The network converges around S1: interest in alice arrives through S2.
    await h.peers.setPeerWants(S2, ALICE, true);
    h.queued.length = 0;
    await h.deliver({ ...job, id: `${job.id}.r1`, attempt: 1 }, unreachable);
    await h.deliver({ ...job, id: `${job.id}.r2`, attempt: 2 }, unreachable);
    const toS2 = h.queued.filter((j) => j.peer?.url === S2);
    // The same id both times: the queue's job claim runs it once.
    expect(toS2.map((j) => j.id)).toEqual([
      `peer|${S2}|post|${SELF}/posts/1`,
      `peer|${S2}|post|${SELF}/posts/1`,
    ]);
    expect(toS2[0]?.peer?.body).toBe(job.peer?.body);
    // S1's own retry is still queued.
    expect(h.queued.filter((j) => j.peer?.url === S1).map((j) => j.id)).toEqual([
      `${job.id}.r2`,
      `${job.id}.r3`,
    ]);
  });

  it('a super-peer reroutes a relayed post, never back along its path; a plain bot does not', async () => {
    // R got alice's post from X and could not pass it on to S1.
    const R = 'https://r.example';
    const body = JSON.stringify(postMessage([SELF, X, R], 3));
    const plain = await setup(false);
    await plain.peers.setPeerWants(S2, ALICE, true);
    expect(await reroutePost({ ...plain.deps, self: R }, plain.queue, S1, body)).toBe(0);

    const t = await setup(true);
    const deps = { ...t.deps, self: R };
    await t.peers.addPeer(X, 'config', now());
    await t.peers.setPeerWants(S2, ALICE, true);
    await t.peers.setPeerWants(X, ALICE, true);
    expect(await reroutePost(deps, t.queue, S1, body)).toBe(1);
    expect(t.queued.map((j) => j.peer?.url)).toEqual([S2]);
    expect(t.queued[0]?.peer?.body).toBe(body);
    // Not a post, or not one we sent: nothing to reroute.
    expect(await reroutePost(deps, t.queue, S1, JSON.stringify(postMessage([SELF, X], 2)))).toBe(0);
    expect(await reroutePost(deps, t.queue, S1, '{"type":"routes"}')).toBe(0);
    expect(await reroutePost(deps, t.queue, S1, 'not json')).toBe(0);
  });
});

describe('heartbeats (DynamoDB Local)', () => {
  it('mark a silent peer down and an answering one up; leaves are never probed', async () => {
    const h = await setup(true);
    await h.peers.addPeer('https://leaf.example', 'leaf', now());
    for (const p of [S1, S2]) await h.peers.markHealth(p, true, now());
    await h.peers.setDown(S2, true, now());
    const sentTo: string[] = [];
    const out = await sendHeartbeats({
      ...h.deps,
      failover: h.failover,
      sender: {
        send: async (peer, body) => {
          sentTo.push(peer);
          expect(body).toContain('"type":"routes"');
          if (peer === S1) throw new TypeError('fetch failed');
        },
      },
    });
    expect(out).toEqual({ sent: 1, failed: 1 });
    expect(sentTo.sort()).toEqual([S1, S2]);
    expect(await h.peers.getPeer(S1)).toMatchObject({ down: true });
    expect(await h.peers.getPeer(S2)).toMatchObject({ down: false });
    expect(await h.nextHopToB()).toBe(S2);
  });
});

describe('hold-down (DynamoDB Local)', () => {
  it('a peer that withdrew interest is still sent the author’s posts for the hold-down, never counted as interest', async () => {
    const t = await freshTable();
    const peers = new DynamoPeerStore(t.doc, t.table);
    const R = 'https://r.example';
    for (const p of [S1, S2]) await peers.addPeer(p, 'config', now());
    await peers.setPeerWants(S1, ALICE, true, now());
    await peers.setPeerWants(S2, ALICE, true, now());
    // S1's bots moved their interest to another branch.
    await peers.setPeerWants(S1, ALICE, false, now());
    const later = (minutes: number) => new Date(now().getTime() + minutes * 60_000);
    expect(await peers.wantsOf(ALICE, later(1))).toEqual({ members: [], peers: [S2], leaving: [S1] });
    expect(await peers.wantsOf(ALICE, later(31))).toEqual({ members: [], peers: [S2], leaving: [] });

    const queued: DeliveryJob[] = [];
    const relayAt = (at: Date) =>
      relayLocalPost(
        {
          self: SELF,
          relay: true,
          peers,
          store: t.store,
          queue: { enqueue: async (jobs) => void queued.push(...jobs), retryLater: async () => undefined },
          now: () => at,
          log: () => undefined,
        },
        {
          id: `${SELF}/posts/2`,
          authorId: 'm-alice',
          authorNick: 'alice',
          text: 'during the move',
          createdAt: now().toISOString(),
        },
      );
    await relayAt(later(5));
    expect(queued.map((j) => j.peer?.url).sort()).toEqual([S1, S2]);
    queued.length = 0;
    await relayAt(later(31));
    expect(queued.map((j) => j.peer?.url)).toEqual([S2]);

    // A relay passes on only live interest: withdrawn is withdrawn upstream at once.
    const table = RouteTable.fromPeers(R, await peers.listPeers());
    const wants = await peers.wantsOf(ALICE, later(1));
    expect(shouldRegister({ self: R, relay: true }, table, S2, ALICE, wants)).toBe(false);
    expect(shouldRegister({ self: R, relay: true }, table, S1, ALICE, wants)).toBe(true);
    // Wanting it again ends the hold-down.
    await peers.setPeerWants(S1, ALICE, true, later(2));
    expect(await peers.wantsOf(ALICE, later(3))).toEqual({ members: [], peers: [S1, S2], leaving: [] });
  });
});
