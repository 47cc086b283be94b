import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTelegram, telegramText } from '../support/chat-clients.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

const TG_SECRET = 'link-email-secret';
const ALICE = '+15550001111';
const ALICE_2 = '+15550001112';
const BOB = '+15550002222';
const STRANGER = '+15550009999';
const TG_ALICE = 777001;

let bot: LocalBot;
beforeAll(async () => {
  // No TELEGRAM_BOT_TOKEN: Telegram replies and echoes land in the outbox only.
  bot = await startLocalBot({ env: { TELEGRAM_SECRET_TOKEN: TG_SECRET } });
  await bot.sms(ALICE, 'JOIN alice');
  await bot.sms(BOB, 'JOIN bob');
});
afterAll(async () => {
  await bot?.stop();
});

let nextUpdate = 1;
const tg = (text: string) => postTelegram(bot.url, TG_SECRET, telegramText(nextUpdate++, TG_ALICE, text));
const lastReply = async (channel: string, to: string) =>
  (await bot.outbox()).filter((l) => l.kind === 'reply' && l.channel === channel && l.to === to).at(-1)
    ?.text ?? '';
const echoes = async (text: string) =>
  (await bot.outbox())
    .filter((l) => l.kind === 'echo' && l.text === text)
    .map((l) => `${l.channel}:${l.to}`)
    .sort();
const codeIn = (reply: string) => /LINK ([A-Z0-9]{8})/.exec(reply)?.[1] ?? '';

describe('LINK: one member, several channels', () => {
  it('joins a Telegram chat to a member with a one-time code; echoes reach both, posts count as hers', async () => {
    await bot.sms(ALICE, 'LINK');
    await bot.settle();
    const code = codeIn(await lastReply('sms', ALICE));
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    await tg(`LINK ${code}`);
    await bot.settle();
    expect(await lastReply('telegram', String(TG_ALICE))).toContain("Linked: this chat is now alice's too");

    await bot.sms(BOB, 'to both of alice');
    await tg('alice from telegram');
    await bot.settle();
    expect(await echoes('bob: to both of alice')).toEqual([`sms:${ALICE}`, `telegram:${TG_ALICE}`]);
    expect(await echoes('alice: alice from telegram')).toEqual([`sms:${BOB}`]);

    // One use only.
    await bot.sms(STRANGER, `LINK ${code}`);
    await bot.settle();
    expect(await lastReply('sms', STRANGER)).toContain('unknown or expired');
  });

  it('links a second phone but sends each echo to one phone only', async () => {
    await bot.sms(ALICE, 'LINK');
    await bot.settle();
    const code = codeIn(await lastReply('sms', ALICE));
    await bot.sms(ALICE_2, `link ${code.slice(0, 4)}-${code.slice(4)}`);
    await bot.sms(BOB, 'one sms for alice');
    await bot.settle();
    expect(await lastReply('sms', ALICE_2)).toContain('Linked');
    expect(await echoes('bob: one sms for alice')).toEqual([`sms:${ALICE}`, `telegram:${TG_ALICE}`]);
    await bot.sms(ALICE_2, 'posted from the second phone');
    await bot.settle();
    expect(await echoes('alice: posted from the second phone')).toEqual([`sms:${BOB}`]);
  });

  it('answers misuse with a usage line or a reason and links nothing', async () => {
    await bot.sms(BOB, 'LINK');
    await bot.settle();
    const bobsCode = codeIn(await lastReply('sms', BOB));
    await bot.sms(ALICE, `LINK ${bobsCode}`);
    await bot.sms(STRANGER, 'LINK ABC');
    await bot.settle();
    expect(await lastReply('sms', ALICE)).toBe('This chat already belongs to alice.');
    expect(await lastReply('sms', STRANGER)).toMatch(/^Usage: LINK/);
    await bot.sms(STRANGER, 'LINK');
    await bot.settle();
    expect(await lastReply('sms', STRANGER)).toContain('You have not joined yet');
    // Bob's code was not used up by alice's attempt.
    await bot.sms(STRANGER, `LINK ${bobsCode}`);
    await bot.settle();
    expect(await lastReply('sms', STRANGER)).toContain("now bob's too");
  });
});

describe('EMAIL: the mail gateway', () => {
  const mails = async (to: string) =>
    (await bot.outbox()).filter((l) => l.channel === 'email' && l.to === to).map((l) => l.text);

  it('mails a code, confirms it, echoes by mail, and stops on EMAIL OFF', async () => {
    await bot.sms(ALICE, 'EMAIL Alice@Example.com');
    await bot.settle();
    expect(await lastReply('sms', ALICE)).toContain('We mailed a 6-digit code to alice@example.com');
    const mail = (await mails('alice@example.com'))[0] ?? '';
    const code = /code is (\d{6})/.exec(mail)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const wrong = code === '000000' ? '111111' : '000000';
    await bot.sms(ALICE, `EMAIL CONFIRM ${wrong}`);
    await bot.settle();
    expect(await lastReply('sms', ALICE)).toBe('That code is wrong. 4 tries left.');
    await bot.sms(BOB, 'before confirming');
    await bot.settle();
    await bot.sms(ALICE, `email confirm ${code}`);
    await bot.settle();
    expect(await lastReply('sms', ALICE)).toContain('Confirmed: echoes now also go to alice@example.com');
    await bot.sms(BOB, 'by mail too');
    await bot.settle();
    expect(await echoes('bob: before confirming')).not.toContain('email:alice@example.com');
    expect(await echoes('bob: by mail too')).toContain('email:alice@example.com');

    await bot.sms(ALICE, 'EMAIL OFF');
    await bot.sms(BOB, 'no more mail');
    await bot.settle();
    expect(await lastReply('sms', ALICE)).toBe('No more mail to alice@example.com.');
    expect(await echoes('bob: no more mail')).not.toContain('email:alice@example.com');
    expect(await echoes('bob: no more mail')).toContain(`sms:${ALICE}`);
  });

  it('limits codes to 3 an hour and answers bad addresses with the usage line', async () => {
    for (let i = 0; i < 4; i++) await bot.sms(BOB, 'EMAIL bob@example.com');
    await bot.settle();
    expect(await mails('bob@example.com')).toHaveLength(3);
    expect(await lastReply('sms', BOB)).toContain('3 codes in the last hour');
    for (const bad of ['EMAIL', 'EMAIL not-an-address', 'EMAIL a@b', 'EMAIL CONFIRM 12']) {
      await bot.sms(BOB, bad);
      await bot.settle();
      expect(await lastReply('sms', BOB)).toMatch(/^Usage: EMAIL/);
    }
    await bot.sms('+15550008888', 'EMAIL x@example.com');
    await bot.settle();
    expect(await lastReply('sms', '+15550008888')).toContain('You have not joined yet');
    expect(await mails('x@example.com')).toEqual([]);
  });
});
