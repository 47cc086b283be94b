import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { newId } from '../../lib/domain/ids.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { localContext } from '../../local/lambda-context.ts';
import { twimlMessages } from '../../local/twilio-carrier.ts';
import { DOMAIN, functionUrlEvent, TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { freshTable } from '../support/aws-local.ts';
import { messageSid } from '../support/twilio-phone.ts';

async function app() {
  const t = await freshTable();
  const http = createHttpApp({
    ingest: { store: t.store, now: () => new Date(), newId },
    twilioAuthToken: async () => TOKEN,
    log: () => undefined,
  });
  const call = (event: Parameters<typeof http>[0]) => http(event, localContext('http'));
  const items = async () => (await t.doc.send(new ScanCommand({ TableName: t.table }))).Items ?? [];
  const sms = async (from: string, body: string, sid = messageSid()) => {
    const res = await call(twilioEvent({ From: from, Body: body, MessageSid: sid }));
    return { ...res, reply: twimlMessages(res.body ?? '').join('\n') };
  };
  return { ...t, call, items, sms };
}

const ALICE = '+15550001111';
const BOB = '+15550002222';

describe('http function: Twilio webhook', () => {
  it('joins a member and answers with TwiML', async () => {
    const a = await app();
    const res = await a.sms(ALICE, 'JOIN alice');
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/xml/);
    expect(res.reply).toContain('Welcome to echobot, alice!');
    expect((await a.store.memberByNick('alice'))?.channels).toEqual([`sms:${ALICE}`]);
  });

  it('stores a webhook retried five times as one post, with the same answer each time', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const sid = messageSid();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await a.sms(ALICE, 'hello all', sid)).body);
    expect(new Set(answers).size).toBe(1);
    const posts = (await a.items()).filter((i) => String(i.pk).startsWith('POST#'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ type: 'post', authorNick: 'alice', text: 'hello all' });
    expect(String(posts[0]?.id)).toMatch(new RegExp(`^https://${DOMAIN}/posts/`));
  });

  it('answers a duplicate JOIN the same way, even when the nick was taken in between', async () => {
    const a = await app();
    const sid = messageSid();
    const first = await a.sms(ALICE, 'JOIN alice', sid);
    await a.sms(BOB, 'JOIN bob');
    expect((await a.sms(ALICE, 'JOIN alice', sid)).body).toBe(first.body);
  });

  it.each([
    ['JOIN', 'Usage: JOIN <nick>'],
    ['JOIN a!', 'Usage: JOIN <nick>'],
    ['hello?', 'You have not joined yet'],
  ])('answers %j from a stranger with %j and stores no post', async (text, reply) => {
    const a = await app();
    const res = await a.sms(ALICE, text);
    expect(res.reply).toContain(reply);
    expect((await a.items()).filter((i) => String(i.pk).startsWith('POST#') || i.pk === 'MEMBERS')).toEqual(
      [],
    );
  });

  it('refuses a taken nick, a post over 280 characters, and an empty post, storing nothing', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    expect((await a.sms(BOB, 'JOIN Alice')).reply).toContain('the nick alice is taken');
    expect((await a.sms(ALICE, 'x'.repeat(281))).reply).toContain('has 281 characters; the limit is 280');
    expect((await a.sms(ALICE, '   ')).reply).toContain('empty');
    expect((await a.sms(ALICE, 'é'.repeat(280))).body).toMatch(/<Response\/>$/);
    expect((await a.items()).filter((i) => String(i.pk).startsWith('POST#'))).toHaveLength(1);
  });

  it('confirms STOP once, then stays silent until START; HELP is always answered', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    expect((await a.sms(ALICE, 'STOP')).reply).toContain('unsubscribed');
    expect((await a.sms(ALICE, 'stop')).body).toMatch(/<Response\/>$/);
    expect((await a.sms(ALICE, 'FOLLOW bob')).body).toMatch(/<Response\/>$/);
    expect((await a.sms(ALICE, 'HELP')).reply).toContain('JOIN <nick>');
    expect((await a.store.memberByNick('alice'))?.optedOut).toEqual([`sms:${ALICE}`]);
    expect((await a.sms(ALICE, 'START')).reply).toContain('resubscribed');
    expect((await a.store.memberByNick('alice'))?.optedOut).toEqual([]);
  });
});

describe('http function: bad input changes nothing', () => {
  const signedJoin = { From: ALICE, Body: 'JOIN alice' };

  it.each([
    {
      what: 'no signature',
      makeEvent: () => twilioEvent(signedJoin, { signature: null }),
      status: 403,
      reason: 'missing X-Twilio-Signature',
    },
    {
      what: 'a wrong token',
      makeEvent: () => twilioEvent(signedJoin, { token: 'not-the-token' }),
      status: 403,
      reason: 'does not match',
    },
    {
      what: 'another URL signed',
      makeEvent: () => twilioEvent(signedJoin, { signedUrl: `http://${DOMAIN}/webhooks/twilio` }),
      status: 403,
      reason: 'does not match',
    },
    {
      what: 'a garbage signature',
      makeEvent: () => twilioEvent(signedJoin, { signature: '!!!' }),
      status: 403,
      reason: 'does not match',
    },
    {
      what: 'a missing From',
      makeEvent: () => twilioEvent({ Body: 'JOIN alice' }),
      status: 400,
      reason: 'From is required',
    },
    {
      what: 'a missing Body',
      makeEvent: () => twilioEvent({ From: ALICE }),
      status: 400,
      reason: 'Body is required',
    },
    {
      what: 'a bad MessageSid',
      makeEvent: () => twilioEvent({ ...signedJoin, MessageSid: 'x' }),
      status: 400,
      reason: 'MessageSid must look like',
    },
    {
      what: 'a JSON body',
      makeEvent: () => twilioEvent(signedJoin, { contentType: 'application/json' }),
      status: 415,
      reason: 'content-type must be',
    },
    {
      what: 'invalid UTF-8',
      makeEvent: () =>
        functionUrlEvent({
          path: '/webhooks/twilio',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff, 0xfe]),
        }),
      status: 400,
      reason: 'not valid UTF-8',
    },
    {
      what: 'an oversized body',
      makeEvent: () =>
        functionUrlEvent({
          path: '/webhooks/twilio',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `Body=${'a'.repeat(70_000)}`,
        }),
      status: 413,
      reason: 'over',
    },
    {
      what: 'an unknown route',
      makeEvent: () => functionUrlEvent({ path: '/webhooks/nope' }),
      status: 404,
      reason: 'no route',
    },
    {
      what: 'a GET on the webhook',
      makeEvent: () => functionUrlEvent({ method: 'GET', path: '/webhooks/twilio' }),
      status: 405,
      reason: 'not allowed',
    },
  ])('$what -> $status with the reason, and no write', async ({ makeEvent, status, reason }) => {
    const a = await app();
    const res = await a.call(makeEvent());
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body ?? '{}')).toEqual({ error: expect.stringContaining(reason) });
    expect(await a.items()).toEqual([]);
  });
});
