import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoSmsSafety } from '../lib/adapters/dynamodb/dynamo-sms-safety.ts';
import { DynamoStats } from '../lib/adapters/dynamodb/dynamo-stats.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { idempotencyStore } from '../lib/adapters/dynamodb/idempotency-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { ImBridgeSender } from '../lib/adapters/im-bridge-sender.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { notConfigured } from '../lib/adapters/not-configured-sender.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import { SesEmailSender } from '../lib/adapters/ses-email-sender.ts';
import { SnsAlerter } from '../lib/adapters/sns-alerter.ts';
import { SnsSmsSender } from '../lib/adapters/sns-sms-sender.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { requiredSecret } from '../lib/adapters/ssm-secret.ts';
import { DEFAULT_TELEGRAM_API_URL, TelegramSender } from '../lib/adapters/telegram-sender.ts';
import { createDeliverHandler } from '../lib/usecases/deliver-queue.ts';
import { federationRunner } from '../lib/usecases/federation/runtime.ts';
import { createSmsGate } from '../lib/usecases/sms-gate.ts';
import { peerNetworkFromEnv } from './peer-network.ts';

const table = requireEnv('TABLE_NAME');
const dynamo = new DynamoDBClient({});
const smsType = process.env.SMS_TYPE === 'Promotional' ? 'Promotional' : 'Transactional';
const { info, log } = createLogger('echobot-deliver');
// One DynamoDB client for everything this function reads and writes.
const doc = documentClient();
const store = new DynamoStore(doc, table);
const peering = peerNetworkFromEnv({ doc: doc, table, store, log });
const mailFrom = process.env.MAIL_FROM;
const sns = new SNSClient({});
const metrics = new EmfMetrics();
const safetyConfig = safetyConfigFromEnv();
const gate = createSmsGate({
  safety: new DynamoSmsSafety(doc, table),
  ...(safetyConfig.smsMaxSegments !== undefined ? { maxSegments: safetyConfig.smsMaxSegments } : {}),
  ...(safetyConfig.smsDailyBudget !== undefined ? { dailyBudget: safetyConfig.smsDailyBudget } : {}),
  ...(process.env.ALERT_TOPIC_ARN ? { alerter: new SnsAlerter(sns, process.env.ALERT_TOPIC_ARN) } : {}),
  botUrl: process.env.PUBLIC_URL ?? 'echobot',
  log: info,
  now: () => new Date(),
  metrics,
});
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const baseUrl = process.env.ECHOBOT_BASE_URL;

export const handler = createDeliverHandler({
  store,
  queue: new SqsJobQueue(new SQSClient({}), requireEnv('DELIVERY_QUEUE_URL')),
  senders: {
    sms: new SnsSmsSender(sns, smsType),
    telegram: new TelegramSender(
      requiredSecret(process.env.TELEGRAM_BOT_TOKEN_PARAM, 'the Telegram bot token'),
      process.env.TELEGRAM_API_URL || DEFAULT_TELEGRAM_API_URL,
    ),
    im: new ImBridgeSender({
      secret: requiredSecret(process.env.IM_SECRET_PARAM, 'the IM bridge secret'),
      callbackOf: (channel) => store.channelCallback(channel),
      ...(process.env.IM_DEFAULT_CALLBACK ? { defaultCallback: process.env.IM_DEFAULT_CALLBACK } : {}),
    }),
    email: mailFrom ? new SesEmailSender(new SESv2Client({}), mailFrom) : notConfigured('mail (MAIL_FROM)'),
  },
  idempotency: idempotencyStore(dynamo, table),
  log: info,
  echoCounter: new DynamoStats(doc, table),
  smsGate: gate,
  metrics,
  // Without the key (or the base URL) federation jobs fail and retry until the operator sets it.
  ...(botKey && baseUrl
    ? {
        federation: federationRunner({
          baseUrl,
          keys: botKey,
          store: new DynamoFederationStore(doc, table),
          allowPrivate: false,
          now: () => new Date(),
          log: info,
        }),
      }
    : {}),
  ...(peering ? { peers: peering.deliver } : {}),
});
