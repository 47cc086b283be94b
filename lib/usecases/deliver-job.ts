import { splitChannel } from '../domain/channel.ts';
import { JobFailedError, PermanentSendError } from '../domain/errors.ts';
import type { FederationTask } from '../domain/federation-task.ts';
import { stillDeliverable } from '../domain/recipients.ts';
import type { DeliveryJob, OutboundMessage, Recipient } from '../domain/types.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Senders } from '../ports/sender.ts';
import type { EchoCounter } from '../ports/stats.ts';
import type { Store } from '../ports/store.ts';
import { deliverPeerJob, type PeerDeliverDeps } from './deliver-peer.ts';
import { recordOptOut } from './record-opt-out.ts';
import { type RetryDelay, retryDelaySeconds } from './retry-delay.ts';
import type { SmsGate } from './sms-gate.ts';

export interface DeliverDeps {
  store: Store;
  senders: Senders;
  queue: JobQueue;
  log: InfoLog;
  /** "Now" for opt-out records and echo counts; default the system clock. */
  clock?: Clock;
  /** Counts echoes sent per channel kind for the status page; a counting failure never fails a job. */
  echoCounter?: EchoCounter;
  /** Custom metrics: echoes by channel, failures by reason. */
  metrics?: Metrics;
  /** Retry backoff; defaults to 30 s doubling up to 15 min. Tests and benches shorten it. */
  retryDelay?: RetryDelay;
  /** Quiet hours, the SMS part limit and the daily SMS budget (lib/usecases/sms-gate.ts); absent = SMS unguarded. */
  smsGate?: SmsGate;
  /** Carries out `federation` jobs (signed ActivityPub deliveries); absent = such jobs fail and retry. */
  federation?: { run(task: FederationTask): Promise<string> };
  /** Peer jobs (signed POSTs to peer bots); absent = this bot has no peer network. */
  peers?: PeerDeliverDeps;
}

export interface DeliverOutcome {
  sent: number;
  /** Recipients no longer deliverable (opted out, left) at send time. */
  skipped: number;
  /** Permanently refused by the carrier or provider; never retried. */
  refused: number;
  /** Re-enqueued as a smaller job with a delay. */
  retried: number;
  /** SMS echoes held for a quiet-hours digest (present when any). */
  held?: number;
  /** SMS not sent because the day's SMS budget was used up; never retried (present when any). */
  overBudget?: number;
}

/** Parallel sends per job: enough to hide provider latency, few enough to stay polite. */
const CONCURRENCY = 8;

/**
 * Sends one job's echoes. Opt-outs are re-checked at send time. If some recipients fail,
 * only they are re-enqueued (a new job id, after a delay), so a retry never doubles an echo
 * that already went out; if all fail, the error propagates and the queue retries the message,
 * landing it in the dead-letter queue when it never succeeds.
 */
