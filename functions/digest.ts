import { SNSClient } from '@aws-sdk/client-sns';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { notConfigured } from '../lib/adapters/not-configured-sender.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SnsAlerter } from '../lib/adapters/sns-alerter.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeSmsProvider } from '../lib/compose/sms-provider.ts';
import { composeSmsRuntime } from '../lib/compose/sms-runtime.ts';
import { composeSmsSafety } from '../lib/compose/sms-safety.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';
import { smsProviderInputFromEnv } from './sms-provider-env.ts';

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
const alerter = process.env.ALERT_TOPIC_ARN ? new SnsAlerter(sns, process.env.ALERT_TOPIC_ARN) : undefined;
const botUrl = process.env.PUBLIC_URL ?? 'echobot';
// Digests leave from the bot's number through its provider, like every SMS.
const provider = config.sms ? await composeSmsProvider(config.sms, smsProviderInputFromEnv()) : undefined;
const { runDigests } = composeSmsSafety({
  config: config.safety,
  safety: core.smsSafety,
  store: core.store,
  sms: provider
    ? composeSmsRuntime(core, provider, { ...(alerter ? { alerter } : {}), botUrl }).sender
    : notConfigured('SMS (ECHOBOT_SMS_PROVIDER, ECHOBOT_SMS_NUMBER)'),
  ...(alerter ? { alerter } : {}),
  botUrl,
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
