import { smsProviderSender } from '../adapters/sms-provider-sender.ts';
import { SMS_SETUP_ALERT } from '../domain/replies/sms.ts';
import type { SmsProviderName } from '../domain/sms-outcomes.ts';
import type { OutboundMessage } from '../domain/types.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Sender } from '../ports/sender.ts';
import type { SmsProvider } from '../ports/sms-provider.ts';
import type { SmsDeliveryState } from '../ports/sms-receipts.ts';
import type { Alerter } from '../ports/sms-safety.ts';
import type { SmsDeliverDeps } from '../usecases/deliver-sms.ts';
import type { SmsReceiptDeps } from '../usecases/sms-receipts.ts';
import type { Base, SmsStores } from './core.ts';

/** One set-up alert per code per hour and process: a broken credential must not page per echo. */
const SETUP_ALERT_EVERY_MS = 3600_000;

export interface SmsRuntime {
  provider: SmsProvider;
  /** What deliver needs to send through the provider and act on its outcomes. */
  deliver: SmsDeliverDeps;
  /** What the receipt routes and the events function need (`recordSmsEvent`). */
  receipts(queue: JobQueue): SmsReceiptDeps;
  /** Digests and other SMS outside delivery jobs, through the same provider and number. */
  sender: Sender;
}

/**
 * The SMS provider's runtime around one provider: deliver's outcome handling, receipts, the
 * alarm path for set-up errors (metric `SmsSetupErrors` from deliver, the alerter here), and the
 * budget correction when the provider counts more parts than we did.
 */
export function composeSmsRuntime(
  core: Base & SmsStores,
  provider: SmsProvider,
  input: {
    alerter?: Alerter;
    botUrl: string;
    now?: () => Date;
    /** After the provider accepted an SMS (locally: its outbox copy). */
    onSent?: (
      message: OutboundMessage,
      sent: { provider: SmsProviderName; messageId: string },
    ) => Promise<void>;
    /** After a final receipt (locally: the outbox file learns the state). */
    onFinal?: (sms: SmsDeliveryState) => Promise<void>;
  },
): SmsRuntime {
  const now = input.now ?? (() => new Date());
  const alerted = new Map<string, number>();
  // Adds what the provider counted beyond our own count, whatever the budget: the parts were sent.
  const chargeParts = async (day: string, parts: number) => {
    await core.smsSafety.reserveSmsParts(day, parts, Number.MAX_SAFE_INTEGER);
  };
  const { alerter } = input;
  const deliver: SmsDeliverDeps = {
    provider,
    receipts: core.smsReceipts,
    chargeParts,
    ...(input.onSent ? { onSent: input.onSent } : {}),
    ...(alerter
      ? {
          onSetupError: async (code: string, reason: string) => {
            const at = now().getTime();
            if (at - (alerted.get(code) ?? Number.NEGATIVE_INFINITY) < SETUP_ALERT_EVERY_MS) return;
            alerted.set(code, at);
            await alerter.alert(
              SMS_SETUP_ALERT.subject(code),
              SMS_SETUP_ALERT.message(provider.name, code, reason, input.botUrl),
            );
          },
        }
      : {}),
  };
  return {
    provider,
    deliver,
    receipts: (queue) => ({
      receipts: core.smsReceipts,
      store: core.store,
      queue,
      log: core.info,
      chargeParts,
      ...(core.platform.metrics ? { metrics: core.platform.metrics } : {}),
      ...(input.onFinal ? { onFinal: input.onFinal } : {}),
    }),
    sender: smsProviderSender(provider, input.onSent),
  };
}
