import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { channelOf } from '../domain/channel.ts';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import type { InboundMessage } from '../domain/inbound-message.ts';
import '../domain/zod-messages.ts';
import { parseJsonBody } from './json-body.ts';

/*
 * The generic IM bridge protocol, both directions: a JSON body signed with
 * `X-Echobot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed by the shared
 * secret, and `X-Echobot-Timestamp: <unix seconds>`. Hand-rolled because it is our own protocol
 * (the same recipe as Stripe's and Slack's webhooks) and is a few lines of node:crypto.
 */
export const IM_TIMESTAMP_HEADER = 'x-echobot-timestamp';
export const IM_SIGNATURE_HEADER = 'x-echobot-signature';
/** How far a timestamp may be from our clock: a captured request cannot be replayed later. */
export const IM_MAX_SKEW_SECONDS = 300;

export function imSignature(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;
}

/** Headers for a signed POST of `rawBody`, as the bridge sends them and as we send echoes. */
export function imSignedHeaders(secret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return {
    'content-type': 'application/json',
    [IM_TIMESTAMP_HEADER]: timestamp,
    [IM_SIGNATURE_HEADER]: imSignature(secret, timestamp, rawBody),
  };
}

export function verifyImSignature(
  secret: string | undefined,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  now = Date.now(),
): void {
  if (!secret) throw new ForbiddenError('the IM bridge is not configured');
  if (!timestamp || !signature)
    throw new ForbiddenError('missing X-Echobot-Timestamp or X-Echobot-Signature header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new ForbiddenError('X-Echobot-Timestamp must be unix seconds');
  if (Math.abs(now / 1000 - Number(timestamp)) > IM_MAX_SKEW_SECONDS)
    throw new ForbiddenError('X-Echobot-Timestamp is more than 5 minutes off');
  const expected = Buffer.from(imSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new ForbiddenError('X-Echobot-Signature does not match');
}

/** Printable, no whitespace at the ends: ids end up in keys and addresses. */
const token = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .check(z.minLength(1, `${name} is required`))
    .check(z.maxLength(200, `${name} is longer than 200 characters`))
    .check(
      z.regex(
        /^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u,
        `${name} must be printable text without surrounding spaces`,
      ),
    );

const inbound = z.object({
  id: token('id'),
  from: token('from'),
  text: z
    .string({ error: 'text is required' })
    .check(z.maxLength(4096, 'text is longer than 4096 characters')),
  callback: z.optional(z.string({ error: 'callback must be a string' }).check(z.maxLength(2048))),
});

/** A signed bridge body -> the message every edge hands to ingest (the callback still to be checked). */
export function parseImMessage(rawBody: string): InboundMessage & { callback?: string } {
  const parsed = inbound.safeParse(parseJsonBody(rawBody));
  if (!parsed.success) throw new BadRequestError(parsed.error.issues[0]?.message ?? 'invalid body');
  const { id, from, text, callback } = parsed.data;
  return {
    provider: 'im',
    messageId: id,
    channel: channelOf('im', from),
    text,
    replyBy: 'queue',
    ...(callback !== undefined ? { callback } : {}),
  };
}
