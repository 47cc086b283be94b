import { SNSClient } from '@aws-sdk/client-sns';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SnsAlerter } from '../lib/adapters/sns-alerter.ts';
import { SnsSmsSender } from '../lib/adapters/sns-sms-sender.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeSmsSafety } from '../lib/compose/sms-safety.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

/** Scheduled (EventBridge, every 15 minutes): sends the quiet-hours digests that are due. */
const config = configFromEnv();
const metrics = new EmfMetrics();
const core = composeCore(config, {
  doc: documentClient(),
  log: createLogger('echobot-digest').log,
  now: systemClock,
  metrics,
});
const sns = new SNSClient({});
const smsType = process.env.SMS_TYPE === 'Promotional' ? 'Promotional' : 'Transactional';
const { runDigests } = composeSmsSafety({
  config: config.safety,
  safety: core.smsSafety,
  store: core.store,
  sms: new SnsSmsSender(sns, smsType),
  ...(process.env.ALERT_TOPIC_ARN ? { alerter: new SnsAlerter(sns, process.env.ALERT_TOPIC_ARN) } : {}),
  botUrl: process.env.PUBLIC_URL ?? 'echobot',
  log: core.info,
  now: systemClock,
  metrics,
});

export const handler = async (): Promise<void> => {
  const outcome = await runDigests(systemClock());
  core.info('digests sent', { ...outcome });
  metrics.flush();
  // A failed send stays due for the next run; failing the invocation makes it visible in the error alarm.
  if (outcome.failed > 0) throw new Error(`${outcome.failed} digests failed; they stay due`);
};
