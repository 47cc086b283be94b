import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imSignedHeaders } from '../../lib/edges/im-bridge.ts';
import { startFakeImBridge } from '../fakes/fake-im-bridge.ts';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';
import { postIm, postTelegram, telegramText } from '../support/chat-clients.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

const TG_SECRET = 'tg-secret-token_123';
const TG_TOKEN = '123456:fake-bot-token';
const IM_SECRET = 'im-shared-secret';
const ALICE = '+15550001111';
const TG_BOB = 424242;
const TG_CAROL = 535353;

let bot: LocalBot;
let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
let bridge: Awaited<ReturnType<typeof startFakeImBridge>>;

beforeAll(async () => {
  telegram = await startFakeTelegram(TG_TOKEN);
  bridge = await startFakeImBridge(IM_SECRET);
  bot = await startLocalBot({
    env: {
      TELEGRAM_SECRET_TOKEN: TG_SECRET,
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_API_URL: telegram.url,
      ECHOBOT_IM_SECRET: IM_SECRET,
      ECHOBOT_ALLOW_PRIVATE: '1',
    },
  });
  await bot.sms(ALICE, 'JOIN alice');
});
afterAll(async () => {
  await bot?.stop();
  await telegram?.stop();
  await bridge?.stop();
});

let nextUpdate = 1000;
const tg = (chatId: number, text: string, updateId = nextUpdate++) =>
  postTelegram(bot.url, TG_SECRET, telegramText(updateId, chatId, text));
let nextIm = 1;
const im = (from: string, text: string, extra: Record<string, unknown> = {}) =>
  postIm(bot.url, IM_SECRET, { id: `m${nextIm++}`, from, text, ...extra });
const sentTo = (chatId: number) =>
  telegram.sent.filter((s) => s.chatId === String(chatId)).map((s) => s.text);
const bridgeTo = (to: string) => bridge.received.filter((r) => r.to === to).map((r) => r.text);

