import { EventEmitter } from 'node:events';
import { open, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One webhook request the console sent, with the answer it got: shown raw next to the people. */
export interface WebhookRecord {
  at: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  response: string;
}

/** The console's in-memory log of webhook requests (the last 200), with a change signal for live views. */
export class ConsoleFeed extends EventEmitter<{ webhook: [WebhookRecord] }> {
  readonly webhooks: WebhookRecord[] = [];

  add(record: WebhookRecord): void {
    this.webhooks.push(record);
    if (this.webhooks.length > 200) this.webhooks.shift();
    this.emit('webhook', record);
  }
}

/**
 * `GET /console/events`: server-sent events. Replays the outbox file and the webhook log, then
 * follows both: the outbox by polling its size (the file is appended by whichever process
 * delivers, so a watch on one process's writes would miss some), webhooks as they are sent.
 */
export function serveConsoleEvents(
  feed: ConsoleFeed,
  outboxFile: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (event: string, data: string) => res.write(`event: ${event}\ndata: ${data}\n\n`);
  for (const w of feed.webhooks) send('webhook', JSON.stringify(w));
  const onWebhook = (w: WebhookRecord) => send('webhook', JSON.stringify(w));
  feed.on('webhook', onWebhook);

  let offset = 0;
  let partial = '';
  let reading = false;
  const tail = async () => {
    if (reading) return;
    reading = true;
    try {
      const size = (await stat(outboxFile).catch(() => undefined))?.size ?? 0;
      if (size > offset) {
        const fh = await open(outboxFile, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          await fh.read(buf, 0, buf.length, offset);
          offset = size;
          const lines = (partial + buf.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') send('outbox', line);
        } finally {
          await fh.close();
        }
      }
    } finally {
      reading = false;
    }
  };
  void tail();
  const timer = setInterval(() => void tail().catch(() => undefined), 200);
  // A comment line now and then keeps proxies and idle timers from closing the stream.
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(timer);
    clearInterval(ping);
    feed.off('webhook', onWebhook);
  });
}
