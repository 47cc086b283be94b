/**
 * Telegram with no webhook (`TELEGRAM_MODE=poll`, the default for `npm start` with a bot token):
 * a real `npm start` process long-polls a loopback fake of the Bot API. Updates come in through
 * getUpdates, replies and echoes go out through sendMessage, the offset survives a restart (no
 * update lost while the bot was down, none handled twice), and a 409 (a webhook set, or another
 * poller) is waited out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';
import { telegramText } from '../support/chat-clients.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const TOKEN = '424242:polling-token';
const ANA = 501;
const BEN = 502;

let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
let bot: LocalBot;
let dataDir: string;
const env = () => ({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_URL: telegram.url });
let nextUpdate = 1;
const push = (chatId: number, text: string) => telegram.pushUpdate(telegramText(nextUpdate++, chatId, text));
const sentTo = (chatId: number) =>
  telegram.sent.filter((s) => s.chatId === String(chatId)).map((s) => s.text);

beforeAll(async () => {
  telegram = await startFakeTelegram(TOKEN);
  // A webhook left over from a deployed bot: getUpdates answers 409 until deleteWebhook.
  await fetch(`${telegram.url}/bot${TOKEN}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://old.example/webhooks/telegram' }),
  });
  bot = await startLocalBot({ env: env() });
  dataDir = bot.dataDir;
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await telegram?.stop();
});

describe('Telegram polling, end to end', { timeout: 180_000 }, () => {
  it('deletes the webhook first, then takes updates in and answers through sendMessage', async () => {
    push(ANA, '/join ana');
    push(BEN, '/join ben');
    await eventually(
      async () => [...sentTo(ANA), ...sentTo(BEN)],
      (s) => s.filter((t) => t.includes('Welcome to echobot')).length === 2,
      'both welcomes',
      60_000,
    );
    // Before its first getUpdates the bot removed the webhook (which would answer 409).
    expect(telegram.methods.filter((m) => m === 'deleteWebhook' || m === 'getUpdates')[0]).toBe(
      'deleteWebhook',
    );
    push(ANA, 'hello by polling');
    await eventually(
      async () => sentTo(BEN),
      (s) => s.includes('ana: hello by polling'),
      'ben getting ana’s post',
      60_000,
    );
  });

  it('a restart on the same data neither loses nor repeats an update', async () => {
    await bot.settle();
    await bot.stop();
    const before = sentTo(BEN).length;
    push(ANA, 'while you were away 1');
    push(ANA, 'while you were away 2');
    bot = await startLocalBot({ dataDir, env: env() });
    await eventually(
      async () => sentTo(BEN),
      (s) => s.includes('ana: while you were away 2'),
      'the updates made while the bot was down',
      60_000,
    );
    await bot.settle();
    expect(sentTo(BEN).slice(before)).toEqual(['ana: while you were away 1', 'ana: while you were away 2']);
    // Nothing from before the restart came back: one welcome each, one echo of the first post.
    expect(sentTo(BEN).filter((t) => t === 'ana: hello by polling')).toHaveLength(1);
    expect(sentTo(ANA).filter((t) => t.includes('Welcome to echobot'))).toHaveLength(1);
  });

  it('waits out a 409 (another poller holds the token) and then gets the updates', async () => {
    const conflictsBefore = telegram.polls.filter((p) => p.status === 409).length;
    telegram.conflicts(2);
    push(BEN, 'before the conflict');
    await eventually(
      async () => telegram.polls.filter((p) => p.status === 409).length,
      (n) => n >= conflictsBefore + 2,
      'two getUpdates answered 409',
      60_000,
    );
    push(BEN, 'after the conflict');
    await eventually(
      async () => sentTo(ANA),
      (s) => s.includes('ben: after the conflict'),
      'the post after a 409',
      60_000,
    );
    await bot.settle();
    expect(sentTo(ANA).filter((t) => t.startsWith('ben: '))).toEqual([
      'ben: before the conflict',
      'ben: after the conflict',
    ]);
  });
});
