import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { DynamoTimeline } from '../lib/adapters/dynamodb/dynamo-timeline.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { createFanoutHandler } from '../lib/usecases/fanout-stream.ts';
import { peerNetworkFromEnv } from './peer-network.ts';

const table = requireEnv('TABLE_NAME');
const doc = documentClient();
const store = new DynamoStore(doc, table);
const queue = new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL'));
const { info, log } = createLogger('echobot-fanout');
const peering = peerNetworkFromEnv({ doc, table, store, timeline: new DynamoTimeline(doc, table), log });

export const handler = createFanoutHandler({
  store,
  queue,
  log: info,
  metrics: new EmfMetrics(),
  federation: new DynamoFederationStore(doc, table),
  ...(peering ? { peerNetwork: peering.network(queue) } : {}),
});
