/**
 * FOLLOW nick@host: through the peer network or over ActivityPub? Peers when the handle's bot is
 * one of our peers or reachable through them (a route in the route table built from their
 * adverts); otherwise ActivityPub (WebFinger + Follow), which reaches any fediverse server.
 */
import { authorityOfBot, authorityOfHandle } from '../domain/addresses.ts';
import { RouteTable } from './route-table.ts';

export type FollowPath = 'peers' | 'activitypub';

export interface PeerRoutes {
  url: string;
  routes?: Record<string, number>;
}

export function followPathFor(self: string, handle: string, peers: readonly PeerRoutes[]): FollowPath {
  const table = RouteTable.fromPeers(self, peers);
  const authority = authorityOfHandle(handle);
  if (authority === authorityOfBot(self)) return 'activitypub';
  return table.nextHop(authority) !== undefined ? 'peers' : 'activitypub';
}

/** The seam FOLLOW uses: `followVia(handle)`, reading the peers (and their adverts) when asked. */
export function createFollowVia(
  self: string,
  listPeers: () => Promise<readonly PeerRoutes[]>,
): (handle: string) => Promise<FollowPath> {
  return async (handle) => followPathFor(self, handle, await listPeers());
}
