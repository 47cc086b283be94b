import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';
const env = { ECHOBOT_ALLOW_PRIVATE: '1', ECHOBOT_RETRY_BASE_SECONDS: '1', ECHOBOT_RETRY_MAX_SECONDS: '2' };

let a: LocalBot;
let b: LocalBot;
beforeAll(async () => {
  [a, b] = await Promise.all([startLocalBot({ env }), startLocalBot({ env })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const host = (bot: LocalBot) => new URL(bot.url).host;
const followers = async (bot: LocalBot, nick: string) => {
  const res = await fetch(`${bot.url}/users/${nick}/followers`, {
    headers: { accept: 'application/activity+json' },
  });
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null && 'totalItems' in body ? body.totalItems : -1;
};
const smsTo = async (bot: LocalBot, to: string) =>
  (await bot.outbox()).filter((l) => l.to === to).map((l) => l.text);

describe('two local bots federate over loopback (ActivityPub, plain http, handles with ports)', () => {
  it('serves WebFinger and an actor for a member, with no phone number anywhere', async () => {
    await a.sms(ALICE, 'JOIN alice');
    const wf = await fetch(`${a.url}/.well-known/webfinger?resource=acct:alice@${host(a)}`);
    expect(wf.status).toBe(200);
    const jrd = await wf.text();
    expect(jrd).toContain(`${a.url}/users/alice`);
    const actor = await (
      await fetch(`${a.url}/users/alice`, { headers: { accept: 'application/activity+json' } })
    ).text();
    expect(actor).toContain('"type":"Person"');
    expect(actor).toContain('BEGIN PUBLIC KEY');
    for (const doc of [jrd, actor]) expect(doc).not.toContain('5550001111');
  });

  it('a member of B follows a member of A by handle, gets A’s posts by SMS, and stops after UNFOLLOW', async () => {
    await b.sms(BOB, 'JOIN bob');
    const follow = await b.sms(BOB, `FOLLOW alice@${host(a)}`);
    expect(follow.text).toContain(`Following alice@${host(a)}`);
    await eventually(
      () => followers(a, 'alice'),
      (n) => n === 1,
      'A to record bob as alice’s follower',
    );

    await a.sms(ALICE, 'hello fediverse');
    const echo = `alice@${host(a)}: hello fediverse`;
    await eventually(
      () => smsTo(b, BOB),
      (texts) => texts.includes(echo),
      'bob to get alice’s post on B',
    );
    // Recorded on B's public timeline too.
    expect(await (await fetch(`${b.url}/`)).text()).toContain('hello fediverse');

    const unfollow = await b.sms(BOB, `UNFOLLOW alice@${host(a)}`);
    expect(unfollow.text).toContain(`no longer follow alice@${host(a)}`);
    await eventually(
      () => followers(a, 'alice'),
      (n) => n === 0,
      'A to drop bob as a follower',
    );
    await a.sms(ALICE, 'bob should not see this');
    await a.settle();
    await b.settle();
    const texts = await smsTo(b, BOB);
    expect(texts.filter((t) => t === echo)).toHaveLength(1);
    expect(texts.some((t) => t.includes('bob should not see this'))).toBe(false);
  });
});
