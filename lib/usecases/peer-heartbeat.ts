/**
 * Heartbeats: our current route advert, sent to every peer we can POST to, on a timer. Only the
 * sender of a failed send notices a dead peer; a bot whose best route crosses it but that has
 * nothing to send that way would keep its interest registered there and its posts would wait.
 * A heartbeat that gets no answer marks the peer down (peer-failover.ts), so every neighbour of a
 * dead super-peer routes around it within one interval; one that succeeds marks it up. Sent
 * straight, not queued: a missed heartbeat is not retried (the next one comes anyway). Adverts
 * are idempotent full tables, so the receiver only changes anything when routes did change.
 */
import { PeerBusyError, PermanentSendError } from '../domain/errors.ts';
import { RouteTable } from '../federation/route-table.ts';
import type { PeerSender } from '../ports/peer-sender.ts';
import type { PeerFailover } from './deliver-peer.ts';
import { advertFor, type PeerNetworkDeps } from './peer-outbound.ts';

export interface HeartbeatDeps extends Pick<PeerNetworkDeps, 'self' | 'relay' | 'peers' | 'log'> {
  /** The plain signed POST (not the leaf-holding one: a leaf is never probed, it polls us). */
  sender: PeerSender;
  failover: Pick<PeerFailover, 'up' | 'down'>;
}

export async function sendHeartbeats(deps: HeartbeatDeps): Promise<{ sent: number; failed: number }> {
  const peers = await deps.peers.listPeers();
  const table = RouteTable.fromPeers(deps.self, peers);
  let sent = 0;
  let failed = 0;
  for (const peer of peers) {
    if (peer.source === 'leaf') continue;
    try {
      await deps.sender.send(peer.url, JSON.stringify(advertFor(deps, table, peer.url)));
      sent++;
      await deps.failover.up(peer.url);
    } catch (err) {
      // A refusal or a busy answer: alive, nothing to change.
      if (err instanceof PermanentSendError || err instanceof PeerBusyError) continue;
      failed++;
      await deps.failover.down(peer.url);
    }
  }
  return { sent, failed };
}
