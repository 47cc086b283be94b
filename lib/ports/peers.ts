/** A peer bot as the operator sees it. Federation fills this in; until then the list is empty. */
export interface PeerHealth {
  url: string;
  healthy: boolean;
  /** When the peer last answered, if ever. */
  lastSeen?: string;
  detail?: string;
}

export interface PeerDirectory {
  peers(): Promise<PeerHealth[]>;
}

export const noPeers: PeerDirectory = { peers: async () => [] };
