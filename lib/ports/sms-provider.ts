import type { SmsProviderName, SmsSendOutcome } from '../domain/sms-outcomes.ts';

/** One SMS to one number, as the deliver side hands it to a provider. */
export interface SmsRequest {
  /** The destination, E.164 (`+15550001111`). */
  to: string;
  text: string;
  /** Our id of this SMS (echo or reply): carried in the provider's context and kept with the receipt. */
  echoId?: string;
}

/**
 * The bot's SMS provider, outbound: every SMS leaves from `from`, the bot's one number. It never
 * throws for a provider's answer: each answer, a timeout included, is an outcome
 * (lib/domain/sms-outcomes.ts) the caller acts on.
 */
export interface SmsProvider {
  readonly name: SmsProviderName;
  /** The origination number, E.164. */
  readonly from: string;
  send(sms: SmsRequest): Promise<SmsSendOutcome>;
}
