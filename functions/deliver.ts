import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamo-client.ts';
import { DynamoStats } from '../lib/adapters/dynamo-stats.ts';
import { DynamoStore } from '../lib/adapters/dynamo-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { idempotencyStore } from '../lib/adapters/idempotency-store.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { SnsSmsSender } from '../lib/adapters/sns-sms-sender.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { createDeliverHandler } from '../lib/usecases/deliver-queue.ts';

const table = requireEnv('TABLE_NAME');
const dynamo = new DynamoDBClient({});
const smsType = process.env.SMS_TYPE === 'Promotional' ? 'Promotional' : 'Transactional';
const { info } = createLogger('echobot-deliver');

export const handler = createDeliverHandler({
  store: new DynamoStore(documentClient(), table),
  queue: new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL')),
  senders: { sms: new SnsSmsSender(new SNSClient({}), smsType) },
  idempotency: idempotencyStore(dynamo, table),
  log: info,
  echoCounter: new DynamoStats(documentClient(), table),
});
