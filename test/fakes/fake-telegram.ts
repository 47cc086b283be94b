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

const getUpdates = z.object({
  offset: z.int().optional(),
  limit: z.int().min(1).max(100).optional(),
  timeout: z.int().min(0).optional(),
  allowed_updates: z.array(z.string()).optional(),
});

/**
 * A loopback stand-in for the Telegram Bot API: answers `POST /bot<token>/sendMessage` like
 * Telegram does (JSON `{ ok, result | description, parameters }`), records what was sent, and
 * fails chats on request (403 blocked, 429 with retry_after, 500). `getUpdates` is a long poll
 * over updates queued with `pushUpdate`; like Telegram it forgets updates below the `offset` it
 * is given, answers 409 while a webhook is set (until `deleteWebhook`), and 409 to the next
 * `conflicts(n)` calls (another poller running).
 */
export async function startFakeTelegram(token: string) {
  const sent: TelegramSent[] = [];
  const failures = new Map<string, { status: number; description: string; retryAfter?: number }>();
  const calls: string[] = [];
  const webhooks: Array<z.infer<typeof setWebhook>> = [];
  let webhookActive = false;
  let conflicts = 0;
  let updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  const waiting = new Set<() => void>();
  const polls: Array<{ offset: number | undefined; status: number }> = [];
  const methods: string[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    methods.push(req.url?.split('/').at(-1) ?? '');
    if (req.url === `/bot${token}/deleteWebhook`) {
      webhookActive = false;
      return answer(200, { ok: true, result: true, description: 'Webhook was deleted' });
    }
    if (req.url === `/bot${token}/getUpdates`) {
      const parsed = getUpdates.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success) return answer(400, { ok: false, error_code: 400, description: 'Bad Request' });
      const { offset, limit = 100, timeout = 0 } = parsed.data;
      const conflict = webhookActive
        ? "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        : conflicts > 0
          ? 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'
          : undefined;
      if (conflict !== undefined) {
        if (!webhookActive) conflicts--;
        polls.push({ offset, status: 409 });
        return answer(409, { ok: false, error_code: 409, description: conflict });
      }
      polls.push({ offset, status: 200 });
      if (offset !== undefined) updates = updates.filter((u) => u.update_id >= offset);
      if (updates.length === 0 && timeout > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeout * 1000);
          function done() {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          }
          waiting.add(done);
          req.once('close', done);
        });
      }
      if (res.destroyed) return;
      return answer(200, { ok: true, result: updates.slice(0, limit) });
    }
    if (req.url === `/bot${token}/setWebhook`) {
      const parsed = setWebhook.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success || !parsed.data.url.startsWith('https://'))
        return answer(400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
        });
      webhooks.push(parsed.data);
      webhookActive = true;
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
    /** Queues an update for getUpdates (and wakes a waiting long poll). */
    pushUpdate: (update: { update_id: number } & Record<string, unknown>) => {
      updates.push(update);
      for (const wake of [...waiting]) wake();
    },
    /** The next `n` getUpdates calls answer 409, as when another poller holds the token. */
    conflicts: (n: number) => {
      conflicts = n;
    },
    /** Every getUpdates call: the offset it confirmed and the status answered. */
    polls,
    /** Every Bot API method called, in order. */
    methods,
    stop: () =>
      new Promise<void>((r) => {
        for (const wake of [...waiting]) wake();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
