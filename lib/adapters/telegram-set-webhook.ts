import * as z from 'zod/mini';
import '../domain/zod-messages.ts';
import { DEFAULT_TELEGRAM_API_URL } from './telegram-sender.ts';

const answer = z.looseObject({ ok: z.boolean(), description: z.optional(z.string()) });

export interface SetTelegramWebhookInput {
  /** The bot's token from @BotFather; part of the request URL, so never put in an error. */
  botToken: string;
  /** Where Telegram should POST updates: the stack's `TelegramWebhookUrl` output. */
  webhookUrl: string;
  /** Telegram sends it back as `X-Telegram-Bot-Api-Secret-Token`; the same value as the SSM parameter. */
  secretToken: string;
  apiUrl?: string;
}

/**
 * Bot API `setWebhook`: points the bot at the deployed webhook, with the secret token the http
 * function checks, and asks only for `message` updates (the bot ignores the rest anyway).
 * Returns Telegram's description ("Webhook was set"); throws with Telegram's reason otherwise.
 */
export async function setTelegramWebhook(input: SetTelegramWebhookInput): Promise<string> {
  if (!input.webhookUrl.startsWith('https://'))
    throw new Error(`Telegram only calls https:// webhooks, got ${input.webhookUrl}`);
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(input.secretToken))
    throw new Error('the secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram’s rule)');
  const api = (input.apiUrl ?? DEFAULT_TELEGRAM_API_URL).replace(/\/$/, '');
  const res = await fetch(`${api}/bot${input.botToken}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      url: input.webhookUrl,
      secret_token: input.secretToken,
      allowed_updates: ['message'],
    }),
  });
  const parsed = answer.safeParse(await res.json().catch(() => undefined));
  const description = parsed.success ? (parsed.data.description ?? '') : `HTTP ${res.status}`;
  if (!res.ok || !parsed.success || !parsed.data.ok) throw new Error(`setWebhook refused: ${description}`);
  return description;
}
