/**
 * The peer network's sending side: what the fanout function does when interest, peers or relayed
 * posts change in the table (the receiving side, a verified peer message written, is
 * lib/usecases/peer-inbound.ts). Everything that leaves the bot goes out as a `peer` job on the
 * delivery queue (signed and retried by the deliver function, lib/usecases/deliver-peer.ts).
 *
 * State lives in the table (lib/adapters/dynamodb/dynamo-peer-store.ts), not in memory: each change is
 * computed per author from that author's `WANTS#` partition, so a Lambda cold start loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { authorityOfBot, authorityOfHandle } from '../domain/addresses.ts';
import { formatEcho } from '../domain/format.ts';
import { activeChannels, toJobs } from '../domain/recipients.ts';
import type { DeliveryJob, Post, Recipient } from '../domain/types.ts';
import { createEnvelope, type Envelope, EnvelopeSchema } from '../federation/envelope.ts';
import type { InterestUpdate } from '../federation/interest.ts';
import { type PeerMessage, PeerMessageSchema } from '../federation/peer-messages.ts';
import { type RouteDecision, routePost } from '../federation/relay-router.ts';
import { type RouteAdvert, RouteTable } from '../federation/route-table.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { PeerControlAction, PeerRecord, PeerStore, RelayedPost, Wants } from '../ports/peer-store.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Store } from '../ports/store.ts';
import type { TimelineWriter } from '../ports/timeline.ts';

export interface PeerNetworkDeps {
  /** This bot's canonical base URL. */
  self: string;
  /** `ECHOBOT_RELAY=1`: a super-peer passes interest on and forwards posts between its peers. */
  relay: boolean;
  /** Hop limit put in the envelope of our own members' posts. */
  maxHops?: number;
  /** A leaf's super-peers (`ECHOBOT_UPSTREAM`): interest goes to every one of them. */
  upstreams?: readonly string[];
  peers: PeerStore;
  store: Store;
  queue: JobQueue;
  timeline?: TimelineWriter;
  now: () => Date;
  log: InfoLog;
}

/** A job that POSTs one message to one peer. Ids are deterministic where a retry must not double. */
export function peerJob(peer: string, message: PeerMessage, id: string): DeliveryJob {
  return {
    id: `peer|${peer}|${id}`,
    postId: message.type === 'post' ? message.post.id : id,
    text: '',
    recipients: [],
    attempt: 0,
    kind: 'peer',
    peer: { url: peer, body: JSON.stringify(message) },
  };
}

/** Whether two route tables agree on every authority given (no advert needed if they do). */
export function sameRoutes(a: RouteTable, b: RouteTable, authorities: Iterable<string>): boolean {
  for (const auth of authorities) {
    if (a.nextHop(auth) !== b.nextHop(auth) || a.distance(auth) !== b.distance(auth)) return false;
  }
  return true;
}

/** What we tell `peer` about routes: a relay passes on what it knows, a plain bot only itself. */
export function advertFor(
  deps: Pick<PeerNetworkDeps, 'self' | 'relay'>,
  table: RouteTable,
  peer: string,
): RouteAdvert {
  if (deps.relay) return table.advertFor(peer);
  return { type: 'routes', from: deps.self, routes: { [table.selfAuthority]: 0 } };
}

/**
 * A queued advert as it should read when it leaves: recomputed from the stored peers, so the
 * last advert a peer receives is never older than the last route change. Other messages pass.
 */
export async function freshAdvert(
  deps: Pick<PeerNetworkDeps, 'self' | 'relay' | 'peers'>,
  peer: string,
  body: string,
): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const message = PeerMessageSchema.safeParse(parsed);
  if (!message.success || message.data.type !== 'routes') return body;
  const table = RouteTable.fromPeers(deps.self, await deps.peers.listPeers());
  return JSON.stringify(advertFor(deps, table, peer));
}

/**
 * Should we register interest in `author` with `peer`? Our members follow it, or (a relay) another
 * peer asked for it; and the peer is our next hop toward the author's bot (when a route is known;
 * otherwise every peer but the askers themselves: split horizon).
 */
