import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { SqsQueueDepth } from '../lib/adapters/sqs-queue-depth.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { optionalSecret } from '../lib/adapters/ssm-secret.ts';
import { composeCore, composeHttpApp } from '../lib/compose/bot.ts';
import { composeSmsProvider } from '../lib/compose/sms-provider.ts';
import { composeSmsRuntime } from '../lib/compose/sms-runtime.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv, smsProviderInputFromEnv } from './config.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const adminTokenParam = requireEnv('ADMIN_TOKEN_PARAM');
const { log } = createLogger('echobot-http');
// Read once per cold start; without it the bot serves no ActivityPub routes.
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const config = configFromEnv();
const core = composeCore(config, {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
});
const sqs = new SQSClient({});
// Receipts (Twilio status callbacks) and /status figures for the bot's SMS provider.
const provider = config.sms ? composeSmsProvider(config.sms, smsProviderInputFromEnv()) : undefined;
const smsReceipts = provider
  ? {
      provider: provider.name,
      ...composeSmsRuntime(core, provider, { botUrl: process.env.PUBLIC_URL ?? 'echobot' }).receipts(
        new SqsJobQueue(sqs, requireEnv('DELIVERY_QUEUE_URL')),
      ),
    }
  : undefined;
// `ECHOBOT_PEERS` once per container; a bad or private URL fails the cold start, naming it.
await core.peering?.connectConfigured();
// `ECHOBOT_AP_RELAYS`: a Follow to each relay not yet joined (stored, so once per bot, not per container).
await core.joinRelays();

export const handler = composeHttpApp(core, {
  // Cached for five minutes by Powertools, so a rotated token is picked up without a redeploy.
  twilioAuthToken: async () => {
    const token = await getParameter(tokenParam, { decrypt: true, maxAge: 300 });
    if (!token) throw new Error(`SSM parameter ${tokenParam} is empty`);
    return token;
  },
  telegramSecretToken: optionalSecret(process.env.TELEGRAM_SECRET_TOKEN_PARAM),
  imSecret: optionalSecret(process.env.IM_SECRET_PARAM),
  // A missing or empty parameter refuses every request rather than failing the function.
  adminToken: async () =>
    (await getParameter(adminTokenParam, { decrypt: true, maxAge: 300 }).catch(() => undefined)) ?? undefined,
  ...(smsReceipts ? { smsReceipts } : {}),
  queueDepth: new SqsQueueDepth(sqs, requireEnv('DELIVERY_QUEUE_URL'), requireEnv('DELIVERY_DLQ_URL')),
});
