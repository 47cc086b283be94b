import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { channelOf } from '../domain/channel.ts';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import type { InboundMessage } from '../domain/inbound-message.ts';
import '../domain/zod-messages.ts';

/** Telegram puts the secret given to setWebhook in this header on every update. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Constant-time check of the secret token; no configured secret means nothing is accepted. */
export function verifyTelegramSecret(expected: string | undefined, given: string | undefined): void {
  if (!expected) throw new ForbiddenError('the Telegram webhook is not configured');
  if (!given) throw new ForbiddenError('missing X-Telegram-Bot-Api-Secret-Token header');
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new ForbiddenError('X-Telegram-Bot-Api-Secret-Token does not match');
}

/** Every update has an id; the rest is optional and mostly not for us. */
const update = z.looseObject({ update_id: z.int().check(z.nonnegative()) });

/** A text message in a private chat: the only update that is a member talking to the bot. */
const textMessage = z.object({
  message: z.object({
    message_id: z.int(),
    chat: z.object({ id: z.int(), type: z.literal('private') }),
    text: z.string().check(z.maxLength(4096)),
  }),
});

/**
 * A Telegram update -> the message every edge hands to ingest, or `undefined` for updates that
 * are not a text message in a private chat (edits, joins, stickers, channel posts, callback
 * queries, group chatter): those are acknowledged and ignored.
 */
export function parseTelegramUpdate(body: unknown): { updateId: number; message?: InboundMessage } {
  const u = update.safeParse(body);
  if (!u.success) throw new BadRequestError('body is not a Telegram update (update_id is required)');
  const m = textMessage.safeParse(body);
  if (!m.success) return { updateId: u.data.update_id };
  const { chat, text } = m.data.message;
  return {
    updateId: u.data.update_id,
    message: {
      provider: 'telegram',
      messageId: String(u.data.update_id),
      channel: channelOf('telegram', String(chat.id)),
      text: withoutSlash(text),
      replyBy: 'queue',
    },
  };
}

/** Telegram clients send commands as `/join alice` or `/start@echobot`: the slash and bot name go. */
function withoutSlash(text: string): string {
  return text.replace(/^\/([A-Za-z]+)(@\w+)?(?=\s|$)/, '$1');
}
