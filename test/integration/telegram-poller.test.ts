import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileOffsetStore } from '../../lib/adapters/file-offset-store.ts';
import { TelegramPoller } from '../../lib/adapters/telegram-poller.ts';
import { parseTelegramUpdate } from '../../lib/edges/telegram.ts';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';
import { eventually } from '../support/poll.ts';

const TOKEN = '123456:poller-token';
let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
let dir: string;

beforeEach(async () => {
  telegram = await startFakeTelegram(TOKEN);
  dir = await mkdtemp(join(tmpdir(), 'echobot-poller-'));
});
afterEach(async () => {
  await telegram.stop();
  await rm(dir, { recursive: true, force: true });
});

const text = (id: number, words: string) => ({
  update_id: id,
  message: { message_id: id, chat: { id: 42, type: 'private' }, text: words },
});

/** A poller on the fake, handing updates to `handed` (through the webhook's own parser). */
function start(options: { fail?: (id: number) => boolean } = {}) {
  const controller = new AbortController();
  const handed: number[] = [];
  const texts: string[] = [];
  const logs: string[] = [];
  const poller = new TelegramPoller({
    botToken: TOKEN,
    apiUrl: telegram.url,
    offsets: fileOffsetStore(join(dir, 'telegram-offset.json')),
    signal: controller.signal,
    timeoutSeconds: 1,
    backoff: { initialMs: 10, maxMs: 40 },
    log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
    onUpdate: async (update) => {
      if (options.fail?.(update.update_id)) throw new Error('ingest is down');
      const { updateId, message } = parseTelegramUpdate(update);
      handed.push(updateId);
      if (message) texts.push(message.text);
    },
  });
  const running = poller.run();
  return {
    handed,
    texts,
    logs,
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

describe('Telegram getUpdates polling', () => {
  it('deletes the webhook first, then hands every update over once, in order', async () => {
    telegram.pushUpdate(text(7, '/join alice'));
    telegram.pushUpdate(text(8, 'hello'));
    telegram.pushUpdate(text(9, 'again'));
    const bot = start();
    await eventually(
      async () => bot.handed,
      (h) => h.length >= 3,
      'three updates',
    );
    telegram.pushUpdate(text(10, 'later'));
    await eventually(
      async () => bot.handed,
      (h) => h.length >= 4,
      'a fourth update',
    );
    await bot.stop();
    expect(bot.handed).toEqual([7, 8, 9, 10]);
    expect(bot.texts).toEqual(['join alice', 'hello', 'again', 'later']);
    expect(telegram.methods[0]).toBe('deleteWebhook');
    expect(JSON.parse(await readFile(join(dir, 'telegram-offset.json'), 'utf8'))).toEqual({ offset: 11 });
  });

  it('after a restart on the same offset file, neither loses nor repeats an update', async () => {
    telegram.pushUpdate(text(1, 'one'));
    telegram.pushUpdate(text(2, 'two'));
    telegram.pushUpdate(text(3, 'three'));
    // The first run cannot hand update 3 over (ingest fails): it must not be confirmed.
    const first = start({ fail: (id) => id === 3 });
    await eventually(
      async () => first.logs,
      (l) => l.some((x) => x.includes('ingest is down')),
      'a failed handover',
    );
    await first.stop();
    expect(first.handed).toEqual([1, 2]);
    telegram.pushUpdate(text(4, 'four'));
    const second = start();
    await eventually(
      async () => second.handed,
      (h) => h.length >= 2,
      'updates after the restart',
    );
    await second.stop();
    expect(second.handed).toEqual([3, 4]);
    expect(telegram.polls.filter((p) => p.status === 200).at(-1)?.offset).toBe(5);
  });

  it('says clearly that another poller or a webhook is active on 409, backs off and recovers', async () => {
    telegram.conflicts(3);
    telegram.pushUpdate(text(20, 'through'));
    const bot = start();
    await eventually(
      async () => bot.handed,
      (h) => h.length >= 1,
      'the update after the conflict',
    );
    await bot.stop();
    expect(bot.handed).toEqual([20]);
    const warnings = bot.logs.filter((l) => l.includes('409'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('another poller with this bot token or a webhook is active');
    expect(bot.logs.join('\n')).not.toContain(TOKEN);
  });

  it('stops when aborted, mid long poll', async () => {
    const bot = start();
    await eventually(
      async () => telegram.polls.length,
      (n) => n >= 1,
      'a long poll in progress',
    );
    await bot.stop();
    expect(bot.logs.at(-1)).toContain('Telegram polling stopped');
    const polls = telegram.polls.length;
    telegram.pushUpdate(text(30, 'nobody listens'));
    expect(telegram.polls.length).toBe(polls);
    expect(bot.handed).toEqual([]);
  });
});