describe('Telegram, end to end (webhook in, Bot API sendMessage out)', () => {
  it('joins, replies through sendMessage, and echoes both ways between Telegram and SMS', async () => {
    expect((await tg(TG_BOB, '/start')).status).toBe(200);
    expect((await tg(TG_BOB, '/join bob')).status).toBe(200);
    await bot.settle();
    expect(sentTo(TG_BOB)).toHaveLength(2);
    expect(sentTo(TG_BOB)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('JOIN <nick>'),
        expect.stringContaining('Welcome to echobot, bob!'),
      ]),
    );
    await bot.sms(ALICE, 'hi from sms');
    await tg(TG_BOB, 'hi from telegram');
    await bot.settle();
    expect(sentTo(TG_BOB)).toContain('alice: hi from sms');
    const outbox = await bot.outbox();
    expect(outbox).toContainEqual(
      expect.objectContaining({ channel: 'sms', to: ALICE, kind: 'echo', text: 'bob: hi from telegram' }),
    );
    // The outbox keeps a copy of everything the provider accepted.
    expect(outbox).toContainEqual(
      expect.objectContaining({ channel: 'telegram', to: String(TG_BOB), text: 'alice: hi from sms' }),
    );
  });

  it('turns an update delivered three times into one post and one reply', async () => {
    const before = sentTo(TG_BOB).length;
    for (let i = 0; i < 3; i++) expect((await tg(TG_BOB, 'HELP', 777)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await tg(TG_BOB, 'once only', 778)).status).toBe(200);
    await bot.settle();
    expect(sentTo(TG_BOB).slice(before)).toEqual([expect.stringContaining('echobot')]);
    expect((await bot.outbox()).filter((l) => l.text === 'bob: once only').map((l) => l.to)).toEqual([ALICE]);
  });

  it('refuses updates without the right secret token with 403 and writes nothing', async () => {
    const update = telegramText(900, TG_BOB, 'forged');
    expect((await postTelegram(bot.url, undefined, update)).status).toBe(403);
    expect((await postTelegram(bot.url, 'wrong-secret-token_123', update)).status).toBe(403);
    expect((await postTelegram(bot.url, 'x', update)).status).toBe(403);
    // The same update id, properly signed, is still new: nothing was recorded for the forgeries.
    expect((await postTelegram(bot.url, TG_SECRET, update)).status).toBe(200);
    await bot.settle();
    expect((await bot.outbox()).filter((l) => l.text === 'bob: forged')).toHaveLength(1);
  });

  it('answers malformed bodies with 400 and acknowledges non-message updates without acting', async () => {
    expect((await postTelegram(bot.url, TG_SECRET, undefined, '{"update_id": 5')).status).toBe(400);
    expect((await postTelegram(bot.url, TG_SECRET, { message: { text: 'no id' } })).status).toBe(400);
    expect((await postTelegram(bot.url, TG_SECRET, { update_id: 'seven' })).status).toBe(400);
    const chat = { id: TG_BOB, type: 'private' };
    const ignored = [
      { update_id: 950, edited_message: { message_id: 1, chat, date: 1, text: 'edited' } },
      { update_id: 951, message: { message_id: 2, chat, date: 1, sticker: { file_id: 'x' } } },
      {
        update_id: 952,
        channel_post: { message_id: 3, chat: { id: -100, type: 'channel' }, date: 1, text: 'c' },
      },
      { update_id: 953, callback_query: { id: 'q', from: { id: TG_BOB }, data: 'd' } },
      { update_id: 954, my_chat_member: { chat, from: { id: TG_BOB }, date: 1 } },
      {
        update_id: 955,
        message: { message_id: 4, chat: { id: -5, type: 'group' }, date: 1, text: 'group chatter' },
      },
      { update_id: 956, message: { message_id: 5, chat, date: 1, new_chat_members: [{ id: 1 }] } },
    ];
    const calls = telegram.calls.length;
    for (const u of ignored) expect((await postTelegram(bot.url, TG_SECRET, u)).status).toBe(200);
    await bot.settle();
    expect(telegram.calls.length).toBe(calls);
    expect((await bot.outbox()).filter((l) => /edited|group chatter/.test(l.text))).toEqual([]);
    // Nothing was recorded for 951: a real text message with that id is processed.
    await postTelegram(bot.url, TG_SECRET, telegramText(951, TG_BOB, 'after the sticker'));
    await bot.settle();
    expect((await bot.outbox()).filter((l) => l.text === 'bob: after the sticker')).toHaveLength(1);
  });

  it('treats "bot was blocked by the user" as an opt-out of that chat', async () => {
    await tg(TG_CAROL, 'JOIN carol');
    await bot.settle();
    telegram.fail(String(TG_CAROL), 403, 'Forbidden: bot was blocked by the user');
    await bot.sms(ALICE, 'carol blocked us');
    await bot.settle();
    const attempts = telegram.calls.filter((c) => c === String(TG_CAROL)).length;
    telegram.heal(String(TG_CAROL));
    await bot.sms(ALICE, 'carol should not get this');
    await bot.settle();
    expect(telegram.calls.filter((c) => c === String(TG_CAROL)).length).toBe(attempts);
    expect(sentTo(TG_CAROL)).not.toContain('alice: carol should not get this');
    expect(sentTo(TG_BOB)).toContain('alice: carol should not get this');
  });
});

