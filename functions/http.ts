import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { SqsQueueDepth } from '../lib/adapters/sqs-queue-depth.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { optionalSecret } from '../lib/adapters/ssm-secret.ts';
import { composeCore, composeHttpApp } from '../lib/compose/bot.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const adminTokenParam = requireEnv('ADMIN_TOKEN_PARAM');
const { log } = createLogger('echobot-http');
// Read once per cold start; without it the bot serves no ActivityPub routes.
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const core = composeCore(configFromEnv(), {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
});
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
  queueDepth: new SqsQueueDepth(
    new SQSClient({}),
    requireEnv('DELIVERY_QUEUE_URL'),
    requireEnv('DELIVERY_DLQ_URL'),
  ),
});
