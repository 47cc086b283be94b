import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoJobClaims } from '../../../lib/adapters/dynamodb/dynamo-job-claims.ts';
import { notConfigured } from '../../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../../lib/adapters/sqs-queue.ts';
import { createDeliverHandler } from '../../../lib/drivers/deliver-queue.ts';
import { createFanoutHandler } from '../../../lib/drivers/fanout-stream.ts';
import { LOCAL_AWS } from '../../../local/dynamodb-local.ts';
import { MAX_RECEIVES } from '../../../local/queue-local.ts';
import { startQueuePoller } from '../../../local/queue-poller.ts';
import { startStreamPoller } from '../../../local/stream-poller.ts';
import { freshQueue, freshTable } from '../../support/aws-local.ts';
import { eventually } from '../../support/poll.ts';
import { SnsSmsSender } from '../../support/sns-carrier-sender.ts';

/**
 * The deployed pipeline against the emulators: DynamoDB Local's stream -> fanout -> fauxqs
 * (DLQ after the stack's 8 receives) -> deliver -> SNS SMS at `carrierEndpoint`. Retries back
 * off 1 s then 2 s (the `retryDelay` knob) so a run with failures drains in seconds.
 */
export async function startPipeline(options: { carrierEndpoint: string; streamMaxAttempts?: number }) {
  const t = await freshTable();
  // The stack's ratio: visibility 6x the deliver timeout (60 s, the poller's default context).
  const q = await freshQueue(MAX_RECEIVES, 365);
  const dir = await mkdtemp(join(tmpdir(), 'echobot-fault-'));
  const failureFile = join(dir, 'fanout-failures.jsonl');
  const queue = new SqsJobQueue(q.sqs, q.queueUrl);
  const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const log = (event: string, fields: Record<string, unknown>) => {
    events.push({ event, fields });
  };
  const fanout = createFanoutHandler({ store: t.store, queue, log });
  // One try per call and a timeout: a hanging carrier is a failed send, retried by the pipeline.
  // Not shorter: a loaded test machine can stall past a 2 s timeout after the carrier accepted a
  // message, and that retry is a real duplicate (at-least-once at the carrier, as with real SNS).
  const sns = new SNSClient({
    ...LOCAL_AWS,
    endpoint: options.carrierEndpoint,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5000, throwOnRequestTimeout: true, httpAgent: { maxSockets: 256 } },
  });
  const deliver = createDeliverHandler({
    store: t.store,
    queue,
    senders: {
      sms: new SnsSmsSender(sns),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    claims: new DynamoJobClaims(t.doc, t.table),
    log,
    retryDelay: { baseSeconds: 1, maxSeconds: 2 },
  });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: t.endpoint });
  const streamPoller = startStreamPoller({
    streams,
    streamArn: t.streamArn,
    handler: fanout,
    checkpointFile: join(dir, 'checkpoints.json'),
    failureFile,
    maxAttempts: options.streamMaxAttempts ?? 3,
  });
  const queuePoller = startQueuePoller({
    sqs: q.sqs,
    queueUrl: q.queueUrl,
    handler: deliver,
    concurrency: 2,
  });

  const depth = async (queueUrl: string) => {
    const { Attributes: a = {} } = await q.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  };

  return {
    ...t,
    sqs: q.sqs,
    queueUrl: q.queueUrl,
    dlqUrl: q.dlqUrl,
    failureFile,
    events,
    depth,
    /** Waits until a stream pass that began after `since` (take it after the writes) found nothing new, and the delivery queue is empty with nothing in flight. */
    drained: (since: number, timeoutMs: number) =>
      eventually(
        async () =>
          streamPoller.caughtUpSince(since) && !queuePoller.busy() && (await depth(q.queueUrl)) === 0,
        (done) => done,
        'the pipeline to drain',
        timeoutMs,
      ),
    stop: async () => {
      await streamPoller.stop();
      await queuePoller.stop();
      streams.destroy();
      sns.destroy();
    },
  };
}