export async function deliverJob(deps: DeliverDeps, job: DeliveryJob): Promise<DeliverOutcome> {
  if (job.kind === 'federation') return deliverFederationJob(deps, job);
  const isReply = job.kind === 'reply';
  // A post deleted after fanout (DELETE, or its remote author's Delete) is not echoed: one read per job.
  if (!isReply && (await deps.store.deletedPosts([job.postId])).has(job.postId)) {
    deps.log('echoes of a deleted post skipped', { jobId: job.id, postId: job.postId });
    return { sent: 0, skipped: job.kind === 'peer' ? 1 : job.recipients.length, refused: 0, retried: 0 };
  }
  if (job.kind === 'peer') return deliverPeerJob(deps, job);
  const members = isReply ? new Map() : await deps.store.membersByIds(job.recipients.map((r) => r.memberId));
  // A reply was decided at ingest, opt-out rules included (STOP's own confirmation goes out after the STOP).
  const live = isReply
    ? job.recipients
    : job.recipients.filter((r) => stillDeliverable(r, members.get(r.memberId)));
  const failed: Recipient[] = [];
  let sent = 0;
  const sentBy: Record<string, number> = {};
  let refused = 0;
  let held = 0;
  let overBudget = 0;
  let next = 0;
  const worker = async () => {
    for (let r = live[next++]; r !== undefined; r = live[next++]) {
      let release: (() => Promise<void>) | undefined;
      try {
        const { kind } = splitChannel(r.channel);
        let message: OutboundMessage = isReply
          ? { channel: r.channel, text: job.text, kind: 'reply', id: job.postId }
          : { channel: r.channel, text: job.text, kind: 'echo', postId: job.postId };
        if (kind === 'sms' && deps.smsGate) {
          const verdict = await deps.smsGate.admit(r, message);
          if (verdict.action === 'held') {
            held++;
            deps.log('echo held for quiet hours', { jobId: job.id, memberId: r.memberId });
            continue;
          }
          if (verdict.action === 'over-budget') {
            overBudget++;
            deps.log('echo skipped by sms budget', { jobId: job.id, memberId: r.memberId });
            continue;
          }
          message = { ...message, text: verdict.text };
          release = verdict.release;
        }
        await deps.senders[kind].send(message);
        sent++;
        sentBy[kind] = (sentBy[kind] ?? 0) + 1;
      } catch (err) {
        if (release)
          await release().catch((e: unknown) => deps.log('sms parts not released', { error: String(e) }));
        if (err instanceof PermanentSendError) {
          refused++;
          deps.metrics?.failure(`refused:${err.reason}`);
          deps.log('echo refused', { jobId: job.id, memberId: r.memberId, reason: err.reason });
          // A carrier opt-out (SNS OptedOutException) is an opt-out like STOP, on SMS as everywhere.
          if (err.reason === 'opted-out')
            await recordOptOut(deps.store, r, job.id, (deps.clock ?? systemClock)()).catch((e: unknown) =>
              deps.log('opt-out not recorded', { jobId: job.id, error: String(e) }),
            );
        } else {
          failed.push(r);
          deps.metrics?.failure('send-failed');
          deps.log('echo failed', { jobId: job.id, memberId: r.memberId, error: String(err) });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, live.length) }, worker));
  if (sent > 0) deps.metrics?.echoes(sentBy);
  if (sent > 0 && deps.echoCounter) {
    await deps.echoCounter
      .countEchoes(sentBy, (deps.clock ?? systemClock)())
      .catch((err: unknown) => deps.log('echo count failed', { jobId: job.id, error: String(err) }));
  }
  if (failed.length > 0 && sent === 0 && refused === 0 && held === 0 && overBudget === 0) {
    throw new JobFailedError(`job ${job.id}: all ${failed.length} sends failed`);
  }
  if (failed.length > 0) {
    const attempt = job.attempt + 1;
    await deps.queue.enqueue(
      [{ ...job, id: `${job.id}.r${attempt}`, recipients: failed, attempt }],
      retryDelaySeconds(attempt, deps.retryDelay),
    );
  }
  return {
    sent,
    skipped: job.recipients.length - live.length,
    refused,
    retried: failed.length,
    ...(held > 0 ? { held } : {}),
    ...(overBudget > 0 ? { overBudget } : {}),
  };
}

/**
 * A federation job: one task, one outside call. A failure throws, so the queue retries the
 * message with the same backoff as echoes (30 s doubling to 15 min) and lands it in the DLQ
 * after its last receive; a permanent refusal or a dead host completes the job (logged).
 */
async function deliverFederationJob(deps: DeliverDeps, job: DeliveryJob): Promise<DeliverOutcome> {
  if (!job.federation) throw new JobFailedError(`job ${job.id}: federation job without a task`);
  if (!deps.federation) throw new JobFailedError(`job ${job.id}: federation is not configured here`);
  const task = job.federation;
  if (
    task.type === 'deliver' &&
    task.postId &&
    (await deps.store.deletedPosts([task.postId])).has(task.postId)
  ) {
    deps.log('delivery of a deleted post skipped', { jobId: job.id, postId: task.postId });
    return { sent: 0, skipped: 1, refused: 0, retried: 0 };
  }
  const outcome = await deps.federation.run(job.federation);
  deps.log('federation task done', { jobId: job.id, type: job.federation.type, outcome });
  const sent = outcome === 'sent' ? 1 : 0;
  return {
    sent,
    skipped: outcome === 'skipped-dead-host' ? 1 : 0,
    refused: outcome === 'refused' ? 1 : 0,
    retried: 0,
  };
}
