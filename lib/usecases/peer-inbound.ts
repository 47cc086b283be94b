/**
 * The peer network's receiving side: what the http function does with a verified peer message.
 * It only writes (relayed posts, interest, routes, control items); the stream drives the rest
 * through the sending side (lib/usecases/peer-outbound.ts).
 */

import { authorityOfBot } from '../domain/addresses.ts';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import type { InterestUpdate } from '../federation/interest.ts';
import type { PeerDelete, PeerMessage } from '../federation/peer-messages.ts';
import { RouteTable } from '../federation/route-table.ts';
import type { StreamState } from '../ports/peer-store.ts';
import { type PeerNetworkDeps, sameRoutes } from './peer-outbound.ts';

type InterestDecision =
  | { status: 'apply'; next: StreamState }
  | { status: 'stale' }
  | { status: 'gap'; next: StreamState; request: boolean };

/** The receiver's sequence rules (the same as InterestTable.receive), on stored stream state. */
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
  | 'deleted'
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
  if (message.type === 'delete') return receiveDelete(deps, from, message);
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
    for (const author of current)
      if (!next.has(author)) await deps.peers.setPeerWants(from, author, false, deps.now());
    const had = new Set(current);
    for (const author of next) if (!had.has(author)) await deps.peers.setPeerWants(from, author, true);
  } else {
    for (const author of message.remove) await deps.peers.setPeerWants(from, author, false, deps.now());
    for (const author of message.add) await deps.peers.setPeerWants(from, author, true);
  }
  await deps.peers.setInboundState(from, decision.next, peer.inSeq);
  return 'applied';
}

/**
 * A peer's delete of a post: the same origin rule as the post's (the schema: post and author on
 * the envelope's origin; here: the path ends at the signer), and the author must be the one we
 * hold the post by. The tombstone commits with the de-duplication record; the stream forwards it.
 */
async function receiveDelete(
  deps: Pick<PeerNetworkDeps, 'self' | 'peers' | 'now'>,
  from: string,
  message: PeerDelete,
): Promise<PeerReceipt> {
  const { envelope } = message;
  if (envelope.origin === deps.self) return 'own-post';
  if (envelope.path.at(-1) !== from)
    throw new BadRequestError('the envelope path does not end at the sender');
  const entry = await deps.peers.timelineEntry(message.postId);
  if (entry && (entry.local || entry.authorKey !== message.author))
    throw new ForbiddenError('only the origin bot may delete a post: we know it by another author');
  const fresh = await deps.peers.putRelayedDelete(
    {
      postId: message.postId,
      author: message.author,
      at: message.at,
      envelope: JSON.stringify(envelope),
      from,
      receivedAt: deps.now().toISOString(),
    },
    entry,
  );
  return fresh ? 'deleted' : 'duplicate';
}
