/**
 * The peer network's runtime: what the fanout function does when interest, peers or relayed posts
 * change in the table, and what the http function does with a verified peer message. Everything
 * that leaves the bot goes out as a `peer` job on the delivery queue (signed and retried by the
 * deliver function, lib/usecases/deliver-peer.ts); the http function only verifies and writes.
 *
 * State lives in the table (lib/adapters/dynamodb/dynamo-peer-store.ts), not in memory: each change is
 * computed per author from that author's `WANTS#` partition, so a Lambda cold start loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import { formatEcho } from '../domain/format.ts';
import { activeChannels, toJobs } from '../domain/recipients.ts';
import type { DeliveryJob, Post, Recipient } from '../domain/types.ts';
import { authorityOfBot, authorityOfHandle } from '../federation/addresses.ts';
import { createEnvelope, type Envelope, EnvelopeSchema } from '../federation/envelope.ts';
import type { InterestUpdate } from '../federation/interest.ts';
import type { PeerMessage } from '../federation/peer-messages.ts';
import { type RouteDecision, routePost } from '../federation/relay-router.ts';
import { type RouteAdvert, RouteTable } from '../federation/route-table.ts';
import type {
  PeerControlAction,
  PeerRecord,
  PeerStore,
  RelayedPost,
  StreamState,
  Wants,
} from '../ports/peer-store.ts';
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
  peers: PeerStore;
  store: Store;
  queue: JobQueue;
  timeline?: TimelineWriter;
  now: () => Date;
  log: (event: string, fields: Record<string, unknown>) => void;
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

function sameRoutes(a: RouteTable, b: RouteTable, authorities: Iterable<string>): boolean {
  for (const auth of authorities) {
    if (a.nextHop(auth) !== b.nextHop(auth) || a.distance(auth) !== b.distance(auth)) return false;
  }
  return true;
}

/** What we tell `peer` about routes: a relay passes on what it knows, a plain bot only itself. */
function advertFor(deps: PeerNetworkDeps, table: RouteTable, peer: string): RouteAdvert {
  if (deps.relay) return table.advertFor(peer);
  return { type: 'routes', from: deps.self, routes: { [table.selfAuthority]: 0 } };
}

/**
 * Should we register interest in `author` with `peer`? Our members follow it, or (a relay) another
 * peer asked for it; and the peer is our next hop toward the author's bot (when a route is known;
 * otherwise every peer but the askers themselves: split horizon).
 */
