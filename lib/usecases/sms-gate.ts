import { isQuiet, quietEndsAt } from '../domain/quiet-hours.ts';
import { BUDGET_ALERT } from '../domain/replies/safety.ts';
import { countSms, fitSms } from '../domain/sms-segments.ts';
import type { OutboundMessage, Recipient } from '../domain/types.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Alerter, SmsSafetyStore } from '../ports/sms-safety.ts';

/** At most this many parts per SMS echo unless `ECHOBOT_SMS_MAX_SEGMENTS` says otherwise. */
export const DEFAULT_SMS_MAX_SEGMENTS = 2;

export interface SmsGateDeps {
  safety: SmsSafetyStore;
  /** `ECHOBOT_SMS_MAX_SEGMENTS` (default 2). */
  maxSegments?: number;
  /** `ECHOBOT_SMS_DAILY_BUDGET` in SMS parts per UTC day; unset = no budget. */
  dailyBudget?: number;
  /** Told once a UTC day when the budget is reached; unset = a log line only. */
  alerter?: Alerter;
  /** The bot's URL, named in the operator's alert. */
  botUrl: string;
  log: InfoLog;
  now: () => Date;
  /** `SmsBudgetUsedPercent` after each reservation, `Failures` reason `sms-over-budget`. */
  metrics?: Metrics;
}

export type SmsVerdict =
  /** Send `text` (the echo kept within the part limit); `release` gives the parts back if the send fails. */
  | { action: 'send'; text: string; release: () => Promise<void> }
  /** Quiet hours: stored for the digest. */
  | { action: 'held' }
  /** The day's budget is used up: not sent, not retried. */
  | { action: 'over-budget' };

/** What every SMS passes on its way out: quiet hours (echoes only), the part limit, the day's budget. */
export interface SmsGate {
  admit(recipient: Recipient, message: OutboundMessage): Promise<SmsVerdict>;
  /** Reserves the parts of a text that is not an echo (a digest): true = send it. */
  reserve(text: string): Promise<{ ok: true; release: () => Promise<void> } | { ok: false }>;
}

export function createSmsGate(deps: SmsGateDeps): SmsGate {
  const maxSegments = deps.maxSegments ?? DEFAULT_SMS_MAX_SEGMENTS;
  const nothing = async () => undefined;

  const reserve = async (text: string) => {
    const budget = deps.dailyBudget;
    if (budget === undefined) return { ok: true as const, release: nothing };
    const day = deps.now().toISOString().slice(0, 10);
    const parts = countSms(text).segments;
    const used = await deps.safety.reserveSmsParts(day, parts, budget);
    if (used !== undefined) {
      if (budget > 0) deps.metrics?.smsBudgetUsed((100 * used) / budget);
      return { ok: true as const, release: () => deps.safety.releaseSmsParts(day, parts) };
    }
    deps.metrics?.smsBudgetUsed(100);
    deps.metrics?.failure('sms-over-budget');
    deps.log('sms skipped by budget', { day, budget, parts });
    await deps.safety
      .countBudgetSkips(day, 1)
      .catch((err: unknown) => deps.log('budget skip not counted', { error: String(err) }));
    if (await deps.safety.claimBudgetAlert(day)) {
      deps.log('sms budget reached', { day, budget });
      await deps.alerter
        ?.alert(BUDGET_ALERT.subject(day), BUDGET_ALERT.message(day, budget, deps.botUrl))
        .catch((err: unknown) => deps.log('budget alert failed', { day, error: String(err) }));
    }
    return { ok: false as const };
  };

  return {
    reserve,
    async admit(recipient, message) {
      if (message.kind === 'echo') {
        const settings = await deps.safety.safetySettings(recipient.memberId);
        const now = deps.now();
        if (settings.quiet && message.postId && isQuiet(now, settings.quiet, settings.tz)) {
          await deps.safety.holdEcho(
            {
              memberId: recipient.memberId,
              channel: recipient.channel,
              postId: message.postId,
              text: message.text,
              heldAt: now.toISOString(),
            },
            quietEndsAt(now, settings.quiet, settings.tz),
          );
          return { action: 'held' };
        }
      }
      const text = message.kind === 'echo' ? fitSms(message.text, maxSegments) : message.text;
      const reserved = await reserve(text);
      return reserved.ok ? { action: 'send', text, release: reserved.release } : { action: 'over-budget' };
    },
  };
}
