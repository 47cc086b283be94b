import { setTimeout as sleep } from 'node:timers/promises';
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
import { type SmsDeliverDeps, sendSmsVia, smsEchoId, smsUnreachable } from './deliver-sms.ts';
import { recordOptOut } from './record-opt-out.ts';
import { type RetryDelay, retryDelaySeconds } from './retry-delay.ts';
import type { SendPacer } from './send-pacer.ts';
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
  /**
   * The bot's SMS provider (aws, twilio): SMS go through it from the bot's number and its
   * outcomes are acted on (lib/usecases/deliver-sms.ts); absent = `senders.sms` (the outbox).
   */
  sms?: SmsDeliverDeps;
  /**
   * The store's delivery epoch now, read once per batch by the driver. While it equals the job's,
   * no STOP, OFF, unlink or removal happened since the recipients were resolved and they are sent
   * as they are; otherwise (or when absent) they are re-read. Absent = re-read every echo job.
   */
  deliveryEpoch?: () => Promise<number>;
  /**
   * Whether a post was deleted, read once per post per batch by the driver (the jobs of one big
   * post arrive together); absent = one read per job.
   */
  postDeleted?: (postId: string) => Promise<boolean>;
  /** Paces SMS sends to the number's rate (this invocation's share); absent = as fast as the provider takes them. */
  smsPacer?: SendPacer;
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
  /** SMS not sent to numbers marked unreachable (present when any). */
  unreachable?: number;
  /** SMS beyond the number's rate, re-enqueued as a new job with a delay (present when any). */
  deferred?: number;
}

/** The id of a job's paced remainder: `<id>~p1`, then `~p2`, ... (never longer than one suffix). */
function pacedId(id: string): string {
  const m = /^(.*)~p(\d+)$/.exec(id);
  return m ? `${m[1]}~p${Number(m[2]) + 1}` : `${id}~p1`;
}

/** SQS `DelaySeconds` cannot exceed 15 minutes. */
const MAX_QUEUE_DELAY_SECONDS = 900;

/** Parallel sends per job: enough to hide provider latency, few enough to stay polite. */
const CONCURRENCY = 8;

/**
 * Sends one job's echoes. Opt-outs are re-checked at send time: the recipients are re-read when
 * the delivery epoch moved since the job was made (one read per batch otherwise). If some recipients fail,
 * only they are re-enqueued (a new job id, after a delay), so a retry never doubles an echo
 * that already went out; if all fail, the error propagates and the queue retries the message,
 * landing it in the dead-letter queue when it never succeeds.
 */
async function isDeleted(deps: DeliverDeps, postId: string): Promise<boolean> {
  if (deps.postDeleted) return deps.postDeleted(postId);
  return (await deps.store.deletedPosts([postId])).has(postId);
}

