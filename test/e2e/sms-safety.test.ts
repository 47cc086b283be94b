import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSms } from '../../lib/domain/sms-segments.ts';
import { postTelegram, telegramText } from '../support/chat-clients.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';
const CAROL = '+15550003333';
const DAVE = '+15550004444';
const STRANGER = '+15550009999';

const echoesTo = async (bot: LocalBot, to: string) =>
  (await bot.outbox()).filter((l) => l.kind === 'echo' && l.to === to).map((l) => l.text);
const repliesTo = async (bot: LocalBot, to: string) =>
  (await bot.outbox()).filter((l) => l.kind === 'reply' && l.to === to).map((l) => l.text);
const lastReplyTo = async (bot: LocalBot, to: string) => (await repliesTo(bot, to)).at(-1);

/** The local hour in a zone, as Intl reads it. */
const hourIn = (zone: string, at: Date) =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(at));

const runDigests = async (bot: LocalBot, now: Date) => {
  const res = await fetch(`${bot.url}/dev/digests?now=${encodeURIComponent(now.toISOString())}`, {
    method: 'POST',
  });
  expect(res.status).toBe(200);
};

describe('SMS safety on a local bot: part limit, rate limit, quiet hours (signed webhooks in, outbox out)', () => {
  let bot: LocalBot;
  beforeAll(async () => {
    bot = await startLocalBot({ env: { ECHOBOT_POST_RATE_LIMIT: '3', ECHOBOT_SMS_MAX_SEGMENTS: '1' } });
    for (const [phone, nick] of [
      [ALICE, 'alice'],
      [BOB, 'bob'],
      [CAROL, 'carol'],
      [DAVE, 'dave'],
    ] as const)
      await bot.sms(phone, `JOIN ${nick}`);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('keeps a long SMS echo within the part limit, cut with an ellipsis at a character boundary', async () => {
    await bot.sms(ALICE, `long ${'word '.repeat(50)}end`);
    // BMP characters only: the local queue (fauxqs) refuses astral-plane ones; fitSms's unit tests cover emoji.
    await bot.sms(ALICE, `emoji ${'привет☺ '.repeat(20)}`);
    await bot.settle();
    const echoes = await echoesTo(bot, BOB);
    const gsm = echoes.find((t) => t.startsWith('alice: long'));
    const ucs = echoes.find((t) => t.startsWith('alice: emoji'));
    expect(gsm).toMatch(/^alice: long word word .*\.\.\.$/);
    expect(countSms(gsm ?? '')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(ucs).toMatch(/^alice: emoji привет☺ привет.*…$/u);
    expect(countSms(ucs ?? '')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('limits posts per member per hour with a clear reply; a retried webhook counts once', async () => {
    const sid = `SM${'7'.repeat(32)}`;
    for (let i = 0; i < 3; i++) expect((await bot.sms(BOB, 'bob one', sid)).status).toBe(200);
    await bot.sms(BOB, 'bob two');
    await bot.sms(BOB, 'bob three');
    const over = await bot.sms(BOB, 'bob four', `SM${'8'.repeat(32)}`);
    expect(over.text).toContain('You have sent 3 posts this hour');
    // The refused post's retry answers the same and still stores nothing.
    const again = await bot.sms(BOB, 'bob four', `SM${'8'.repeat(32)}`);
    expect(again.text).toContain('You have sent 3 posts this hour');
    await bot.settle();
    expect((await echoesTo(bot, ALICE)).sort()).toEqual(['bob: bob one', 'bob: bob three', 'bob: bob two']);
    const timeline = await (await fetch(`${bot.url}/`)).text();
    expect(timeline).toContain('bob three');
    expect(timeline).not.toContain('bob four');
    // Commands are not posts: they still work over the limit.
    await bot.sms(BOB, 'QUIET');
    expect(await lastReplyTo(bot, BOB)).toContain('You have no quiet hours (time zone UTC)');
  });

  it('holds SMS echoes in quiet hours (member’s own zone) and sends ONE digest after the window', async () => {
    const zone = 'Asia/Kolkata';
    await bot.sms(CAROL, `TZ ${zone}`);
    expect(await lastReplyTo(bot, CAROL)).toContain(`Your time zone is now ${zone}`);
    const hour = hourIn(zone, new Date());
    await bot.sms(CAROL, `QUIET ${hour}-${(hour + 2) % 24}`);
    expect(await lastReplyTo(bot, CAROL)).toContain(`(${zone}): no echoes by SMS then`);
    await bot.sms(DAVE, 'night one');
    await bot.sms(ALICE, 'night two');
    await bot.settle();
    expect(await echoesTo(bot, BOB)).toEqual(expect.arrayContaining(['dave: night one', 'alice: night two']));
    expect((await echoesTo(bot, CAROL)).filter((t) => t.includes('night'))).toEqual([]);

    const before = (await repliesTo(bot, CAROL)).length;
    await runDigests(bot, new Date()); // still quiet: nothing yet
    expect(await repliesTo(bot, CAROL)).toHaveLength(before);
    const after = new Date(Date.now() + 3 * 3600_000);
    await runDigests(bot, after);
    await runDigests(bot, after); // a second run sends nothing more
    const digests = (await repliesTo(bot, CAROL)).slice(before);
    // One digest with both; the two posts were delivered (and held) in whichever order the queue gave.
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatch(
      /^While you were quiet: (dave: night one \| alice: night two|alice: night two \| dave: night one)$/,
    );

    await bot.sms(CAROL, 'QUIET OFF');
    expect(await lastReplyTo(bot, CAROL)).toContain('Quiet hours are off');
    await bot.sms(DAVE, 'good morning');
    await bot.settle();
    expect(await echoesTo(bot, CAROL)).toContain('dave: good morning');
  });

  it('answers bad QUIET and TZ arguments with their usage, and strangers with how to join', async () => {
    await bot.sms(DAVE, 'QUIET 25-3');
    expect(await lastReplyTo(bot, DAVE)).toMatch(/^Usage: QUIET 22-7/);
    await bot.sms(DAVE, 'QUIET 7-7');
    expect(await lastReplyTo(bot, DAVE)).toMatch(/^Usage: QUIET 22-7/);
    await bot.sms(DAVE, 'TZ Mars/Olympus');
    expect(await lastReplyTo(bot, DAVE)).toMatch(/^Usage: TZ <zone>/);
    await bot.sms(DAVE, 'TZ -5');
    expect(await lastReplyTo(bot, DAVE)).toContain('Your time zone is now -05:00');
    await bot.sms(STRANGER, 'QUIET 22-7');
    expect(await lastReplyTo(bot, STRANGER)).toContain('You have not joined yet');
  });
});

describe('the daily SMS budget on a local bot', () => {
  const TG_SECRET = 'tg-secret-token_budget';
  const TG_ERIN = 777001;
  const ADMIN = 'budget-admin-token';
  let bot: LocalBot;
  let update = 5000;
  beforeAll(async () => {
    bot = await startLocalBot({
      env: { ECHOBOT_SMS_DAILY_BUDGET: '3', TELEGRAM_SECRET_TOKEN: TG_SECRET, ECHOBOT_ADMIN_TOKEN: ADMIN },
    });
    for (const [phone, nick] of [
      [ALICE, 'alice'],
      [BOB, 'bob'],
      [CAROL, 'carol'],
      [DAVE, 'dave'],
    ] as const)
      await bot.sms(phone, `JOIN ${nick}`);
    await postTelegram(bot.url, TG_SECRET, telegramText(update++, TG_ERIN, 'JOIN erin'));
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('stops SMS at the budget, tells the author and the operator once, and other channels go on', async () => {
    await bot.sms(ALICE, 'first post');
    await bot.settle();
    expect((await bot.outbox()).filter((l) => l.kind === 'echo' && l.channel === 'sms')).toHaveLength(3);

    const told = await bot.sms(BOB, 'second post');
    expect(told.text).toContain('SMS budget for today');
    const second = await bot.sms(BOB, 'third post');
    expect(second.text).not.toContain('SMS budget');
    await bot.settle();
    const out = await bot.outbox();
    const smsEchoes = out.filter((l) => l.kind === 'echo' && l.channel === 'sms');
    expect(smsEchoes.map((l) => l.text)).toEqual([
      'alice: first post',
      'alice: first post',
      'alice: first post',
    ]);
    // Two posts made before one settle: the queue may deliver their echoes in either order.
    const telegramEchoes = out
      .filter((l) => l.channel === 'telegram' && l.kind === 'echo')
      .map((l) => l.text);
    expect(telegramEchoes.sort()).toEqual(['alice: first post', 'bob: second post', 'bob: third post']);
    const alerts = out.filter((l) => l.channel === 'operator');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain('SMS budget reached');

    const status = await fetch(`${bot.url}/status`, {
      headers: { authorization: `Bearer ${ADMIN}`, accept: 'application/json' },
    });
    expect(await status.json()).toMatchObject({ sms: { used: 3, budget: 3 } });
  });
});
