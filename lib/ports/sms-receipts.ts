import type { SmsProviderName } from '../domain/sms-outcomes.ts';
import type { DeliveryReceipt, ReceiptState } from '../domain/sms-receipts.ts';
import type { Channel } from '../domain/types.ts';

/** An SMS the provider accepted. */
export interface SentSms {
  /** Our id of the SMS (post id and recipient for an echo, the reply's id for a reply). */
  echoId: string;
  memberId: string;
  channel: Channel;
  provider: SmsProviderName;
  /** The provider's message id, which its receipts name. */
  messageId: string;
  /** Parts: the provider's count when its answer had one, else ours before sending. */
  parts: number;
  /** When it was sent (ISO); its UTC day is the day it counts for. */
  at: string;
}

/** A sent SMS with what its receipts said so far. */
export interface SmsDeliveryState extends SentSms {
  state: 'sent' | Exclude<ReceiptState, 'pending'>;
  errorCode?: string;
}

export type ReceiptRecorded =
  /**
   * The first final receipt of a known SMS: counted. `failStreak`: the number's permanent
   * failures in a row now. `extraParts`: the provider's part count minus ours (what the day's
   * budget counter is off by; 0 when the receipt named no parts).
   */
  | { result: 'recorded'; sms: SmsDeliveryState; failStreak: number; extraParts: number }
  /** A pending receipt (queued, sent): nothing to count. */
  | { result: 'pending'; sms: SmsDeliveryState }
  /** The SMS already had its final receipt: nothing changed. */
  | { result: 'duplicate'; sms: SmsDeliveryState }
  /** No SMS of ours has this id (another app's, or expired): the route answers 200 and writes nothing. */
  | { result: 'unknown' };

export interface SmsDayCounts {
  sent: number;
  delivered: number;
  failed: number;
  /** Failure codes of the day, most frequent first (at most `top`). */
  topFailures: Array<{ code: string; count: number }>;
}

/** Delivery receipts of SMS sent, the day's counts, and numbers that keep failing. */
export interface SmsReceiptStore {
  /** Records an accepted SMS once (a repeat with the same provider message id changes nothing). */
  recordSent(sms: SentSms): Promise<void>;
  /** Applies a receipt by the provider's message id; idempotent. */
  recordReceipt(receipt: DeliveryReceipt): Promise<ReceiptRecorded>;
  sentSms(provider: SmsProviderName, messageId: string): Promise<SmsDeliveryState | undefined>;
  /** Counts of SMS sent on that UTC day (`YYYY-MM-DD`) and what became of them. */
  dayCounts(day: string, top?: number): Promise<SmsDayCounts>;
  /** Permanent failures in a row to that number since its last delivered SMS (or last reset). */
  consecutiveFailures(channel: Channel): Promise<number>;
  /** Starts the count again (the member texted from that number). */
  resetFailures(channel: Channel): Promise<void>;
}

/** Counts of SMS final states (metrics `SmsDelivered`, `SmsFailed`: the failure-rate alarm). */
export interface SmsReceiptMetrics {
  sms?(event: 'delivered' | 'failed', count?: number): void;
}
