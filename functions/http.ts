import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoStats } from '../lib/adapters/dynamodb/dynamo-stats.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { DynamoTimeline } from '../lib/adapters/dynamodb/dynamo-timeline.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import { SqsQueueDepth } from '../lib/adapters/sqs-queue-depth.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { optionalSecret } from '../lib/adapters/ssm-secret.ts';
import { parseAdmins } from '../lib/domain/admins.ts';
import { newId } from '../lib/domain/ids.ts';
import { createSafeFetch } from '../lib/federation/safe-fetch.ts';
import { noPeers } from '../lib/ports/peers.ts';
import { createHttpApp } from '../lib/usecases/http-app.ts';
import { peerNetworkFromEnv } from './peer-network.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const adminTokenParam = requireEnv('ADMIN_TOKEN_PARAM');
const table = requireEnv('TABLE_NAME');
const doc = documentClient();
const store = new DynamoStore(doc, table);
const timeline = new DynamoTimeline(doc, table);
const { smsDailyBudget, postRateLimit } = safetyConfigFromEnv();
const { log } = createLogger('echobot-http');
const federation = new DynamoFederationStore(doc, table);
// Read once per cold start; without it the bot serves no ActivityPub routes.
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const peering = peerNetworkFromEnv({ doc, table, store, log });
void peering?.connectConfigured();

export const handler = createHttpApp({
  ingest: {
    store,
    now: () => new Date(),
    newId,
    admins: parseAdmins(process.env.ECHOBOT_ADMINS),
    ...(postRateLimit !== undefined ? { postRateLimit } : {}),
    ...(smsDailyBudget !== undefined ? { smsDailyBudget } : {}),
    ...(botKey ? { federation } : {}),
    ...(peering ? { peers: peering.commands } : {}),
  },
  ...(peering ? { peers: peering.routes } : {}),
  // Cached for five minutes by Powertools, so a rotated token is picked up without a redeploy.
  twilioAuthToken: async () => {
    const token = await getParameter(tokenParam, { decrypt: true, maxAge: 300 });
    if (!token) throw new Error(`SSM parameter ${tokenParam} is empty`);
    return token;
  },
  telegramSecretToken: optionalSecret(process.env.TELEGRAM_SECRET_TOKEN_PARAM),
  imSecret: optionalSecret(process.env.IM_SECRET_PARAM),
  ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
  log,
  pages: { store, timeline, now: () => new Date() },
  ...(botKey
    ? {
        federation: {
          keys: botKey,
          // Deployed bots never reach private addresses: there is no ECHOBOT_ALLOW_PRIVATE in Lambda.
          fetch: createSafeFetch({ allowPrivate: false }),
          store: federation,
          members: store,
          timeline,
          allowPrivate: false,
          now: () => new Date(),
          newId,
          log,
        },
      }
    : {}),
  status: {
    // A missing or empty parameter refuses every request rather than failing the function.
    adminToken: async () =>
      (await getParameter(adminTokenParam, { decrypt: true, maxAge: 300 }).catch(() => undefined)) ??
      undefined,
    stats: new DynamoStats(doc, table),
    timeline,
    queueDepth: new SqsQueueDepth(
      new SQSClient({}),
      requireEnv('DELIVERY_QUEUE_URL'),
      requireEnv('DELIVERY_DLQ_URL'),
    ),
    peers: peering?.directory ?? noPeers,
    ...(smsDailyBudget !== undefined ? { smsDailyBudget } : {}),
    smsUsedOn: (day) => store.smsUsedOn(day),
    now: () => new Date(),
  },
});
