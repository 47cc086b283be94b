import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';
const CAROL = '+15550003333';
const DAVE = '+15550004444';

let bot: LocalBot;
beforeAll(async () => {
  bot = await startLocalBot();
});
afterAll(async () => {
  await bot?.stop();
});

const echoesOf = async (text: string) =>
  (await bot.outbox())
    .filter((l) => l.kind === 'echo' && l.text === text)
    .map((l) => l.to)
    .sort();
const repliesTo = async (to: string) =>
  (await bot.outbox()).filter((l) => l.kind === 'reply' && l.to === to).map((l) => l.text);

describe('a local bot, end to end (npm start, signed Twilio webhooks, outbox)', () => {
  it('echoes a post to the two other members and not to its sender', async () => {
    for (const [phone, nick] of [
      [ALICE, 'alice'],
      [BOB, 'bob'],
      [CAROL, 'carol'],
    ] as const) {
      expect((await bot.sms(phone, `JOIN ${nick}`)).status).toBe(200);
    }
    await bot.sms(ALICE, 'hello from alice');
    await bot.settle();
    expect(await echoesOf('alice: hello from alice')).toEqual([BOB, CAROL]);
    expect(await repliesTo(BOB)).toEqual([expect.stringContaining('Welcome to echobot, bob!')]);
    const echo = (await bot.outbox()).find((l) => l.kind === 'echo');
    expect(echo).toMatchObject({
      channel: 'sms',
      postId: expect.stringMatching(new RegExp(`^${bot.url}/posts/`)),
    });
  });

  it('turns a webhook retried five times into one post and one set of echoes', async () => {
    const sid = `SM${'b'.repeat(32)}`;
    for (let i = 0; i < 5; i++) expect((await bot.sms(BOB, 'retried post', sid)).status).toBe(200);
    await bot.settle();
    expect(await echoesOf('bob: retried post')).toEqual([ALICE, CAROL]);
  });

  it('stops sending a member’s posts to someone who unfollowed them, and resumes on FOLLOW', async () => {
    await bot.sms(CAROL, 'UNFOLLOW alice');
    await bot.sms(ALICE, 'carol should not see this');
    await bot.settle();
    expect(await echoesOf('alice: carol should not see this')).toEqual([BOB]);
    expect(await repliesTo(CAROL)).toContainEqual(expect.stringContaining("no longer get alice's posts"));
    await bot.sms(CAROL, 'FOLLOW alice');
    await bot.sms(ALICE, 'carol is back');
    await bot.settle();
    expect(await echoesOf('alice: carol is back')).toEqual([BOB, CAROL]);
  });

  it('honours STOP at once: one confirmation, then silence on every path until START', async () => {
    await bot.sms(DAVE, 'JOIN dave');
    await bot.sms(DAVE, 'STOP');
    await bot.sms(DAVE, 'STOP');
    await bot.sms(DAVE, 'WHAT');
    await bot.sms(ALICE, 'dave stopped');
    await bot.settle();
    expect(await echoesOf('alice: dave stopped')).toEqual([BOB, CAROL]);
    const daveReplies = await repliesTo(DAVE);
    expect(daveReplies.filter((t) => t.includes('unsubscribed'))).toHaveLength(1);
    expect(daveReplies).toHaveLength(2);
    await bot.sms(DAVE, 'START');
    await bot.sms(ALICE, 'dave is back');
    await bot.settle();
    expect(await echoesOf('alice: dave is back')).toEqual([BOB, CAROL, DAVE]);
  });

  it('echoes emoji and other non-BMP text intact', async () => {
    await bot.sms(ALICE, 'party 🎉 at 𝒽𝑜𝓂𝑒');
    await bot.settle();
    expect(await echoesOf('alice: party 🎉 at 𝒽𝑜𝓂𝑒')).toEqual([BOB, CAROL, DAVE]);
  });

  it('rejects an unsigned webhook with 403 and sends nothing', async () => {
    const before = (await bot.outbox()).length;
    const res = await fetch(`${bot.url}/webhooks/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        MessageSid: `SM${'c'.repeat(32)}`,
        From: ALICE,
        To: '+1555',
        Body: 'forged',
      }).toString(),
    });
    expect(res.status).toBe(403);
    await bot.settle();
    expect((await bot.outbox()).length).toBe(before);
  });

  it('keeps members and delivers after a restart from the same data directory', async () => {
    await bot.stop();
    bot = await startLocalBot({ dataDir: bot.dataDir });
    await bot.sms(BOB, 'after restart');
    await bot.settle();
    expect(await echoesOf('bob: after restart')).toEqual([ALICE, CAROL, DAVE]);
  });
});
