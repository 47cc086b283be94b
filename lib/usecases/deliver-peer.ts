import { PeerBusyError, PeerUnreachableError, PermanentSendError } from '../domain/errors.ts';
import type { DeliveryJob } from '../domain/types.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { PeerSender } from '../ports/peer-sender.ts';
import type { PeerStore } from '../ports/peer-store.ts';
import type { JobQueue } from '../ports/queue.ts';
import { type RetryDelay, retryDelaySeconds } from './retry-delay.ts';

export interface PeerDeliverDeps {
  sender: PeerSender;
  /** Where peer health is recorded for the status page. */
  store?: PeerStore;
  /** Attempts before a job is given up to the dead-letter queue; default 12 (about 2.5 h at the default backoff). */
  maxAttempts?: number;
  /**
   * Rewrites a job's body just before it is sent (a route advert is recomputed from the table as
   * it is now): adverts are full tables, so one computed earlier but delivered later would
   * otherwise overwrite a newer one at the peer.
   */
  freshen?: (peer: string, body: string) => Promise<string>;
  /** Routing around a dead peer (lib/usecases/peer-failover.ts); without it a failed send only waits. */
  failover?: PeerFailover;
}

export interface PeerFailover {
  /** The peer answered (a send succeeded): routes through it count again. */
  up(peer: string): Promise<unknown>;
  /** The peer gave no answer or a 5xx: route around it. */
  down(peer: string): Promise<unknown>;
  /** A post for the dead peer goes on to the live peers that want it now; returns jobs enqueued. */
  reroute(queue: JobQueue, peer: string, body: string): Promise<number>;
}

export const DEFAULT_PEER_ATTEMPTS = 12;

/**
 * One peer job: a signed POST. A peer that is down gets the job again after a growing delay
 * (the deliver backoff: 30 s doubling to 15 min), as a new job id so the job claim of
 * this attempt does not swallow the retry. After `maxAttempts` the job throws and, after the
 * queue's own receives, lands in the dead-letter queue for the operator to redrive; nothing is
 * dropped. A peer that refuses (4xx) is not retried. With `failover`, a peer that gives no answer
 * (or a 5xx other than 503) is marked down in the route table and a post for it is re-routed to
 * the live peers that want it now, at every failed attempt; a successful send marks it up. Receivers de-duplicate posts by id and
 * interest messages by sequence number, so a retry after a lost answer never doubles anything.
 */
export async function deliverPeerJob(
  deps: {
    peers?: PeerDeliverDeps;
    queue: JobQueue;
    retryDelay?: RetryDelay;
    log: InfoLog;
    /** "Now" for peer health records; default the system clock. */
    clock?: Clock;
  },
  job: DeliveryJob,
): Promise<{ sent: number; skipped: number; refused: number; retried: number }> {
  const target = job.peer;
  if (!deps.peers || !target) throw new Error(`job ${job.id}: peer delivery is not configured`);
  const now = (deps.clock ?? systemClock)();
  try {
    const body = deps.peers.freshen ? await deps.peers.freshen(target.url, target.body) : target.body;
    await deps.peers.sender.send(target.url, body);
  } catch (err) {
    if (err instanceof PermanentSendError) {
      deps.log('peer refused', { jobId: job.id, peer: target.url, reason: err.message });
      await deps.peers.store?.markHealth(target.url, false, now, err.message).catch(() => undefined);
      return { sent: 0, skipped: 0, refused: 1, retried: 0 };
    }
    await deps.peers.store?.markHealth(target.url, false, now, String(err)).catch(() => undefined);
    const failover = deps.peers.failover;
    if (failover) {
      // Routing around it is best effort: the retry below is what must not be lost.
      const quiet = (e: unknown) => deps.log('failover failed', { peer: target.url, error: String(e) });
      if (!(err instanceof PeerBusyError)) await failover.down(target.url).catch(quiet);
      const rerouted = await failover.reroute(deps.queue, target.url, target.body).catch((e: unknown) => {
        quiet(e);
        return 0;
      });
      if (rerouted > 0) deps.log('peer send failed, rerouted', { jobId: job.id, peer: target.url, rerouted });
    }
    const attempt = job.attempt + 1;
    if (attempt >= (deps.peers.maxAttempts ?? DEFAULT_PEER_ATTEMPTS)) {
      deps.log('peer unreachable, giving up', { jobId: job.id, peer: target.url, attempts: attempt });
      throw new PeerUnreachableError(`peer ${target.url} unreachable after ${attempt} attempts`);
    }
    const delay = retryDelaySeconds(attempt, deps.retryDelay);
    deps.log('peer send failed, retrying', {
      jobId: job.id,
      peer: target.url,
      attempt,
      delay,
      error: String(err),
    });
    await deps.queue.enqueue(
      [{ ...job, id: `${job.id.replace(/\.r\d+$/, '')}.r${attempt}`, attempt }],
      delay,
    );
    return { sent: 0, skipped: 0, refused: 0, retried: 1 };
  }
  await deps.peers.store?.markHealth(target.url, true, now).catch(() => undefined);
  await deps.peers.failover
    ?.up(target.url)
    .catch((e: unknown) => deps.log('failover failed', { peer: target.url, error: String(e) }));
  return { sent: 1, skipped: 0, refused: 0, retried: 0 };
}
