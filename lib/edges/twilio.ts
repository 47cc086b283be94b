import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { channelOf, E164 } from '../domain/channel.ts';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import type { InboundMessage } from '../domain/inbound-message.ts';
import '../domain/zod-messages.ts';

/*
 * Twilio's request validation, written here rather than taken from the `twilio` package: the
 * algorithm is ten lines of HMAC, while that SDK adds megabytes to a cold start.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */

/** Base64 HMAC-SHA1 of the full URL followed by each POST param name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) {
    for (const value of params.getAll(name).sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
  signature: string | undefined,
): void {
  if (!signature) throw new ForbiddenError('missing X-Twilio-Signature header');
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ForbiddenError('X-Twilio-Signature does not match');
  }
}

const inboundSms = z.object({
  MessageSid: z
    .string()
    .check(z.regex(/^(SM|MM)[0-9a-f]{32}$/i, 'MessageSid must look like SM followed by 32 hex digits')),
  From: z.string().check(z.regex(E164, 'From must be an E.164 phone number')),
  To: z.string().check(z.minLength(1, 'To is required')),
  Body: z.string().check(z.maxLength(1600, 'Body is longer than an SMS can be')),
});

/** Twilio's inbound SMS webhook body -> the message every edge hands to ingest. */
export function parseTwilioSms(params: URLSearchParams): InboundMessage {
  const fields = Object.fromEntries(
    ['MessageSid', 'From', 'To', 'Body'].map((k) => [k, params.get(k) ?? undefined]),
  );
  const parsed = inboundSms.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    const reason =
      issue?.code === 'invalid_type' ? `${where} is required` : (issue?.message ?? 'invalid body');
    throw new BadRequestError(reason);
  }
  const { MessageSid, From, Body } = parsed.data;
  return { provider: 'twilio', messageId: MessageSid, channel: channelOf('sms', From), text: Body };
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** The TwiML answer: Twilio sends `reply` back to the sender as an SMS. */
export function twiml(reply: string | undefined): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  if (reply === undefined) return `${head}<Response/>`;
  return `${head}<Response><Message>${reply.replace(/[&<>"']/g, (c) => escapes[c] ?? c)}</Message></Response>`;
}
