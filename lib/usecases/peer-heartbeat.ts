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

/** Peers probed at once: a black-holed peer holds its probe up to the send timeout (10 s). */
const HEARTBEAT_CONCURRENCY = 8;

export async function sendHeartbeats(deps: HeartbeatDeps): Promise<{ sent: number; failed: number }> {
  const peers = await deps.peers.listPeers();
  const table = RouteTable.fromPeers(deps.self, peers);
  const targets = peers.filter((p) => p.source !== 'leaf');
  let sent = 0;
  let failed = 0;
  const probe = async (url: string) => {
    try {
      await deps.sender.send(url, JSON.stringify(advertFor(deps, table, url)));
      sent++;
      await deps.failover.up(url);
    } catch (err) {
      // A refusal or a busy answer: alive, nothing to change.
      if (err instanceof PermanentSendError || err instanceof PeerBusyError) return;
      failed++;
      await deps.failover.down(url);
    }
  };
  // A few workers over one list (a pool library for eight promises is not worth a dependency), so
  // a round with several dead peers still ends well inside the deployed function's 50 s.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i];
      if (target) await probe(target.url);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEARTBEAT_CONCURRENCY, targets.length) }, worker));
  return { sent, failed };
}
