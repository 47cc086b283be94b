import type { LeafStore } from '../ports/leaf-store.ts';
import type { PeerStore } from '../ports/peer-store.ts';
import type { PeerDirectory } from '../ports/peers.ts';

/** The status page's view of the peers: health as the deliver function last saw it. */
export function peerDirectory(
  store: PeerStore,
  leaves?: Pick<LeafStore, 'listLeaves' | 'heldCount'>,
): PeerDirectory {
  return {
    peers: async () => {
      const leafOf = new Map((await (leaves?.listLeaves() ?? Promise.resolve([]))).map((l) => [l.url, l]));
      const held = new Map(
        await Promise.all(
          [...leafOf.keys()].map(async (url) => [url, await leaves?.heldCount(url)] as const),
        ),
      );
      return (await store.listPeers()).map((p) => {
        const leaf = leafOf.get(p.url);
        return {
          url: p.url,
          // Down in the route table (a heartbeat or send got no answer) shows as down too.
          healthy: p.healthy !== false && p.down !== true,
          ...(p.lastSeen ? { lastSeen: p.lastSeen } : {}),
          ...(p.lastError
            ? { detail: p.lastError }
            : p.healthy === undefined
              ? { detail: `not contacted yet (${p.source})` }
              : {}),
          ...(leaf
            ? {
                leaf: {
                  held: held.get(p.url) ?? 0,
                  dropped: leaf.dropped,
                  ...(leaf.lastPoll ? { lastPoll: leaf.lastPoll } : {}),
                },
              }
            : {}),
        };
      });
    },
  };
}
