import { createServer } from 'node:http';
import * as z from 'zod';

export interface TelegramSent {
  chatId: string;
  text: string;
}

const sendMessage = z.object({ chat_id: z.union([z.string(), z.number()]), text: z.string() });
const setWebhook = z.object({
  url: z.string(),
  secret_token: z.string().optional(),
  allowed_updates: z.array(z.string()).optional(),
});

/**
 * A loopback stand-in for the Telegram Bot API: answers `POST /bot<token>/sendMessage` like
 * Telegram does (JSON `{ ok, result | description, parameters }`), records what was sent, and
 * fails chats on request (403 blocked, 429 with retry_after, 500).
 */
export async function startFakeTelegram(token: string) {
  const sent: TelegramSent[] = [];
  const failures = new Map<string, { status: number; description: string; retryAfter?: number }>();
  const calls: string[] = [];
  const webhooks: Array<z.infer<typeof setWebhook>> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.url === `/bot${token}/setWebhook`) {
      const parsed = setWebhook.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success || !parsed.data.url.startsWith('https://'))
        return answer(400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
        });
      webhooks.push(parsed.data);
      return answer(200, { ok: true, result: true, description: 'Webhook was set' });
    }
    if (req.url !== `/bot${token}/sendMessage`)
      return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
    const parsed = sendMessage.safeParse(JSON.parse(body || '{}'));
    if (!parsed.success)
      return answer(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
    const chatId = String(parsed.data.chat_id);
    calls.push(chatId);
    const failure = failures.get(chatId);
    if (failure)
      return answer(failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description,
        ...(failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {}),
      });
    sent.push({ chatId, text: parsed.data.text });
    answer(200, {
      ok: true,
      result: {
        message_id: sent.length,
        chat: { id: Number(chatId), type: 'private' },
        text: parsed.data.text,
      },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    /** Every sendMessage attempt, by chat id, including refused ones. */
    calls,
    /** Every accepted setWebhook call. */
    webhooks,
    fail: (chatId: string, status: number, description: string, retryAfter?: number) =>
      failures.set(chatId, { status, description, ...(retryAfter ? { retryAfter } : {}) }),
    heal: (chatId: string) => failures.delete(chatId),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