export function shouldRegister(
  deps: Pick<PeerNetworkDeps, 'self' | 'relay' | 'upstreams'>,
  table: Pick<RouteTable, 'nextHop'>,
  peer: string,
  author: string,
  wants: Wants,
): boolean {
  const authority = authorityOfHandle(author);
  if (authority === authorityOfBot(deps.self)) return false;
  const wanted = wants.members.length > 0 || (deps.relay && wants.peers.some((p) => p !== peer));
  if (!wanted) return false;
  // A leaf is multi-homed: every upstream carries its interest, so one that is down costs nothing
  // (the copies from the others are de-duplicated by post id).
  if (deps.upstreams?.includes(peer)) return true;
  const hop = table.nextHop(authority);
  return hop === undefined || hop === peer;
}

/** Interest in one author changed here: send each peer the delta that keeps its view right. */
export async function syncAuthor(deps: PeerNetworkDeps, author: string): Promise<number> {
  const [wants, peers] = await Promise.all([deps.peers.wantsOf(author), deps.peers.listPeers()]);
  const table = RouteTable.fromPeers(deps.self, peers);
  let sent = 0;
  for (const peer of peers) {
    const want = shouldRegister(deps, table, peer.url, author, wants);
    const registered = await deps.peers.hasSent(peer.url, author);
    if (want === registered) continue;
    const seq = await deps.peers.nextOutSeq(peer.url);
    const update: InterestUpdate = {
      type: 'interest-delta',
      from: deps.self,
      epoch: peer.outEpoch,
      seq,
      add: want ? [author] : [],
      remove: want ? [] : [author],
    };
    // Enqueue first: if this fails the stream retries and recomputes; a repeated delta is harmless.
    await deps.queue.enqueue([peerJob(peer.url, update, `interest|${peer.outEpoch}|${seq}`)]);
    await deps.peers.markSent(peer.url, author, want);
    sent++;
  }
  if (sent > 0) deps.log('interest synced', { author, peers: sent });
  return sent;
}

/** Re-registers our whole interest with `peer` as one snapshot (new peering, a gap, new routes). */
async function resync(deps: PeerNetworkDeps, peer: PeerRecord, table: RouteTable): Promise<void> {
  const full: string[] = [];
  for (const author of await deps.peers.knownAuthors()) {
    const wants = await deps.peers.wantsOf(author);
    const want = shouldRegister(deps, table, peer.url, author, wants);
    if (want) full.push(author);
    await deps.peers.markSent(peer.url, author, want);
  }
  const seq = await deps.peers.nextOutSeq(peer.url);
  const snapshot: InterestUpdate = {
    type: 'interest-snapshot',
    from: deps.self,
    epoch: peer.outEpoch,
    seq,
    full,
  };
  await deps.queue.enqueue([peerJob(peer.url, snapshot, `interest|${peer.outEpoch}|${seq}`)]);
}

/** One control item from the stream. */
export async function onControl(
  deps: PeerNetworkDeps,
  target: string,
  action: PeerControlAction,
): Promise<void> {
  const peers = await deps.peers.listPeers();
  const table = RouteTable.fromPeers(deps.self, peers);
  const peer = peers.find((p) => p.url === target);
  switch (action) {
    case 'connect':
      if (!peer) return;
      await deps.queue.enqueue([
        peerJob(peer.url, advertFor(deps, table, peer.url), `routes|${randomUUID()}`),
      ]);
      await resync(deps, peer, table);
      return;
    case 'snapshot':
      if (peer) await resync(deps, peer, table);
      return;
    case 'request-snapshot':
      if (peer)
        await deps.queue.enqueue([
          peerJob(
            peer.url,
            { type: 'interest-snapshot-request', from: deps.self },
            `request|${randomUUID()}`,
          ),
        ]);
      return;
    case 'routes-changed':
      for (const p of peers) {
        if (deps.relay)
          await deps.queue.enqueue([peerJob(p.url, advertFor(deps, table, p.url), `routes|${randomUUID()}`)]);
        await resync(deps, p, table);
      }
      return;
    case 'disconnect':
      await deps.peers.forgetPeer(target);
      await deps.peers.control(deps.self, 'routes-changed', deps.now());
      return;
  }
}

