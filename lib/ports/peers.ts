/** A peer bot as the operator sees it. Federation fills this in; until then the list is empty. */
export interface PeerHealth {
  url: string;
  healthy: boolean;
  /** When the peer last answered, if ever. */
  lastSeen?: string;
  detail?: string;
  /** A leaf this super-peer serves: its last inbox poll, the messages held for it, and those dropped (queue full). */
  leaf?: { lastPoll?: string; held: number; dropped: number };
}

export interface PeerDirectory {
  peers(): Promise<PeerHealth[]>;
}

export const noPeers: PeerDirectory = { peers: async () => [] };
