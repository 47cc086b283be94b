import type { LeafStore } from '../ports/leaf-store.ts';
import type { PeerSender } from '../ports/peer-sender.ts';

/**
 * A super-peer's peer sender: a message for a leaf (which nothing can reach) is held in the
 * leaf's queue for its next inbox poll; any other peer gets the signed POST. Holding is the
 * delivery, so a retry of the job (after a crash) may hold a copy twice: the leaf de-duplicates
 * posts by id and interest by sequence number.
 */
export function leafHoldingSender(
  leaves: Pick<LeafStore, 'getLeaf' | 'hold'>,
  http: PeerSender,
  now: () => Date,
): PeerSender {
  return {
    async send(peerUrl, body) {
      if (await leaves.getLeaf(peerUrl)) return leaves.hold(peerUrl, body, now());
      return http.send(peerUrl, body);
    },
  };
}
