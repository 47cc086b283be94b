import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfSmsReceiptMetrics } from '../lib/adapters/powertools-sms-metrics.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeSmsEvents } from '../lib/compose/sms-aws.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

// Provider `aws`: the configuration set's SNS event destination, through its queue (infra/echobot-sms.ts).
const { log } = createLogger('echobot-sms-events');
const core = composeCore(configFromEnv(), { doc: documentClient(), log, now: systemClock });

export const handler = composeSmsEvents(core, { metrics: new EmfSmsReceiptMetrics() });
