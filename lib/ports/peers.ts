/** A peer bot as the operator sees it. Federation fills this in; until then the list is empty. */
export interface PeerHealth {
  url: string;
  healthy: boolean;
  /** When the peer last answered, if ever. */
  lastSeen?: string;
  detail?: string;
  /** A leaf this super-peer serves: its last inbox poll and the held messages dropped (queue full). */
  leaf?: { lastPoll?: string; dropped: number };
}

export interface PeerDirectory {
  peers(): Promise<PeerHealth[]>;
}

export const noPeers: PeerDirectory = { peers: async () => [] };
