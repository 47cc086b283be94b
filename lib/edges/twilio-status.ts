import * as z from 'zod/mini';
import { BadRequestError } from '../domain/errors.ts';
import { type DeliveryReceipt, twilioReceiptState } from '../domain/sms-receipts.ts';
import '../domain/zod-messages.ts';

/*
 * Twilio's status callback: a form POST to the message's StatusCallback URL, signed with
 * X-Twilio-Signature like inbound webhooks (verify with lib/edges/twilio.ts first). Twilio adds
 * parameters without notice, so only the ones read here are checked.
 * https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
 */

const statusCallback = z.object({
  MessageSid: z
    .string()
    .check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i, 'MessageSid must look like SM followed by 32 hex digits')),
  MessageStatus: z.string().check(z.regex(/^[a-z_]{2,32}$/, 'MessageStatus is not a status')),
  ErrorCode: z.optional(z.string().check(z.regex(/^\d{1,6}$/, 'ErrorCode must be a number'))),
  NumSegments: z.optional(z.string().check(z.regex(/^\d{1,4}$/, 'NumSegments must be a number'))),
});

/** The callback's form -> the receipt; a malformed one is a BadRequestError (400, nothing written). */
export function parseTwilioStatus(params: URLSearchParams): DeliveryReceipt {
  const fields = Object.fromEntries(
    ['MessageSid', 'MessageStatus', 'ErrorCode', 'NumSegments'].flatMap((k) => {
      const v = params.get(k);
      return v === null || v === '' ? [] : [[k, v]];
    }),
  );
  const parsed = statusCallback.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new BadRequestError(
      issue?.code === 'invalid_type' ? `${where} is required` : (issue?.message ?? 'invalid status callback'),
    );
  }
  const { MessageSid, MessageStatus, ErrorCode, NumSegments } = parsed.data;
  const parts = NumSegments ? Number(NumSegments) : 0;
  return {
    provider: 'twilio',
    messageId: MessageSid,
    ...twilioReceiptState(MessageStatus, ErrorCode),
    ...(parts > 0 ? { parts } : {}),
  };
}
