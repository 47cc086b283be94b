/**
 * A delivery receipt, whoever sent it: AWS End User Messaging SMS events (through the
 * configuration set's SNS event destination) and Twilio status callbacks both become this. Pure.
 */
import type { SmsProviderName } from './sms-outcomes.ts';

/**
 * Permanent failures in a row after which a number is unreachable: the bot stops paying for it
 * (deliver skips it; the receipts tell the member on another channel).
 */
export const UNREACHABLE_AFTER = 3;

export type ReceiptState = 'delivered' | 'failed' | 'pending';

export interface DeliveryReceipt {
  provider: SmsProviderName;
  /** The provider's id of the SMS (AWS `MessageId`, Twilio `SM...` sid). */
  messageId: string;
  state: ReceiptState;
  /** Carrier/provider code of a failure: AWS `eventType` (`TEXT_BLOCKED`), Twilio `ErrorCode` (`30006`). */
  errorCode?: string;
  /**
   * A failure that says the number cannot receive SMS (invalid, landline, blocked, unknown
   * handset). Several in a row mark the number unreachable; transient ones (TTL expired,
   * carrier unreachable, unknown after the provider's window) do not count.
   */
  permanent?: boolean;
  /** Parts as the provider counted (and billed) them, when the receipt says. */
  parts?: number;
  /** Our id of the SMS, when the provider echoes it (AWS `context`). */
  echoId?: string;
}

// ---------------------------------------------------------------- AWS

const AWS_DELIVERED = new Set(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL']);
const AWS_PENDING = new Set(['TEXT_QUEUED', 'TEXT_PENDING', 'TEXT_SENT']);
/** The failures that are about the number itself. */
const AWS_PERMANENT = new Set(['TEXT_INVALID', 'TEXT_BLOCKED']);

/**
 * An SMS event type and `isFinal` -> the state. A non-final event is pending whatever its type
 * (TEXT_SUCCESSFUL may be followed by TEXT_DELIVERED); a final one is delivered or failed.
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html
 */
export function awsReceiptState(
  eventType: string,
  isFinal: boolean,
): Pick<DeliveryReceipt, 'state' | 'errorCode' | 'permanent'> {
  if (!isFinal || AWS_PENDING.has(eventType)) return { state: 'pending' };
  if (AWS_DELIVERED.has(eventType)) return { state: 'delivered' };
  return { state: 'failed', errorCode: eventType, permanent: AWS_PERMANENT.has(eventType) };
}

// ---------------------------------------------------------------- Twilio

const TWILIO_DELIVERED = new Set(['delivered', 'read']);
const TWILIO_FAILED = new Set(['undelivered', 'failed', 'canceled']);
/** 21211 invalid, 21614/30006 not mobile/landline, 30004 blocked, 30005 unknown handset, 21610 STOP. */
const TWILIO_PERMANENT = new Set(['21211', '21614', '21610', '30004', '30005', '30006']);

/**
 * A status callback's MessageStatus and ErrorCode -> the state. queued, accepted, scheduled,
 * sending and sent are on the way (`sent` is the last word only from carriers that return no
 * delivery receipt).
 * https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
export function twilioReceiptState(
  status: string,
  errorCode: string | undefined,
): Pick<DeliveryReceipt, 'state' | 'errorCode' | 'permanent'> {
  if (TWILIO_DELIVERED.has(status)) return { state: 'delivered' };
  if (!TWILIO_FAILED.has(status)) return { state: 'pending' };
  const code = errorCode && errorCode !== '0' ? errorCode : status;
  return { state: 'failed', errorCode: code, permanent: TWILIO_PERMANENT.has(code) };
}
