/**
 * Where a post goes next: the super-peer routing decision, pure. The caller records the post id
 * in its de-duplication set after acting on the decision, and sends `envelope` (not the one it
 * received) to every peer in `forwardTo`.
 */
import { type Envelope, nextHop } from './envelope.ts';

export interface SeenPosts {
  has(postId: string): boolean;
}

export interface InterestLookup {
  peerWants(peer: string, author: string): boolean;
  localWants(author: string): boolean;
}

export interface RoutePostInput {
  self: string;
  envelope: Envelope;
  /** The author as authenticated from the activity (its signed actor), not the envelope's claim. */
  author: string;
  /** The peer that delivered the post; null for a post by one of our own members. */
  receivedFrom: string | null;
  peers: Iterable<string>;
  interestTable: InterestLookup;
  seen: SeenPosts;
}

export type DropReason = 'duplicate' | 'author-mismatch' | 'loop';

export interface RouteDecision {
  /** Echo to our members who follow the author (always false for our own members' posts). */
  deliverLocally: boolean;
  /** Peers to send the post to, each once. */
  forwardTo: string[];
  /** The envelope to send, with self appended; null when nothing is forwarded. */
  envelope: Envelope | null;
  /** Set when the post is ignored entirely. */
  dropped?: DropReason;
  /** Interested peers exist but the hop limit stops the post here. */
  hopLimitReached: boolean;
}

const dropped = (reason: DropReason): RouteDecision => ({
  deliverLocally: false,
  forwardTo: [],
  envelope: null,
  dropped: reason,
  hopLimitReached: false,
});

export function routePost(input: RoutePostInput): RouteDecision {
  const { self, envelope, author, receivedFrom, interestTable } = input;
  if (input.seen.has(envelope.postId)) return dropped('duplicate');
  if (author !== envelope.author) return dropped('author-mismatch');
  if (receivedFrom !== null && envelope.path.includes(self)) return dropped('loop');

  const deliverLocally = receivedFrom !== null && interestTable.localWants(author);
  const candidates: string[] = [];
  for (const peer of new Set(input.peers)) {
    if (peer === self || peer === receivedFrom || envelope.path.includes(peer)) continue;
    if (interestTable.peerWants(peer, author)) candidates.push(peer);
  }
  if (candidates.length === 0)
    return { deliverLocally, forwardTo: [], envelope: null, hopLimitReached: false };
  const onward = nextHop(envelope, self);
  if (onward === null) return { deliverLocally, forwardTo: [], envelope: null, hopLimitReached: true };
  return { deliverLocally, forwardTo: candidates, envelope: onward, hopLimitReached: false };
}

/**
 * A send of this post to a peer failed (refused, timed out): the caller has marked that peer down
 * (RouteTable.markDown) and re-registered interest around it. The post now goes to the peers that
 * want it under the new routes and have not had it from us, so it takes the live route instead of
 * waiting; the message to the down peer stays queued for its return (it may want the post itself;
 * anything it passes on later is dropped as a duplicate). Never echoes locally again.
 */
export function rerouteAfterFailure(
  input: Omit<RoutePostInput, 'seen'> & { sentTo: ReadonlySet<string> },
): RouteDecision {
  const decision = routePost({
    ...input,
    peers: [...input.peers].filter((p) => !input.sentTo.has(p)),
    seen: { has: () => false },
  });
  return { ...decision, deliverLocally: false };
}
