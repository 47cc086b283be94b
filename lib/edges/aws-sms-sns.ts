import * as z from 'zod/mini';
import { channelOf, E164 } from '../domain/channel.ts';
import type { InboundMessage } from '../domain/inbound-message.ts';
import { awsReceiptState, type DeliveryReceipt } from '../domain/sms-receipts.ts';
import '../domain/zod-messages.ts';

/*
 * What AWS End User Messaging SMS publishes to SNS, as the SNS notification's `Message` string:
 * the two-way channel's inbound SMS, and the configuration set's delivery events.
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms-payload.html
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
 */

/** A notification that is not ours to handle (another publisher, a voice event, garbage): logged and dropped. */
export interface NotOurs {
  kind: 'not-ours';
  reason: string;
}

export type TwoWayResult = { kind: 'message'; message: InboundMessage } | NotOurs;
export type SmsEventResult = { kind: 'receipt'; receipt: DeliveryReceipt } | NotOurs;

const twoWay = z.object({
  originationNumber: z.string().check(z.regex(E164, 'originationNumber is not an E.164 number')),
  destinationNumber: z.string().check(z.minLength(1)),
  messageKeyword: z.optional(z.string()),
  messageBody: z.string().check(z.maxLength(1600, 'messageBody is longer than an SMS can be')),
  inboundMessageId: z.string().check(z.minLength(1)).check(z.maxLength(200)),
  previousPublishedMessageId: z.optional(z.string()),
});

const smsEvent = z.object({
  eventType: z.string().check(z.startsWith('TEXT_', 'not an SMS event')),
  isFinal: z.boolean(),
  messageId: z.string().check(z.minLength(1)).check(z.maxLength(200)),
  destinationPhoneNumber: z.optional(z.string()),
  messageStatus: z.optional(z.string()),
  context: z.optional(z.record(z.string(), z.string())),
  totalMessageParts: z.optional(z.int().check(z.nonnegative())),
});

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notOurs(error: z.core.$ZodError): NotOurs {
  const issue = error.issues[0];
  const where = issue?.path.join('.') ?? '';
  return { kind: 'not-ours', reason: `${where ? `${where}: ` : ''}${issue?.message ?? 'unexpected shape'}` };
}

/**
 * A two-way SMS -> the message every edge hands to ingest, de-duplicated by `inboundMessageId`.
 * The reply goes through the queue (SNS waits for no answer). With `botNumber`, an SMS to
 * another number is not ours.
 */
export function parseTwoWaySms(message: string, botNumber?: string): TwoWayResult {
  const parsed = twoWay.safeParse(json(message));
  if (!parsed.success) return notOurs(parsed.error);
  const sms = parsed.data;
  if (botNumber !== undefined && sms.destinationNumber !== botNumber)
    return { kind: 'not-ours', reason: `sent to ${sms.destinationNumber}, not the bot's number` };
  return {
    kind: 'message',
    message: {
      provider: 'aws',
      messageId: sms.inboundMessageId,
      channel: channelOf('sms', sms.originationNumber),
      text: sms.messageBody,
      replyBy: 'queue',
    },
  };
}

/** A configuration set's SMS event -> the receipt (voice, MMS and registration events are not ours). */
export function parseSmsEvent(message: string): SmsEventResult {
  const parsed = smsEvent.safeParse(json(message));
  if (!parsed.success) return notOurs(parsed.error);
  const e = parsed.data;
  const echoId = e.context?.echoId;
  return {
    kind: 'receipt',
    receipt: {
      provider: 'aws',
      messageId: e.messageId,
      ...awsReceiptState(e.eventType, e.isFinal),
      ...(e.totalMessageParts ? { parts: e.totalMessageParts } : {}),
      ...(echoId ? { echoId } : {}),
    },
  };
}
