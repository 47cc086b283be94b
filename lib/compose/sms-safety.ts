import type { SafetyConfig } from '../adapters/safety-env.ts';
import type { Clock } from '../ports/clock.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Sender } from '../ports/sender.ts';
import type { Alerter, SmsSafetyStore } from '../ports/sms-safety.ts';
import type { Store } from '../ports/store.ts';
import { type DigestOutcome, sendDueDigests } from '../usecases/send-digests.ts';
import { createSmsGate, type SmsGate } from '../usecases/sms-gate.ts';

/**
 * The SMS gate (quiet hours, part limit, daily budget) and the digest run that share it: one
 * composition for the deliver function, the digest function and the local node.
 */
export function composeSmsSafety(input: {
  config: SafetyConfig;
  safety: SmsSafetyStore;
  store: Store;
  /** The SMS sender digests go out through (SNS deployed, the outbox locally). */
  sms: Sender;
  /** Told once a UTC day when the budget is reached (SNS deployed, the outbox locally); unset = a log line. */
  alerter?: Alerter;
  /** The bot's URL, named in the operator's alert. */
  botUrl: string;
  log: InfoLog;
  now: Clock;
  metrics?: Metrics;
}): { gate: SmsGate; runDigests(now: Date): Promise<DigestOutcome> } {
  const { smsMaxSegments, smsDailyBudget } = input.config;
  const gate = createSmsGate({
    safety: input.safety,
    ...(smsMaxSegments !== undefined ? { maxSegments: smsMaxSegments } : {}),
    ...(smsDailyBudget !== undefined ? { dailyBudget: smsDailyBudget } : {}),
    ...(input.alerter ? { alerter: input.alerter } : {}),
    botUrl: input.botUrl,
    log: input.log,
    now: input.now,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const runDigests = (now: Date) =>
    sendDueDigests(
      {
        store: input.store,
        safety: input.safety,
        sms: input.sms,
        gate,
        ...(smsMaxSegments !== undefined ? { maxSegments: smsMaxSegments } : {}),
        log: input.log,
      },
      now,
    );
  return { gate, runDigests };
}