export async function deliverJob(deps: DeliverDeps, job: DeliveryJob): Promise<DeliverOutcome> {
  if (job.kind === 'federation') return deliverFederationJob(deps, job);
  const isReply = job.kind === 'reply';
  // A post deleted after fanout (DELETE, or its remote author's Delete) is not echoed.
  if (!isReply && (await isDeleted(deps, job.postId))) {
    deps.log('echoes of a deleted post skipped', { jobId: job.id, postId: job.postId });
    return { sent: 0, skipped: job.kind === 'peer' ? 1 : job.recipients.length, refused: 0, retried: 0 };
  }
  if (job.kind === 'peer') return deliverPeerJob(deps, job);
  // A reply was decided at ingest, opt-out rules included (STOP's own confirmation goes out after the STOP).
  const live = isReply || (await unchangedSince(deps, job)) ? job.recipients : await stillLive(deps, job);
  const failed: Recipient[] = [];
  let sent = 0;
  const sentBy: Record<string, number> = {};
  let refused = 0;
  let held = 0;
  let overBudget = 0;
  let unreachable = 0;
  let retryAfter = 0;
  const deferred: Recipient[] = [];
  let next = 0;
  const clock = deps.clock ?? systemClock;
  const optOut = (r: Recipient) =>
    recordOptOut(deps.store, r, job.id, clock()).catch((e: unknown) =>
      deps.log('opt-out not recorded', { jobId: job.id, error: String(e) }),
    );
  const worker = async () => {
    for (let r = live[next++]; r !== undefined; r = live[next++]) {
      let release: (() => Promise<void>) | undefined;
      try {
        const { kind } = splitChannel(r.channel);
        let message: OutboundMessage = isReply
          ? { channel: r.channel, text: job.text, kind: 'reply', id: job.postId }
          : { channel: r.channel, text: job.text, kind: 'echo', postId: job.postId };
        const sms = kind === 'sms' ? deps.sms : undefined;
        if (sms && !isReply && (await smsUnreachable(sms, r))) {
          // Its last SMS failed for good several times in a row: not paid for until it texts again.
          unreachable++;
          deps.log('sms skipped: number unreachable', { jobId: job.id, memberId: r.memberId });
          continue;
        }
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
        if (kind === 'sms' && deps.smsPacer) {
          const wait = deps.smsPacer.reserve();
          if (wait === undefined) {
            // Over the number's rate for now: sent later, with its SMS parts given back meanwhile.
            if (release)
              await release().catch((e: unknown) => deps.log('sms parts not released', { error: String(e) }));
            deferred.push(r);
            continue;
          }
          if (wait > 0) await sleep(wait);
        }
        if (sms) {
          const result = await sendSmsVia(
            sms,
            {
              log: deps.log,
              ...(deps.metrics ? { metrics: deps.metrics } : {}),
              now: clock(),
              jobId: job.id,
            },
            r,
            message,
            smsEchoId(job, r),
            job.attempt + 1,
          );
          if (result.kind !== 'sent') {
            const releasing = release;
            release = undefined;
            if (releasing)
              await releasing().catch((e: unknown) =>
                deps.log('sms parts not released', { error: String(e) }),
              );
          }
          if (result.kind === 'retry') {
            failed.push(r);
            retryAfter = Math.max(retryAfter, result.retryAfterSeconds ?? 0);
            deps.metrics?.failure('send-failed');
            deps.log('echo failed', { jobId: job.id, memberId: r.memberId, code: result.code });
            continue;
          }
          if (result.kind !== 'sent') {
            refused++;
            const reason = result.kind === 'opted-out' ? 'opted-out' : result.reason;
            deps.metrics?.failure(`refused:${result.kind === 'opted-out' ? 'opted-out' : 'sms-never'}`);
            deps.log('echo refused', { jobId: job.id, memberId: r.memberId, reason });
            // Opted out at the provider (Twilio 21610, AWS DESTINATION_PHONE_NUMBER_OPTED_OUT): a STOP.
            if (result.kind === 'opted-out') await optOut(r);
            continue;
          }
        } else await deps.senders[kind].send(message);
        sent++;
        sentBy[kind] = (sentBy[kind] ?? 0) + 1;
      } catch (err) {
        if (release)
          await release().catch((e: unknown) => deps.log('sms parts not released', { error: String(e) }));
        if (err instanceof PermanentSendError) {
          refused++;
          deps.metrics?.failure(`refused:${err.reason}`);
          deps.log('echo refused', { jobId: job.id, memberId: r.memberId, reason: err.reason });
          // A provider opt-out (Telegram blocked, IM 410) is an opt-out like STOP.
          if (err.reason === 'opted-out') await optOut(r);
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
      .countEchoes(sentBy, clock())
      .catch((err: unknown) => deps.log('echo count failed', { jobId: job.id, error: String(err) }));
  }
  if (
    failed.length > 0 &&
    sent === 0 &&
    refused === 0 &&
    held === 0 &&
    overBudget === 0 &&
    unreachable === 0 &&
    deferred.length === 0
  ) {
    throw new JobFailedError(`job ${job.id}: all ${failed.length} sends failed`);
  }
  if (failed.length > 0) {
    const attempt = job.attempt + 1;
    await deps.queue.enqueue(
      [{ ...job, id: `${job.id}.r${attempt}`, recipients: failed, attempt }],
      // A provider's Retry-After (or the spend limit's hour) within SQS's 15-minute delay cap.
      Math.max(retryDelaySeconds(attempt, deps.retryDelay), Math.min(retryAfter, MAX_QUEUE_DELAY_SECONDS)),
    );
  }
  if (deferred.length > 0 && deps.smsPacer) {
    const delay = Math.min(MAX_QUEUE_DELAY_SECONDS, deps.smsPacer.secondsFor(deferred.length));
    await deps.queue.enqueue([{ ...job, id: pacedId(job.id), recipients: deferred }], delay);
    deps.log('sms paced', { jobId: job.id, deferred: deferred.length, delaySeconds: delay });
  }
  return {
    sent,
    skipped: job.recipients.length - live.length,
    refused,
    retried: failed.length,
    ...(held > 0 ? { held } : {}),
    ...(overBudget > 0 ? { overBudget } : {}),
    ...(unreachable > 0 ? { unreachable } : {}),
    ...(deferred.length > 0 ? { deferred: deferred.length } : {}),
  };
}

/** Whether no change that can stop a recipient happened since the job's recipients were resolved. */
async function unchangedSince(deps: DeliverDeps, job: DeliveryJob): Promise<boolean> {
  if (job.epoch === undefined || !deps.deliveryEpoch) return false;
  return (await deps.deliveryEpoch()) === job.epoch;
}

/** The job's recipients still deliverable now (STOP, OFF, unlinked channels, removed members). */
async function stillLive(deps: DeliverDeps, job: DeliveryJob): Promise<Recipient[]> {
  const members = await deps.store.membersByIds(job.recipients.map((r) => r.memberId));
  return job.recipients.filter((r) => stillDeliverable(r, members.get(r.memberId)));
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
  if (task.type === 'deliver' && task.postId && (await isDeleted(deps, task.postId))) {
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
