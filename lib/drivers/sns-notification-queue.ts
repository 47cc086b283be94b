import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseSnsEnvelope } from '../edges/sns-envelope.ts';
import type { Log } from '../ports/logger.ts';

export interface SnsNotificationQueueDeps {
  /** What one notification's `Message` does; throwing fails that record only (it is retried, then parked in the DLQ). */
  handle: (message: string, ids: { snsMessageId: string; topicArn: string }) => Promise<void>;
  log: Log;
  /** Called once at the end of each invocation (metrics). */
  flush?: () => void;
}

/**
 * The consumer of an SQS queue subscribed to an SNS topic (raw message delivery off): record by
 * record, with partial batch failure reporting, so one failing notification is retried alone and
 * the rest of the batch is done once. A body that is not an SNS notification is logged and
 * dropped (a retry would not change it).
 */
export function createSnsNotificationHandler(deps: SnsNotificationQueueDeps) {
  const onRecord = async (record: SQSRecord) => {
    const envelope = parseSnsEnvelope(record.body);
    if (envelope.kind === 'not-ours') {
      deps.log('warn', 'queue message dropped', { sqsMessageId: record.messageId, reason: envelope.reason });
      return;
    }
    await deps.handle(envelope.message, { snsMessageId: envelope.snsMessageId, topicArn: envelope.topicArn });
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One processor per invocation: its state is per batch.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, onRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      deps.flush?.();
    }
  };
}
