import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alerter } from '../ports/sms-safety.ts';
import { createSmsGate, type SmsGate } from '../usecases/sms-gate.ts';
import { DynamoSmsSafety } from './dynamo-safety-items.ts';
import type { SafetyConfig } from './safety-env.ts';

/** The SMS gate and its store as the deliver and digest functions build them (one place, one shape). */
export function smsSafetyFor(
  doc: DynamoDBDocumentClient,
  table: string,
  config: SafetyConfig,
  options: {
    alerter?: Alerter;
    botUrl: string;
    log: (event: string, fields: Record<string, unknown>) => void;
  },
): { safety: DynamoSmsSafety; gate: SmsGate } {
  const safety = new DynamoSmsSafety(doc, table);
  const gate = createSmsGate({
    safety,
    ...(config.smsMaxSegments !== undefined ? { maxSegments: config.smsMaxSegments } : {}),
    ...(config.smsDailyBudget !== undefined ? { dailyBudget: config.smsDailyBudget } : {}),
    ...(options.alerter ? { alerter: options.alerter } : {}),
    botUrl: options.botUrl,
    log: options.log,
    now: () => new Date(),
  });
  return { safety, gate };
}
