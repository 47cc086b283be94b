import { splitChannel } from '../domain/channel.ts';
import { afterAttempt, type SmsProviderName } from '../domain/sms-outcomes.ts';
import { UNREACHABLE_AFTER } from '../domain/sms-receipts.ts';
import { countSms } from '../domain/sms-segments.ts';
import type { DeliveryJob, OutboundMessage, Recipient } from '../domain/types.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { SmsProvider } from '../ports/sms-provider.ts';
import type { SmsReceiptStore } from '../ports/sms-receipts.ts';

/** How SMS leave the deliver side when the bot has a provider (aws, twilio). */
export interface SmsDeliverDeps {
  provider: SmsProvider;
  receipts: SmsReceiptStore;
  /** After the provider accepted an SMS (locally: the outbox copy, with the provider and its id). */
  onSent?: (
    message: OutboundMessage,
    sent: { provider: SmsProviderName; messageId: string },
  ) => Promise<void>;
  /** A send refused for credentials, permissions, the sandbox or the spend limit: tell the operator. */
  onSetupError?: (code: string, reason: string) => Promise<void>;
  /** Parts the provider counted beyond ours, added to the day's budget counter. */
  chargeParts?: (day: string, parts: number) => Promise<void>;
  /** Permanent failures in a row that make a number unreachable (default 3). */
  unreachableAfter?: number;
}

export type SmsSendResult =
  | { kind: 'sent' }
  | { kind: 'never'; reason: string }
  | { kind: 'opted-out' }
  | { kind: 'retry'; code: string; retryAfterSeconds?: number };

/** Our id of one SMS: the reply's id, or the post and the recipient for an echo. */
export function smsEchoId(job: DeliveryJob, recipient: Recipient): string {
  return job.kind === 'reply' ? job.postId : `${job.postId}#${recipient.memberId}`;
}

/** True when the number's last `unreachableAfter` SMS failed permanently (until it texts again). */
export async function smsUnreachable(deps: SmsDeliverDeps, recipient: Recipient): Promise<boolean> {
  const fails = await deps.receipts.consecutiveFailures(recipient.channel);
  return fails >= (deps.unreachableAfter ?? UNREACHABLE_AFTER);
}

/**
 * One SMS through the provider, from the bot's number, and what its answer means. `attempt` is
 * this try's number (1 = first), so retries that rarely succeed stop after their cap. Sent:
 * recorded with the provider's id (receipts name it) and its part count; a retry never drops the
 * echo; a set-up error also raises the alarm path.
 */
export async function sendSmsVia(
  deps: SmsDeliverDeps,
  ctx: { log: InfoLog; metrics?: Metrics; now: Date; jobId: string },
  recipient: Recipient,
  message: OutboundMessage,
  echoId: string,
  attempt: number,
): Promise<SmsSendResult> {
  const { address } = splitChannel(recipient.channel);
  const outcome = afterAttempt(
    await deps.provider.send({ to: address, text: message.text, echoId }),
    attempt,
  );
  switch (outcome.kind) {
    case 'sent': {
      const ours = countSms(message.text).segments;
      const parts = outcome.parts ?? ours;
      const at = ctx.now.toISOString();
      if (outcome.messageId)
        await deps.receipts
          .recordSent({
            echoId,
            memberId: recipient.memberId,
            channel: recipient.channel,
            provider: deps.provider.name,
            messageId: outcome.messageId,
            parts,
            at,
          })
          // The SMS is out: a receipt that cannot be kept must not make the queue send it again.
          .catch((err: unknown) => ctx.log('sms receipt not kept', { jobId: ctx.jobId, error: String(err) }));
      if (parts > ours && deps.chargeParts)
        await deps
          .chargeParts(at.slice(0, 10), parts - ours)
          .catch((err: unknown) => ctx.log('sms parts not charged', { error: String(err) }));
      if (deps.onSent)
        await deps
          .onSent(message, { provider: deps.provider.name, messageId: outcome.messageId })
          .catch((err: unknown) => ctx.log('sms copy not kept', { error: String(err) }));
      return { kind: 'sent' };
    }
    case 'never':
      return { kind: 'never', reason: `${outcome.reason}:${outcome.code}` };
    case 'opted-out':
      return { kind: 'opted-out' };
    case 'retry':
      if (outcome.alarm) {
        ctx.metrics?.sms?.('setup-error');
        ctx.log('sms setup error', { jobId: ctx.jobId, code: outcome.code, reason: outcome.reason });
        await deps
          .onSetupError?.(outcome.code, outcome.reason)
          .catch((err: unknown) => ctx.log('sms setup alert failed', { error: String(err) }));
      }
      return {
        kind: 'retry',
        code: outcome.code,
        ...(outcome.retryAfterSeconds !== undefined ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
      };
  }
}
