import { imSignedHeaders } from '../../lib/edges/im-bridge.ts';

/** What Telegram posts for a text message in a private chat. */
export function telegramText(updateId: number, chatId: number, text: string) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: chatId, is_bot: false, first_name: 'Test' },
      chat: { id: chatId, first_name: 'Test', type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
}

/** Posts an update to `/webhooks/telegram` with the secret token header (omitted when `secret` is undefined). */
export async function postTelegram(url: string, secret: string | undefined, update: unknown, raw?: string) {
  const res = await fetch(`${url}/webhooks/telegram`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
    },
    body: raw ?? JSON.stringify(update),
  });
  return { status: res.status, text: await res.text() };
}

/** Posts a bridge message to `/webhooks/im`, signed with `secret` (or with the headers given). */
export async function postIm(
  url: string,
  secret: string,
  body: unknown,
  options: { raw?: string; now?: number; headers?: Record<string, string> } = {},
) {
  const raw = options.raw ?? JSON.stringify(body);
  const res = await fetch(`${url}/webhooks/im`, {
    method: 'POST',
    headers: options.headers ?? imSignedHeaders(secret, raw, options.now),
    body: raw,
  });
  return { status: res.status, text: await res.text() };
}
