import { SNSClient } from '@aws-sdk/client-sns';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoSmsSafety } from '../lib/adapters/dynamodb/dynamo-sms-safety.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { EmfMetrics } from '../lib/adapters/powertools-metrics.ts';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import { SnsAlerter } from '../lib/adapters/sns-alerter.ts';
import { SnsSmsSender } from '../lib/adapters/sns-sms-sender.ts';
import { sendDueDigests } from '../lib/usecases/send-digests.ts';
import { createSmsGate } from '../lib/usecases/sms-gate.ts';

/** Scheduled (EventBridge, every 15 minutes): sends the quiet-hours digests that are due. */
const table = requireEnv('TABLE_NAME');
const doc = documentClient();
const sns = new SNSClient({});
const config = safetyConfigFromEnv();
const metrics = new EmfMetrics();
const { info } = createLogger('echobot-digest');
const safety = new DynamoSmsSafety(doc, table);
const gate = createSmsGate({
  safety,
  ...(config.smsMaxSegments !== undefined ? { maxSegments: config.smsMaxSegments } : {}),
  ...(config.smsDailyBudget !== undefined ? { dailyBudget: config.smsDailyBudget } : {}),
  ...(process.env.ALERT_TOPIC_ARN ? { alerter: new SnsAlerter(sns, process.env.ALERT_TOPIC_ARN) } : {}),
  botUrl: process.env.PUBLIC_URL ?? 'echobot',
  log: info,
  now: () => new Date(),
  metrics,
});
const smsType = process.env.SMS_TYPE === 'Promotional' ? 'Promotional' : 'Transactional';

export const handler = async (): Promise<void> => {
  const outcome = await sendDueDigests(
    {
      store: new DynamoStore(doc, table),
      safety,
      sms: new SnsSmsSender(sns, smsType),
      gate,
      ...(config.smsMaxSegments !== undefined ? { maxSegments: config.smsMaxSegments } : {}),
      log: info,
    },
    new Date(),
  );
  info('digests sent', { ...outcome });
  metrics.flush();
  // A failed send stays due for the next run; failing the invocation makes it visible in the error alarm.
  if (outcome.failed > 0) throw new Error(`${outcome.failed} digests failed; they stay due`);
};
