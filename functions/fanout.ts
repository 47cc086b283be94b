import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { composeFanout, composeFanoutCore } from '../lib/compose/fanout.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

// The fanout never signs anything: it needs no bot key.
const core = await composeFanoutCore(configFromEnv(), {
  doc: documentClient(),
  log: createLogger('echobot-fanout').log,
  now: systemClock,
  metrics: new EmfMetrics(),
});

export const handler = composeFanout(
  core,
  new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL')),
);
