import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { optionalSecret, requiredSecret } from '../lib/adapters/ssm-secret.ts';
import { composeCore, composeHttpApp } from '../lib/compose/bot.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { QueueDepth } from '../lib/ports/queue-depth.ts';
import { configFromEnv } from './config.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const adminToken = optionalSecret(requireEnv('ADMIN_TOKEN_PARAM'));
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

const queueUrl = requireEnv('DELIVERY_QUEUE_URL');
const dlqUrl = requireEnv('DELIVERY_DLQ_URL');
let depthReader: Promise<QueueDepth> | undefined;
// Only the status page reads queue depths: its SQS client is loaded on the first such request.
const queueDepth: QueueDepth = {
  depths: async () => {
    depthReader ??= Promise.all([
      import('@aws-sdk/client-sqs'),
      import('../lib/adapters/sqs-queue-depth.ts'),
    ]).then(([{ SQSClient }, { SqsQueueDepth }]) => new SqsQueueDepth(new SQSClient({}), queueUrl, dlqUrl));
    return (await depthReader).depths();
  },
};
export const handler = composeHttpApp(core, {
  // Cached for five minutes by Powertools, so a rotated token is picked up without a redeploy.
  twilioAuthToken: requiredSecret(tokenParam, 'the Twilio auth token'),
  telegramSecretToken: optionalSecret(process.env.TELEGRAM_SECRET_TOKEN_PARAM),
  imSecret: optionalSecret(process.env.IM_SECRET_PARAM),
  // A missing or empty parameter refuses every request rather than failing the function.
  adminToken: () => adminToken().catch(() => undefined),
  queueDepth,
});
