import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeSmsEvents } from '../lib/compose/sms-aws.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

// Provider `aws`: the configuration set's SNS event destination, through its queue (infra/echobot-sms.ts).
const { log } = createLogger('echobot-sms-events');
const core = composeCore(configFromEnv(), { doc: documentClient(), log, now: systemClock });

export const handler = composeSmsEvents(core, {
  queue: new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL')),
  metrics: new EmfMetrics(),
});
