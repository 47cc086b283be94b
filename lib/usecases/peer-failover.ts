/**
 * Routing around a dead peer in the runtime (the simulation's noticeDown / noticeUp / reroute,
 * bench/federation/network.ts). The route-level `down` flag of a stored peer feeds
 * RouteTable.fromPeers, so every reader of the table (interest registration, adverts, FOLLOW
 * routing) sees the same live routes; a flip that changes best routes writes a `routes-changed`
 * control item, and the stream re-advertises and re-sends interest snapshots along the new next
 * hops (the existing path in peer-outbound.ts), so the network converges again.
 *
 * What counts as down (the lessons of a naive attempt that broke the peer tests): only a send
 * that got no answer, timed out or got a 5xx other than 503 (deliver-peer.ts), and only for a peer
 * that has answered us before (`lastSeen`): bots start one after another, and a peer that never
 * answered is "not started yet", not dead (its routes are not known anyway). A refusal (4xx) or a
 * busy answer (408/429/503) is a live peer. Up: any verified message from the peer or a
 * successful send.
 */
import { authorityOfBot } from '../domain/addresses.ts';
import { PeerMessageSchema } from '../federation/peer-messages.ts';
import { rerouteAfterFailure } from '../federation/relay-router.ts';
import { RouteTable } from '../federation/route-table.ts';
import type { PeerRecord } from '../ports/peer-store.ts';
import type { JobQueue } from '../ports/queue.ts';
import { forwardJobs, type PeerNetworkDeps, sameRoutes, sendsPostsTo } from './peer-outbound.ts';

export type FailoverDeps = Pick<PeerNetworkDeps, 'self' | 'relay' | 'peers' | 'now' | 'log'>;

function routesDiffer(self: string, before: PeerRecord[], after: PeerRecord[]): boolean {
  const authorities = new Set([
    ...before.flatMap((p) => Object.keys(p.routes ?? {})),
    ...before.map((p) => authorityOfBot(p.url)),
  ]);
  return !sameRoutes(RouteTable.fromPeers(self, before), RouteTable.fromPeers(self, after), authorities);
}

/**
 * Marks `peer` down (`live` false) or up in the stored route state. Returns true when the flag
 * flipped; when that changed best routes, the stream is asked to re-advertise and re-register.
 */
export async function setPeerLive(deps: FailoverDeps, peer: string, live: boolean): Promise<boolean> {
  // One item read on the common path (a send to a live peer succeeded); the table only on a flip.
  const record = await deps.peers.getPeer(peer);
  if (!record || (record.down === true) === !live) return false;
  // Never answered: not started yet, not dead (see above).
  if (!live && record.lastSeen === undefined) return false;
  if (!(await deps.peers.setDown(peer, !live, deps.now()))) return false;
  // The listing may not show our write yet (a query is eventually consistent): set both sides.
  const stored = await deps.peers.listPeers();
  const after = stored.map((p) => (p.url === peer ? { ...p, down: !live } : p));
  const before = stored.map((p) => (p.url === peer ? { ...p, down: live } : p));
  const changed = routesDiffer(deps.self, before, after);
  if (changed) await deps.peers.control(deps.self, 'routes-changed', deps.now());
  deps.log(live ? 'peer up' : 'peer down', { peer, routesChanged: changed });
  return true;
}

/**
 * A post job to `failed` could not be delivered: the post also goes to the live peers that want
 * it now (rerouteAfterFailure), so it takes another route instead of waiting for `failed`. Called
 * at every failed attempt, so interest that moves while the post is held (the network converging
 * around the dead peer) is picked up at the next retry. The job ids are the ones the first
 * forward would have had (`peer|<peer>|post|<id>`): the queue's job claims run each once, so a
 * repeated reroute never doubles a send; receivers de-duplicate by post id anyway. The job to
 * `failed` itself stays queued (it may want the post itself). Returns the jobs enqueued.
 */
export async function reroutePost(
  deps: FailoverDeps,
  queue: JobQueue,
  failed: string,
  body: string,
): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return 0;
  }
  const parsed = PeerMessageSchema.safeParse(raw);
  if (!parsed.success || parsed.data.type !== 'post') return 0;
  const { envelope: sent, post } = parsed.data;
  // The job carries the envelope as forwarded (self appended): take it back to how it arrived.
  if (sent.path.at(-1) !== deps.self) return 0;
  const path = sent.path.slice(0, -1);
  const receivedFrom = path.at(-1) ?? null;
  // A plain bot only ever sends its own members' posts.
  if (receivedFrom !== null && !deps.relay) return 0;
  const peers = await deps.peers.listPeers();
  const table = RouteTable.fromPeers(deps.self, peers);
  const wants = await deps.peers.wantsOf(post.author);
  const decision = rerouteAfterFailure({
    self: deps.self,
    envelope: { ...sent, hops: sent.hops - 1, path },
    author: post.author,
    receivedFrom,
    peers: peers.map((p) => p.url).filter((p) => table.isLive(p)),
    interestTable: { peerWants: sendsPostsTo(wants), localWants: () => false },
    sentTo: new Set([failed]),
  });
  const jobs = forwardJobs(
    decision,
    { postId: post.id, text: post.text, createdAt: post.createdAt },
    post.author,
  );
  if (jobs.length === 0) return 0;
  await queue.enqueue(jobs);
  deps.log('post rerouted', { postId: post.id, around: failed, peers: decision.forwardTo });
  return jobs.length;
}
