import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { optionalSecret, requiredSecret } from '../lib/adapters/ssm-secret.ts';
import { composeHttpApp, composeHttpCore } from '../lib/compose/http.ts';
import { composeSmsProvider } from '../lib/compose/sms-provider.ts';
import { composeSmsRuntime } from '../lib/compose/sms-runtime.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { JobQueue } from '../lib/ports/queue.ts';
import type { QueueDepth } from '../lib/ports/queue-depth.ts';
import { configFromEnv } from './config.ts';
import { smsProviderInputFromEnv } from './sms-provider-env.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const adminToken = optionalSecret(requireEnv('ADMIN_TOKEN_PARAM'));
const { log } = createLogger('echobot-http');
// Read once per cold start; without it the bot serves no ActivityPub routes.
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const config = configFromEnv();
const core = await composeHttpCore(config, {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
});
const queueUrl = requireEnv('DELIVERY_QUEUE_URL');
const dlqUrl = requireEnv('DELIVERY_DLQ_URL');
// The SQS client is a separate chunk: only the status page and an unreachable-number notice need it.
let sqsLoaded: Promise<import('@aws-sdk/client-sqs').SQSClient> | undefined;
const sqs = () => {
  sqsLoaded ??= import('@aws-sdk/client-sqs').then(({ SQSClient }) => new SQSClient({}));
  return sqsLoaded;
};
let queueLoaded: Promise<JobQueue> | undefined;
const lazyQueue: JobQueue = {
  enqueue: async (jobs, delaySeconds) => {
    queueLoaded ??= Promise.all([sqs(), import('../lib/adapters/sqs-queue.ts')]).then(
      ([client, { SqsJobQueue }]) => new SqsJobQueue(client, queueUrl),
    );
    return (await queueLoaded).enqueue(jobs, delaySeconds);
  },
  retryLater: async () => {
    throw new Error('the http function never retries queue messages');
  },
};
// Receipts (Twilio status callbacks) and /status figures for the bot's SMS provider.
const provider = config.sms ? await composeSmsProvider(config.sms, smsProviderInputFromEnv()) : undefined;
const smsReceipts = provider
  ? {
      provider: provider.name,
      ...composeSmsRuntime(core, provider, { botUrl: process.env.PUBLIC_URL ?? 'echobot' }).receipts(
        lazyQueue,
      ),
    }
  : undefined;
// `ECHOBOT_PEERS` once per container; a bad or private URL fails the cold start, naming it.
// `ECHOBOT_UPSTREAM` peers are added by the uplink function once it is registered as their leaf.
await core.peering?.connectConfigured({ upstreams: false });
// `ECHOBOT_AP_RELAYS`: a Follow to each relay not yet joined (stored, so once per bot, not per container).
await core.joinRelays();

let depthReader: Promise<QueueDepth> | undefined;
// Only the status page reads queue depths: its SQS client is loaded on the first such request.
const queueDepth: QueueDepth = {
  depths: async () => {
    depthReader ??= Promise.all([sqs(), import('../lib/adapters/sqs-queue-depth.ts')]).then(
      ([client, { SqsQueueDepth }]) => new SqsQueueDepth(client, queueUrl, dlqUrl),
    );
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
  ...(smsReceipts ? { smsReceipts } : {}),
  queueDepth,
});
