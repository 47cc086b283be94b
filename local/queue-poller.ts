import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localContext } from './lambda-context.ts';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: QueueHandler;
  /** Concurrent receive loops, like Lambda scaling out pollers. */
  concurrency?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * The function timeout the handler's context reports (default 60 s, the deployed deliver
   * timeout). Keep the queue's visibility timeout at least 6x this, as the stack does: nothing
   * kills a slow local invocation, and a job redelivered after its claim's lease (which lasts
   * as long as the context says the function may run) has expired would be sent twice.
   */
  functionTimeoutMs?: number;
}

/** One received message as the SQS event source mapping hands it to a function. */
export function toSqsRecord(m: Message, queueUrl: string): SQSRecord {
  const body = m.Body ?? '';
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').pop() ?? 'queue'}`,
    awsRegion: 'us-east-1',
  };
}

/**
 * Lambda's SQS event source mapping, on one machine: receive up to ten, invoke, delete what
 * succeeded, leave the reported failures to reappear (and reach the DLQ after maxReceiveCount).
 */
export function startQueuePoller(options: QueuePollerOptions) {
  const log = options.log ?? (() => undefined);
  const abort = new AbortController();
  let stopped = false;
  let running = 0;

  const loop = async () => {
    while (!stopped) {
      try {
        const out = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) continue;
        const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, options.queueUrl)) };
        let failed: Set<string>;
        running++;
        try {
          const res = await options.handler(
            event,
            localContext('echobot-deliver', options.functionTimeoutMs),
          );
          failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (err) {
          log('deliver invocation failed', { error: String(err) });
          failed = new Set(event.Records.map((r) => r.messageId));
        } finally {
          running--;
        }
        const done = event.Records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (err) {
        if (stopped) break;
        log('queue poll failed', { error: String(err) });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  const loops = Array.from({ length: options.concurrency ?? 2 }, loop);
  return {
    /** Invocations in progress right now. */
    busy: () => running > 0,
    stop: async () => {
      stopped = true;
      abort.abort();
      await Promise.all(loops);
    },
  };
}
