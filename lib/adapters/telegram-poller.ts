/**
 * Telegram without a webhook: the Bot API's `getUpdates` long poll, for a bot nothing on the
 * internet can reach (a laptop). `deleteWebhook` first (getUpdates answers 409 while a webhook is
 * set), then one long poll after another. Each update is handed to `onUpdate` as the raw JSON
 * object the webhook receives (so the caller feeds the same parse + ingest path,
 * lib/edges/telegram.ts), in update_id order, one at a time; the offset (last id + 1) is stored
 * durably only after `onUpdate` resolved, and Telegram forgets an update once a later call
 * confirms it with that offset. So a restart neither loses an update (not confirmed until
 * handled) nor repeats one (the stored offset is where it resumes), except the one being handled
 * at a crash between `onUpdate` and the write: ingest de-duplicates by update id.
 *
 * Errors back off exponentially (doubling, capped); 429 waits Telegram's `retry_after`. A 409
 * means another getUpdates poller (a second `npm start` with the same token) or a webhook is
 * active: it is logged plainly and retried with the same backoff. Aborting `signal` ends the
 * current long poll and resolves `run`.
 *
 * Hand-rolled (about a hundred lines) rather than a Telegram framework (grammY, telegraf): the
 * bot needs three Bot API calls, its own durable offset and its own ingest path, and those
 * libraries bring their own update routing and in-memory offsets.
 */
import * as z from 'zod/mini';
import '../domain/zod-messages.ts';
import type { OffsetStore } from '../ports/update-offset.ts';
import { DEFAULT_TELEGRAM_API_URL } from './telegram-sender.ts';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface TelegramPollerOptions {
  /** Part of every request URL: never logged. */
  botToken: string;
  apiUrl?: string;
  offsets: OffsetStore;
  /** Resolves once the update is safely handed over (e.g. ingested); throwing retries it. */
  onUpdate: (update: Record<string, unknown> & { update_id: number }) => Promise<void>;
  signal: AbortSignal;
  log: Log;
  /** Long poll length in seconds (Telegram allows up to 50). */
  timeoutSeconds?: number;
  limit?: number;
  allowedUpdates?: string[];
  backoff?: { initialMs: number; maxMs: number };
}

const Answer = z.looseObject({
  ok: z.boolean(),
  result: z.optional(z.unknown()),
  description: z.optional(z.string()),
  error_code: z.optional(z.int()),
  parameters: z.optional(z.looseObject({ retry_after: z.optional(z.int()) })),
});

const Updates = z.array(z.looseObject({ update_id: z.int().check(z.nonnegative()) }));

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Telegram answered ${status}: ${description}`);
  }
}

const aborted = (signal: AbortSignal) => signal.aborted;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class TelegramPoller {
  private readonly api: string;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: TelegramPollerOptions) {
    this.api = (options.apiUrl ?? DEFAULT_TELEGRAM_API_URL).replace(/\/$/, '');
    this.initialMs = options.backoff?.initialMs ?? 1_000;
    this.maxMs = options.backoff?.maxMs ?? 60_000;
  }

  /** Runs until `signal` is aborted. */
  async run(): Promise<void> {
    const { signal, log } = this.options;
    let delay = this.initialMs;
    const backOff = async (error: unknown): Promise<void> => {
      if (aborted(signal)) return;
      const wait =
        error instanceof ApiError && error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1_000
          : delay;
      if (error instanceof ApiError && error.status === 409) {
        log(
          'warn',
          'Telegram refused getUpdates (409): another poller with this bot token or a webhook is active',
          {
            description: error.description,
            retryInMs: wait,
          },
        );
      } else {
        log('warn', 'Telegram polling failed; retrying', {
          error: error instanceof Error ? error.message : String(error),
          retryInMs: wait,
        });
      }
      await sleep(wait, signal);
      delay = Math.min(this.maxMs, delay * 2);
    };

    while (!aborted(signal)) {
      try {
        await this.call('deleteWebhook', { drop_pending_updates: false });
        break;
      } catch (error) {
        await backOff(error);
      }
    }
    let offset = await this.options.offsets.read();
    log('info', 'Telegram polling started', { offset: offset ?? null });
    while (!aborted(signal)) {
      let updates: z.infer<typeof Updates>;
      try {
        const result = await this.call('getUpdates', {
          ...(offset === undefined ? {} : { offset }),
          limit: this.options.limit ?? 100,
          timeout: this.options.timeoutSeconds ?? 30,
          allowed_updates: this.options.allowedUpdates ?? ['message'],
        });
        const parsed = Updates.safeParse(result);
        if (!parsed.success) throw new Error('getUpdates returned something other than a list of updates');
        updates = parsed.data.sort((a, b) => a.update_id - b.update_id);
      } catch (error) {
        await backOff(error);
        continue;
      }
      try {
        for (const update of updates) {
          if (offset !== undefined && update.update_id < offset) continue;
          if (aborted(signal)) break;
          await this.options.onUpdate(update);
          offset = update.update_id + 1;
          await this.options.offsets.write(offset);
        }
        delay = this.initialMs;
      } catch (error) {
        await backOff(error);
      }
    }
    log('info', 'Telegram polling stopped', { offset: offset ?? null });
  }

  private async call(method: string, body: Record<string, unknown>): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.api}/bot${this.options.botToken}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: this.options.signal,
      });
    } catch (error) {
      // The token is in the URL: never pass the fetch error's message (which may quote it) on.
      if (this.options.signal.aborted) throw new Error(`${method} aborted`);
      throw new Error(
        `${method}: ${error instanceof Error && 'cause' in error ? String(error.cause) : 'network error'}`,
      );
    }
    const parsed = Answer.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new ApiError(res.status, `${method}: not a Bot API answer`);
    if (!res.ok || !parsed.data.ok)
      throw new ApiError(
        parsed.data.error_code ?? res.status,
        parsed.data.description ?? `${method} failed`,
        parsed.data.parameters?.retry_after,
      );
    return parsed.data.result;
  }
}
