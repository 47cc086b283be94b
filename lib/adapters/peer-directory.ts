import type { PeerStore } from '../ports/peer-store.ts';
import type { PeerDirectory } from '../ports/peers.ts';

/** The status page's view of the peers: health as the deliver function last saw it. */
export function peerDirectory(store: PeerStore): PeerDirectory {
  return {
    peers: async () =>
      (await store.listPeers()).map((p) => ({
        url: p.url,
        healthy: p.healthy !== false,
        ...(p.lastSeen ? { lastSeen: p.lastSeen } : {}),
        ...(p.lastError
          ? { detail: p.lastError }
          : p.healthy === undefined
            ? { detail: `not contacted yet (${p.source})` }
            : {}),
      })),
  };
}
