import { mkdir } from 'node:fs/promises';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { LOCAL_AWS } from './dynamodb-local.ts';

export interface QueueLocal {
  endpoint: string;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  stop(): Promise<void>;
}

/** Receives before a job lands in the dead-letter queue, as in infra/. */
export const MAX_RECEIVES = 8;

/**
 * The SQS stand-in: fauxqs, an SQS/SNS emulator, in this process on a free loopback port,
 * persisted under `dataDir` so queued jobs survive a restart. The delivery queue and its
 * dead-letter queue are created the way the stack creates them.
 */
export async function startQueueLocal(
  options: { dataDir?: string; visibilityTimeout?: number } = {},
): Promise<QueueLocal> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = await startFauxqs({
    port: 0,
    host: '127.0.0.1',
    logger: false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const endpoint = server.address;
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'echobot-deliver-dlq',
      Attributes: { MessageRetentionPeriod: '1209600' },
    }),
  );
  if (!dlq.QueueUrl) throw new Error('fauxqs returned no DLQ url');
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const dlqArn = attrs.Attributes?.QueueArn;
  if (!dlqArn) throw new Error('fauxqs returned no DLQ arn');
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'echobot-deliver',
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeout ?? 60),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVES }),
      },
    }),
  );
  if (!main.QueueUrl) throw new Error('fauxqs returned no queue url');
  return {
    endpoint,
    sqs,
    queueUrl: main.QueueUrl,
    dlqUrl: dlq.QueueUrl,
    stop: async () => {
      sqs.destroy();
      await server.stop();
    },
  };
}
