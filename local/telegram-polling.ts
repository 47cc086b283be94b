import { join } from 'node:path';
import { fileOffsetStore } from '../lib/adapters/file-offset-store.ts';
import { TelegramPoller } from '../lib/adapters/telegram-poller.ts';
import type { Log } from '../lib/ports/logger.ts';

export interface TelegramPollingOptions {
  botToken: string;
  apiUrl?: string;
  /** Where this node listens (loopback): updates are posted to its own webhook route. */
  listenUrl: string;
  /** The webhook's secret token, sent with each update like Telegram does. */
  secretToken: string;
  dataDir: string;
  log: Log;
  timeoutSeconds?: number;
}

/**
 * `TELEGRAM_MODE=poll`: Telegram with no public address. The poller (lib/adapters/telegram-poller.ts)
 * hands each update to this node's own `POST /webhooks/telegram`, with the secret token, so a polled
 * update takes exactly the webhook's path (secret check, parse, de-duplication by update id,
 * ingest). Anything but a 200 throws, so the poller keeps the offset and retries with backoff.
 * The offset lives in `$ECHOBOT_DATA/telegram-offset.json`.
 */
export function startTelegramPolling(options: TelegramPollingOptions): { stop(): Promise<void> } {
  const controller = new AbortController();
  const poller = new TelegramPoller({
    botToken: options.botToken,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    offsets: fileOffsetStore(join(options.dataDir, 'telegram-offset.json')),
    signal: controller.signal,
    log: (level, message, fields) => options.log(level, message, fields ?? {}),
    ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}),
    onUpdate: async (update) => {
      const res = await fetch(`${options.listenUrl}/webhooks/telegram`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': options.secretToken,
        },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(30_000),
      });
      const answer = await res.text();
      if (res.status !== 200)
        throw new Error(
          `update ${update.update_id}: the webhook route answered ${res.status} ${answer.slice(0, 200)}`,
        );
    },
  });
  const running = poller.run().catch((error: unknown) => {
    options.log('error', 'Telegram polling ended', { error: String(error) });
  });
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}