/** The post jobs a routing decision makes; deterministic ids (`post|<id>` per peer), so a repeat never doubles. */
export function forwardJobs(
  decision: RouteDecision,
  post: Pick<RelayedPost, 'text' | 'createdAt'> & ({ postId: string } | { id: string }),
  author: string,
): DeliveryJob[] {
  if (!decision.envelope) return [];
  const envelope: Envelope = decision.envelope;
  const text = post.text;
  const id = 'postId' in post ? post.postId : post.id;
  return decision.forwardTo.map((peer) =>
    peerJob(
      peer,
      { type: 'post', envelope, post: { id, author, text, createdAt: post.createdAt } },
      `post|${id}`,
    ),
  );
}

/** Which peers a post or delete by the author goes to: those interested, and those held down. */
export const sendsPostsTo =
  (wants: Wants) =>
  (peer: string): boolean =>
    wants.peers.includes(peer) || (wants.leaving ?? []).includes(peer);

/** A post by one of our members: once to each peer whose interest covers its author (or held down). */
export async function relayLocalPost(deps: PeerNetworkDeps, post: Post): Promise<number> {
  const author = `${post.authorNick}@${authorityOfBot(deps.self)}`;
  const wants = await deps.peers.wantsOf(author, deps.now());
  if (wants.peers.length === 0 && (wants.leaving ?? []).length === 0) return 0;
  const envelope = createEnvelope({
    postId: post.id,
    author,
    origin: deps.self,
    ...(deps.maxHops ? { maxHops: deps.maxHops } : {}),
  });
  const peers = (await deps.peers.listPeers()).map((p) => p.url);
  const decision = routePost({
    self: deps.self,
    envelope,
    author,
    receivedFrom: null,
    peers,
    interestTable: { peerWants: sendsPostsTo(wants), localWants: () => false },
    seen: { has: () => false },
  });
  const jobs = forwardJobs(decision, post, author);
  await deps.queue.enqueue(jobs);
  deps.log('post relayed', { postId: post.id, peers: jobs.length });
  return jobs.length;
}

/**
 * A post a peer delivered (stored once, by its id): echoed to our members who follow its author,
 * recorded on the public timeline, and (a relay) forwarded toward interested peers.
 */
export async function handleRelayed(
  deps: PeerNetworkDeps,
  relayed: RelayedPost,
): Promise<{ recipients: number; forwarded: number; hopLimitReached: boolean }> {
  const envelope = EnvelopeSchema.parse(JSON.parse(relayed.envelope));
  // Its delete overtook it (peer-inbound.ts tombstoned it first): not shown, echoed or passed on.
  if ((await deps.store.deletedPosts([relayed.postId])).has(relayed.postId)) {
    deps.log('relayed post already deleted', { postId: relayed.postId });
    return { recipients: 0, forwarded: 0, hopLimitReached: false };
  }
  const wants = await deps.peers.wantsOf(relayed.author, deps.now());
  const members = await deps.store.membersByIds(wants.members);
  const recipients: Recipient[] = [];
  for (const m of members.values())
    for (const channel of activeChannels(m)) recipients.push({ memberId: m.id, channel });
  const text = formatEcho(relayed.author, relayed.text);
  await deps.queue.enqueue(toJobs(relayed.postId, text, recipients));
  await deps.timeline?.record({
    id: relayed.postId,
    author: relayed.author,
    authorKey: relayed.author,
    local: false,
    text: relayed.text,
    createdAt: relayed.createdAt,
  });
  let decision: RouteDecision | undefined;
  if (deps.relay) {
    const peers = (await deps.peers.listPeers()).map((p) => p.url);
    decision = routePost({
      self: deps.self,
      envelope,
      author: relayed.author,
      receivedFrom: relayed.from,
      peers,
      interestTable: {
        peerWants: sendsPostsTo(wants),
        localWants: () => wants.members.length > 0,
      },
      seen: { has: () => false },
    });
    await deps.queue.enqueue(forwardJobs(decision, relayed, relayed.author));
    if (decision.hopLimitReached) deps.log('hop limit reached', { postId: relayed.postId });
  }
  const forwarded = decision?.forwardTo.length ?? 0;
  deps.log('relayed post handled', { postId: relayed.postId, recipients: recipients.length, forwarded });
  return { recipients: recipients.length, forwarded, hopLimitReached: decision?.hopLimitReached ?? false };
}
