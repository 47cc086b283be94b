import * as z from 'zod/mini';
import { splitChannel } from '../domain/channel.ts';
import { PermanentSendError } from '../domain/errors.ts';
import type { OutboundMessage } from '../domain/types.ts';
import '../domain/zod-messages.ts';
import type { Sender } from '../ports/sender.ts';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

const answer = z.looseObject({
  ok: z.boolean(),
  description: z.optional(z.string()),
  parameters: z.optional(z.looseObject({ retry_after: z.optional(z.number()) })),
});

/**
 * Bot API `sendMessage`. The token is part of the request URL, so no error or log line built
 * here ever contains that URL. 429 (with retry_after) and 5xx are worth retrying; 403 (the user
 * blocked the bot) is a permanent refusal the deliver side treats as an opt-out of that chat.
 */
export class TelegramSender implements Sender {
  constructor(
    private readonly token: () => Promise<string>,
    private readonly apiUrl: string = DEFAULT_TELEGRAM_API_URL,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const { address } = splitChannel(message.channel);
    const url = `${this.apiUrl.replace(/\/$/, '')}/bot${await this.token()}/sendMessage`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          chat_id: address,
          text: message.text,
          link_preview_options: { is_disabled: true },
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`Telegram sendMessage did not answer (${err instanceof Error ? err.name : 'error'})`);
    }
    const parsed = answer.safeParse(await res.json().catch(() => undefined));
    if (res.ok && parsed.success && parsed.data.ok) return;
    const description = parsed.success ? (parsed.data.description ?? '') : '';
    if (res.status === 429 || res.status >= 500) {
      const after = parsed.success ? parsed.data.parameters?.retry_after : undefined;
      throw new Error(
        `Telegram sendMessage ${res.status}${after ? `, retry after ${after} s` : ''}: ${description}`,
      );
    }
    if (res.status === 403) throw new PermanentSendError(`Telegram refused: ${description}`, 'opted-out');
    if (res.status === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description))
      throw new PermanentSendError(`Telegram refused: ${description}`, 'invalid-address');
    if (res.status === 400) throw new PermanentSendError(`Telegram refused: ${description}`, 'rejected');
    // 401/404 mean our token is wrong: an operator fixes it, and the echo must still go out then.
    throw new Error(`Telegram sendMessage ${res.status} (check TELEGRAM_BOT_TOKEN): ${description}`);
  }
}
