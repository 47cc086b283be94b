import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamo-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamo-federation.ts';
import { DynamoStore } from '../lib/adapters/dynamo-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { createFanoutHandler } from '../lib/usecases/fanout-stream.ts';

const table = requireEnv('TABLE_NAME');
const store = new DynamoStore(documentClient(), table);
const queue = new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL'));
const { info } = createLogger('echobot-fanout');

export const handler = createFanoutHandler({
  store,
  queue,
  log: info,
  metrics: new EmfMetrics(),
  federation: new DynamoFederationStore(documentClient(), table),
});
