import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import { parseJobMessage } from '../../lib/edges/job-message.ts';

/** Counts SDK commands by name (SendMessageBatch, Publish, ...) as they leave the client. */
export function countCommands(client: { middlewareStack: SQSClient['middlewareStack'] }) {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

/** Drains every visible message from a queue (without deleting), as jobs. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, visibilityTimeout = 60) {
  const jobs: Array<{ job: DeliveryJob; receipt: string; messageId: string }> = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilityTimeout,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return jobs;
    for (const m of messages)
      jobs.push({
        job: parseJobMessage(m.Body ?? ''),
        receipt: m.ReceiptHandle ?? '',
        messageId: m.MessageId ?? '',
      });
  }
}

/** The SQS event Lambda would build for these bodies. */
export function sqsEvent(bodies: Array<{ body: string; receiveCount?: number; id?: string }>): SQSEvent {
  return {
    Records: bodies.map((b, i) => ({
      messageId: b.id ?? `m${i}`,
      receiptHandle: `r${i}`,
      body: b.body,
      attributes: {
        ApproximateReceiveCount: String(b.receiveCount ?? 1),
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:deliver',
      awsRegion: 'us-east-1',
    })),
  };
}
