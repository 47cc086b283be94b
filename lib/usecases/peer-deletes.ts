/**
 * A member's DELETE on the peer network: the `delete` message goes the way the post's author's
 * posts go (to the peers whose interest covers the author, forwarded by super-peers within the hop
 * limit), and a receiving bot tombstones the post (lib/usecases/peer-inbound.ts) before the stream
 * brings the delete here to be passed on. Job ids are per post and peer, so a retried stream
 * record sends nothing twice.
 */
import { authorityOfBot } from '../domain/addresses.ts';
import type { DeliveryJob } from '../domain/types.ts';
import { createEnvelope, EnvelopeSchema } from '../federation/envelope.ts';
import type { PeerDelete } from '../federation/peer-messages.ts';
import { type RouteDecision, routePost } from '../federation/relay-router.ts';
import type { PeerStore, RelayedDelete } from '../ports/peer-store.ts';
import type { JobQueue } from '../ports/queue.ts';
import { type PeerNetworkDeps, peerJob, sendsPostsTo } from './peer-outbound.ts';

/** What routing a delete reads and writes: who wants the author, the peers, the delivery queue. */
export type DeleteRouteDeps = Pick<PeerNetworkDeps, 'self' | 'relay' | 'maxHops' | 'log'> & {
  peers: Pick<PeerStore, 'wantsOf' | 'listPeers'>;
  queue: Pick<JobQueue, 'enqueue'>;
};

function deleteJobs(decision: RouteDecision, message: Omit<PeerDelete, 'envelope'>): DeliveryJob[] {
  const { envelope } = decision;
  if (!envelope) return [];
  // The job's own id, not the post id: deliver skips jobs of deleted posts, and this one must go.
  return decision.forwardTo.map((peer) =>
    peerJob(peer, { ...message, envelope }, `delete|${message.postId}`),
  );
}

/** One of our members deleted a post: a `delete` to each peer whose interest covers its author. */
export async function relayLocalDelete(
  deps: DeleteRouteDeps,
  postId: string,
  nick: string,
  at: string,
): Promise<number> {
  if (!postId.startsWith(`${deps.self}/posts/`)) return 0;
  const author = `${nick}@${authorityOfBot(deps.self)}`;
  const wants = await deps.peers.wantsOf(author);
  if (wants.peers.length === 0 && (wants.leaving ?? []).length === 0) return 0;
  const envelope = createEnvelope({
    postId,
    author,
    origin: deps.self,
    ...(deps.maxHops ? { maxHops: deps.maxHops } : {}),
  });
  const decision = routePost({
    self: deps.self,
    envelope,
    author,
    receivedFrom: null,
    peers: (await deps.peers.listPeers()).map((p) => p.url),
    interestTable: { peerWants: sendsPostsTo(wants), localWants: () => false },
    seen: { has: () => false },
  });
  const jobs = deleteJobs(decision, { type: 'delete', postId, author, at });
  await deps.queue.enqueue(jobs);
  deps.log('delete relayed', { postId, peers: jobs.length });
  return jobs.length;
}

/** A delete a peer delivered (already tombstoned here): a super-peer passes it on like the post. */
export async function handleRelayedDelete(deps: DeleteRouteDeps, del: RelayedDelete): Promise<number> {
  if (!deps.relay) return 0;
  const envelope = EnvelopeSchema.parse(JSON.parse(del.envelope));
  const wants = await deps.peers.wantsOf(del.author);
  const decision = routePost({
    self: deps.self,
    envelope,
    author: del.author,
    receivedFrom: del.from,
    peers: (await deps.peers.listPeers()).map((p) => p.url),
    interestTable: { peerWants: sendsPostsTo(wants), localWants: () => false },
    seen: { has: () => false },
  });
  const jobs = deleteJobs(decision, { type: 'delete', postId: del.postId, author: del.author, at: del.at });
  await deps.queue.enqueue(jobs);
  if (decision.hopLimitReached) deps.log('hop limit reached', { postId: del.postId });
  deps.log('relayed delete handled', { postId: del.postId, forwarded: jobs.length });
  return jobs.length;
}