export function shouldRegister(
  deps: Pick<PeerNetworkDeps, 'self' | 'relay'>,
  table: Pick<RouteTable, 'nextHop'>,
  peer: string,
  author: string,
  wants: Wants,
): boolean {
  const authority = authorityOfHandle(author);
  if (authority === authorityOfBot(deps.self)) return false;
  const wanted = wants.members.length > 0 || (deps.relay && wants.peers.some((p) => p !== peer));
  if (!wanted) return false;
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

function forwardJobs(decision: RouteDecision, post: RelayedPost | Post, author: string): DeliveryJob[] {
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

/** A post by one of our members: once to each peer whose interest covers its author. */
export async function relayLocalPost(deps: PeerNetworkDeps, post: Post): Promise<number> {
  const author = `${post.authorNick}@${authorityOfBot(deps.self)}`;
  const wants = await deps.peers.wantsOf(author);
  if (wants.peers.length === 0) return 0;
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
    interestTable: { peerWants: (p) => wants.peers.includes(p), localWants: () => false },
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
  const wants = await deps.peers.wantsOf(relayed.author);
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
        peerWants: (p) => wants.peers.includes(p),
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

type InterestDecision =
  | { status: 'apply'; next: StreamState }
  | { status: 'stale' }
  | { status: 'gap'; next: StreamState; request: boolean };

/** The receiver's sequence rules, on stored stream state (the bench's in-memory model runs them too). */
export function decideInterest(state: StreamState | undefined, update: InterestUpdate): InterestDecision {
  if (update.type === 'interest-snapshot') {
    if (state && state.epoch === update.epoch && update.seq <= state.seq) return { status: 'stale' };
    return { status: 'apply', next: { epoch: update.epoch, seq: update.seq, awaitingSnapshot: false } };
  }
  if (!state || state.epoch !== update.epoch) {
    const next = state
      ? { ...state, awaitingSnapshot: true }
      : { epoch: update.epoch, seq: 0, awaitingSnapshot: true };
    return { status: 'gap', next, request: !state?.awaitingSnapshot };
  }
  if (update.seq <= state.seq) return { status: 'stale' };
  if (update.seq !== state.seq + 1 || state.awaitingSnapshot)
    return { status: 'gap', next: { ...state, awaitingSnapshot: true }, request: !state.awaitingSnapshot };
  return { status: 'apply', next: { ...state, seq: update.seq } };
}

export type PeerReceipt =
  | 'accepted'
  | 'duplicate'
  | 'own-post'
  | 'applied'
  | 'stale'
  | 'gap'
  | 'snapshot-requested'
  | 'routes';

/** A verified message from `from` (the peer that signed it). Writes only; the stream does the rest. */
export async function receivePeerMessage(
  deps: Pick<PeerNetworkDeps, 'self' | 'peers' | 'now' | 'log'>,
  from: string,
  message: PeerMessage,
): Promise<PeerReceipt> {
  if (message.type === 'post') {
    const { envelope, post } = message;
    if (envelope.origin === deps.self) return 'own-post';
    if (envelope.path.at(-1) !== from)
      throw new BadRequestError('the envelope path does not end at the sender');
    const fresh = await deps.peers.putRelayed({
      postId: post.id,
      author: post.author,
      text: post.text,
      createdAt: post.createdAt,
      envelope: JSON.stringify(envelope),
      from,
      receivedAt: deps.now().toISOString(),
    });
    return fresh ? 'accepted' : 'duplicate';
  }
  if (message.from !== from) throw new ForbiddenError('message "from" is not the signer');
  if (message.type === 'interest-snapshot-request') {
    await deps.peers.control(from, 'snapshot', deps.now());
    return 'snapshot-requested';
  }
  if (message.type === 'routes') {
    const before = await deps.peers.listPeers();
    const after = before.map((p) => (p.url === from ? { ...p, routes: message.routes } : p));
    await deps.peers.setRoutes(from, message.routes);
    // The peer's first advert: it may have missed ours (it was not up when we connected), so say it again.
    if (before.find((p) => p.url === from)?.routes === undefined)
      await deps.peers.control(from, 'connect', deps.now());
    const a = RouteTable.fromPeers(deps.self, before);
    const b = RouteTable.fromPeers(deps.self, after);
    const authorities = new Set([
      ...before.flatMap((p) => Object.keys(p.routes ?? {})),
      ...Object.keys(message.routes),
      ...before.map((p) => authorityOfBot(p.url)),
    ]);
    if (!sameRoutes(a, b, authorities)) await deps.peers.control(deps.self, 'routes-changed', deps.now());
    return 'routes';
  }
  const peer = await deps.peers.getPeer(from);
  if (!peer) throw new ForbiddenError('not a peer of this bot');
  const state: StreamState | undefined =
    peer.inEpoch !== undefined && peer.inSeq !== undefined
      ? { epoch: peer.inEpoch, seq: peer.inSeq, awaitingSnapshot: peer.awaitingSnapshot ?? false }
      : undefined;
  const decision = decideInterest(state, message);
  if (decision.status === 'stale') return 'stale';
  if (decision.status === 'gap') {
    await deps.peers.setInboundState(from, decision.next, peer.inSeq);
    if (decision.request) await deps.peers.control(from, 'request-snapshot', deps.now());
    return 'gap';
  }
  if (message.type === 'interest-snapshot') {
    const next = new Set(message.full);
    const current = await deps.peers.peerInterest(from);
    for (const author of current) if (!next.has(author)) await deps.peers.setPeerWants(from, author, false);
    const had = new Set(current);
    for (const author of next) if (!had.has(author)) await deps.peers.setPeerWants(from, author, true);
  } else {
    for (const author of message.remove) await deps.peers.setPeerWants(from, author, false);
    for (const author of message.add) await deps.peers.setPeerWants(from, author, true);
  }
  await deps.peers.setInboundState(from, decision.next, peer.inSeq);
  return 'applied';
}
