import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PendingEchoCounts } from '../adapters/pending-echo-counts.ts';
import { JobFailedError } from '../domain/errors.ts';
import { parseJobMessage } from '../edges/job-message.ts';
import { systemClock } from '../ports/clock.ts';
import type { JobClaims } from '../ports/job-claims.ts';
import { type DeliverDeps, deliverJob } from '../usecases/deliver-job.ts';
import { retryDelaySeconds } from '../usecases/retry-delay.ts';
import { readOncePerBatch, readOncePerKey } from './read-once.ts';

export interface DeliverQueueDeps extends DeliverDeps {
  /** Where claimed and finished job ids are remembered (in the same table). */
  claims: JobClaims;
}

/** Jobs named per finished-batch record (SQS batches are 10; a batching window allows more). */
const JOBS_PER_FINISH_RECORD = 100;

/**
 * The queue consumer: one SQS message is one job. Each job is claimed with one conditional write
 * before it is sent, and the batch records which jobs it finished once at the end, so a re-run
 * fanout or a redelivered message never doubles an echo. A failed job gives its claim back and
 * its message is made visible again after an exponential delay (after the queue's
 * maxReceiveCount it lands in the dead-letter queue). A job claimed by an invocation that
 * crashed is taken over once that invocation's time is up (its lease: the time it had left).
 */
export function createDeliverHandler(deps: DeliverQueueDeps) {
  const clock = deps.clock ?? systemClock;
  // Echo counts are written once per invocation, not once per job.
  const pending = new PendingEchoCounts();
  const baseDeps: DeliverDeps = deps.echoCounter ? { ...deps, echoCounter: pending } : deps;

  interface Batch {
    id: string;
    now: number;
    leaseUntil: number;
    jobDeps: DeliverDeps;
    /** Finished job ids, by finish record. */
    finished: Map<number, string[]>;
  }

  const onRecord = async (batch: Batch, index: number, record: SQSRecord) => {
    const job = parseJobMessage(record.body);
    const part = Math.floor(index / JOBS_PER_FINISH_RECORD);
    const batchId = `${batch.id}.${part}`;
    try {
      const claim = await deps.claims.claim(job.id, batchId, batch.leaseUntil, batch.now);
      if (claim === 'done') {
        deps.log('job already delivered', { jobId: job.id });
        return;
      }
      if (claim === 'busy')
        throw new JobFailedError(`job ${job.id} is being delivered by another invocation`);
      try {
        const outcome = await deliverJob(batch.jobDeps, job);
        batch.finished.set(part, [...(batch.finished.get(part) ?? []), job.id]);
        deps.log('job delivered', { jobId: job.id, ...outcome });
      } catch (err) {
        await deps.claims
          .release(job.id, batchId)
          .catch((e: unknown) => deps.log('job claim not released', { jobId: job.id, error: String(e) }));
        throw err;
      }
    } catch (err) {
      deps.metrics?.failure('job-failed');
      const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
      await deps.queue
        .retryLater(record.receiptHandle, retryDelaySeconds(receives, deps.retryDelay))
        .catch(() => undefined);
      throw err;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const now = clock().getTime();
    // The opt-out change marker, read at most once per batch (and only if an echo job asks).
    const deliveryEpoch = readOncePerBatch(() => deps.store.deliveryEpoch());
    // Tombstones, once per post per batch: the jobs of one post with many followers arrive together.
    const postDeleted = readOncePerKey(async (postId) =>
      (await deps.store.deletedPosts([postId])).has(postId),
    );
    const batch: Batch = {
      id: `${context.awsRequestId}.${randomUUID().slice(0, 8)}`,
      now,
      leaseUntil: now + context.getRemainingTimeInMillis(),
      jobDeps: { ...baseDeps, deliveryEpoch, postDeleted },
      finished: new Map(),
    };
    // One processor per invocation: its state is per batch, and the local pollers run batches concurrently.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(
        event,
        (record: SQSRecord) => onRecord(batch, event.Records.indexOf(record), record),
        processor,
        { context, throwOnFullBatchFailure: false },
      );
    } finally {
      // What makes this batch's claims final. If it fails the messages are still deleted; only a
      // redelivery of one of them after the lease would send it again (logged, and rare).
      await Promise.all(
        [...batch.finished].map(([part, jobIds]) =>
          deps.claims
            .finish(`${batch.id}.${part}`, jobIds, now)
            .catch((err: unknown) => deps.log('finished jobs not recorded', { error: String(err) })),
        ),
      );
      deps.metrics?.flush();
      if (deps.echoCounter)
        await pending
          .flush(deps.echoCounter, clock())
          .catch((err: unknown) => deps.log('echo count failed', { error: String(err) }));
    }
  };
}