describe('the generic IM bridge, end to end (signed webhook in, signed callback out)', () => {
  it('joins with a callback, gets replies and echoes there, signed, with stable ids', async () => {
    expect((await im('dana@chat', 'JOIN dana', { callback: bridge.callback })).status).toBe(200);
    await bot.sms(ALICE, 'hello bridge');
    await im('dana@chat', 'hello from the bridge');
    await bot.settle();
    expect(bridgeTo('dana@chat')).toHaveLength(2);
    expect(bridgeTo('dana@chat')).toEqual(
      expect.arrayContaining([expect.stringContaining('Welcome to echobot, dana!'), 'alice: hello bridge']),
    );
    expect(bridge.badSignatures()).toBe(0);
    expect(new Set(bridge.received.map((r) => r.id)).size).toBe(bridge.received.length);
    expect(
      (await bot.outbox()).filter((l) => l.text === 'dana: hello from the bridge').map((l) => l.to),
    ).toContain(ALICE);
  });

  it('turns a message sent three times into one post and one reply', async () => {
    const body = { id: 'dup-1', from: 'dana@chat', text: 'HELP' };
    const post = { id: 'dup-2', from: 'dana@chat', text: 'posted once' };
    const before = bridgeTo('dana@chat').length;
    for (let i = 0; i < 3; i++) expect((await postIm(bot.url, IM_SECRET, body)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await postIm(bot.url, IM_SECRET, post)).status).toBe(200);
    await bot.settle();
    expect(bridgeTo('dana@chat').slice(before)).toEqual([expect.stringContaining('echobot')]);
    expect((await bot.outbox()).filter((l) => l.text === 'dana: posted once' && l.to === ALICE)).toHaveLength(
      1,
    );
  });

  it('refuses unsigned, mis-signed and stale requests with 403 and writes nothing', async () => {
    const body = { id: 'bad-1', from: 'eve@chat', text: 'JOIN eve' };
    const raw = JSON.stringify(body);
    const cases: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      {
        'content-type': 'application/json',
        'x-echobot-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-echobot-signature': 'sha256=00',
      },
    ];
    for (const headers of cases)
      expect((await postIm(bot.url, IM_SECRET, body, { headers })).status).toBe(403);
    expect((await postIm(bot.url, 'another-secret', body)).status).toBe(403);
    expect((await postIm(bot.url, IM_SECRET, body, { now: Date.now() - 6 * 60_000 })).status).toBe(403);
    expect((await postIm(bot.url, IM_SECRET, body, { now: Date.now() + 6 * 60_000 })).status).toBe(403);
    // A signature over another body does not carry over.
    const swapped = { raw: raw.replace('eve', 'mallory'), headers: imSignedHeaders(IM_SECRET, raw) };
    expect((await postIm(bot.url, IM_SECRET, body, swapped)).status).toBe(403);
    await bot.settle();
    expect((await bot.outbox()).filter((l) => l.to === 'eve@chat')).toEqual([]);
  });

  it('answers bad bodies with 400 and a reason, and writes nothing', async () => {
    const bad: Array<[unknown, string | undefined, RegExp]> = [
      [undefined, '{"id": "x", ', /not valid JSON/],
      [{ from: 'zed@chat', text: 'hi' }, undefined, /id is required/],
      [{ id: 'b1', text: 'hi' }, undefined, /from is required/],
      [{ id: 'b2', from: 'zed@chat' }, undefined, /text is required/],
      [{ id: 'b3', from: ' zed ', text: 'hi' }, undefined, /from must be printable/],
      [
        { id: 'b4', from: 'zed@chat', text: 'JOIN zed', callback: 'ftp://example.com/x' },
        undefined,
        /http\(s\)/,
      ],
      [{ id: 'b5', from: 'zed@chat', text: 'JOIN zed', callback: 'not a url' }, undefined, /http\(s\)/],
    ];
    for (const [body, raw, reason] of bad) {
      const res = await postIm(bot.url, IM_SECRET, body, raw ? { raw } : {});
      expect(res.status).toBe(400);
      expect(res.text).toMatch(reason);
    }
    // b4 was refused before anything was written: the same id, fixed, is accepted as new.
    await postIm(bot.url, IM_SECRET, { id: 'b4', from: 'zed@chat', text: 'JOIN zed' });
    await bot.settle();
    expect((await bot.outbox()).filter((l) => l.to === 'zed@chat').map((l) => l.text)).toEqual([
      expect.stringContaining('Welcome to echobot, zed!'),
    ]);
  });

  it('keeps echoes to a sender without a callback in the outbox', async () => {
    await bot.sms(ALICE, 'zed has no callback');
    await bot.settle();
    expect(
      (await bot.outbox()).filter((l) => l.channel === 'im' && l.to === 'zed@chat').map((l) => l.text),
    ).toContain('alice: zed has no callback');
    expect(bridgeTo('zed@chat')).toEqual([]);
  });
});
