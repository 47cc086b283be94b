import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { ImBridgeSender } from '../lib/adapters/im-bridge-sender.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { notConfigured } from '../lib/adapters/not-configured-sender.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { requiredSecret } from '../lib/adapters/ssm-secret.ts';
import { DEFAULT_TELEGRAM_API_URL, TelegramSender } from '../lib/adapters/telegram-sender.ts';
import { composeDeliver, composeDeliverCore } from '../lib/compose/deliver.ts';
import { composeSmsProvider } from '../lib/compose/sms-provider.ts';
import { composeSmsRuntime } from '../lib/compose/sms-runtime.ts';
import { composeSmsSafety } from '../lib/compose/sms-safety.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { Alerter } from '../lib/ports/sms-safety.ts';
import { configFromEnv } from './config.ts';
import { smsProviderInputFromEnv } from './sms-provider-env.ts';

const config = configFromEnv();
const { log } = createLogger('echobot-deliver');
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const core = await composeDeliverCore(config, {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
  metrics: new EmfMetrics(),
});
const { store } = core;
const alertTopicArn = process.env.ALERT_TOPIC_ARN;
// Alerts are rare (a spend or failure threshold crossed): the SNS client (~21 KB) is a separate
// chunk, loaded on the first alert instead of at every cold start.
let alerterLoaded: Promise<Alerter> | undefined;
const alerter: Alerter | undefined = alertTopicArn
  ? {
      alert: async (subject, message) => {
        alerterLoaded ??= Promise.all([
          import('@aws-sdk/client-sns'),
          import('../lib/adapters/sns-alerter.ts'),
        ]).then(([{ SNSClient }, { SnsAlerter }]) => new SnsAlerter(new SNSClient({}), alertTopicArn));
        return (await alerterLoaded).alert(subject, message);
      },
    }
  : undefined;
const botUrl = process.env.PUBLIC_URL ?? 'echobot';
// Every SMS leaves from the bot's number through its provider; `none` refuses SMS with a reason.
const provider = config.sms ? await composeSmsProvider(config.sms, smsProviderInputFromEnv()) : undefined;
const smsRuntime = provider
  ? composeSmsRuntime(core, provider, { ...(alerter ? { alerter } : {}), botUrl })
  : undefined;
const sms = smsRuntime?.sender ?? notConfigured('SMS (ECHOBOT_SMS_PROVIDER, ECHOBOT_SMS_NUMBER)');
const mailFrom = process.env.MAIL_FROM;
// Mail is optional: the SES client (~60 KB) is a separate chunk, loaded only when MAIL_FROM is set.
const email = mailFrom
  ? await Promise.all([import('@aws-sdk/client-sesv2'), import('../lib/adapters/ses-email-sender.ts')]).then(
      ([{ SESv2Client }, { SesEmailSender }]) => new SesEmailSender(new SESv2Client({}), mailFrom),
    )
  : notConfigured('mail (MAIL_FROM)');
const { gate } = composeSmsSafety({
  config: config.safety,
  safety: core.smsSafety,
  store,
  sms,
  ...(alerter ? { alerter } : {}),
  botUrl,
  log: core.info,
  now: systemClock,
  ...(core.platform.metrics ? { metrics: core.platform.metrics } : {}),
});

export const handler = composeDeliver(core, {
  queue: new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL')),
  senders: {
    sms,
    telegram: new TelegramSender(
      requiredSecret(process.env.TELEGRAM_BOT_TOKEN_PARAM, 'the Telegram bot token'),
      process.env.TELEGRAM_API_URL || DEFAULT_TELEGRAM_API_URL,
    ),
    im: new ImBridgeSender({
      secret: requiredSecret(process.env.IM_SECRET_PARAM, 'the IM bridge secret'),
      callbackOf: (channel) => store.channelCallback(channel),
      ...(process.env.IM_DEFAULT_CALLBACK ? { defaultCallback: process.env.IM_DEFAULT_CALLBACK } : {}),
    }),
    email,
  },
  smsGate: gate,
  ...(smsRuntime ? { sms: smsRuntime.deliver } : {}),
});
