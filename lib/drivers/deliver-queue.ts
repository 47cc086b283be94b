import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PendingEchoCounts } from '../adapters/pending-echo-counts.ts';
import type { DeliveryJob } from '../domain/types.ts';
import { parseJobMessage } from '../edges/job-message.ts';
import { systemClock } from '../ports/clock.ts';
import { type DeliverDeps, deliverJob } from '../usecases/deliver-job.ts';
import { retryDelaySeconds } from '../usecases/retry-delay.ts';

export interface DeliverQueueDeps extends DeliverDeps {
  /** Where finished job ids are remembered (Powertools idempotency, in the same table). */
  idempotency: BasePersistenceLayer;
}

/** How long a finished job id is remembered: longer than any stream or queue retry window. */
const REMEMBER_SECONDS = 7 * 24 * 3600;

/**
 * The queue consumer: one SQS message is one job. A job id already done is skipped, so a
 * re-run fanout or a redelivered message never doubles an echo. A failed message is made
 * visible again after an exponential delay, and after the queue's maxReceiveCount lands in
 * the dead-letter queue.
 */
export function createDeliverHandler(deps: DeliverQueueDeps) {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: REMEMBER_SECONDS });
  // Echo counts are written once per invocation, not once per job.
  const pending = new PendingEchoCounts();
  const jobDeps: DeliverDeps = deps.echoCounter ? { ...deps, echoCounter: pending } : deps;
  const deliverOnce = makeIdempotent(async (job: DeliveryJob) => deliverJob(jobDeps, job), {
    persistenceStore: deps.idempotency,
    config,
  });
  const onRecord = async (record: SQSRecord) => {
    const job = parseJobMessage(record.body);
    try {
      const outcome = await deliverOnce(job);
      deps.log('job delivered', { jobId: job.id, ...outcome });
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
    config.registerLambdaContext(context);
    // One processor per invocation: its state is per batch, and the local pollers run batches concurrently.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, onRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      deps.metrics?.flush();
      if (deps.echoCounter)
        await pending
          .flush(deps.echoCounter, (deps.clock ?? systemClock)())
          .catch((err: unknown) => deps.log('echo count failed', { error: String(err) }));
    }
  };
}
