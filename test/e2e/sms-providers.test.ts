import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { twilioSignature } from '../../lib/edges/twilio.ts';
import { startFakeEumSms } from '../support/fake-eum-sms.ts';
import { newMessageSid, startFakeTwilioApi } from '../support/fake-twilio-api.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const BOT = '+12125550101';
const ALICE = '+14255550101';
const BOB = '+14255550102';
const CAROL = '+14255550103';
const ADMIN = 'e2e-admin-token';
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'e2e-twilio-token';

const smsDelivery = z.object({
  provider: z.string(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  topFailures: z.array(z.object({ code: z.string(), count: z.number() })),
});
const statusJson = z.object({ smsDelivery: smsDelivery.optional() }).loose();

async function smsStatus(bot: LocalBot) {
  const res = await fetch(`${bot.url}/status`, {
    headers: { authorization: `Bearer ${ADMIN}`, accept: 'application/json' },
  });
  expect(res.status).toBe(200);
  return statusJson.parse(await res.json()).smsDelivery;
}

async function joinThree(bot: LocalBot) {
  for (const [phone, nick] of [
    [ALICE, 'alice'],
    [BOB, 'bob'],
    [CAROL, 'carol'],
  ] as const)
    expect((await bot.sms(phone, `JOIN ${nick}`)).status).toBe(200);
}

describe('npm start with ECHOBOT_SMS_PROVIDER=twilio: echoes from the bot number, signed receipts, opt-outs', () => {
  let bot: LocalBot;
  let twilio: Awaited<ReturnType<typeof startFakeTwilioApi>>;
  beforeAll(async () => {
    twilio = await startFakeTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN });
    bot = await startLocalBot({
      env: {
        ECHOBOT_ADMIN_TOKEN: ADMIN,
        ECHOBOT_SMS_PROVIDER: 'twilio',
        ECHOBOT_SMS_NUMBER: BOT,
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_API_URL: twilio.apiUrl,
      },
    });
    await joinThree(bot);
  });
  afterAll(async () => {
    await bot?.stop();
    await twilio?.stop();
  });

  it('sends each echo through the Messages API from the bot number, and a signed callback marks it delivered', async () => {
    await bot.sms(ALICE, 'hello from alice');
    await bot.settle();
    const echoes = twilio.sent.filter((m) => m.body === 'alice: hello from alice');
    expect(echoes.map((m) => m.to).sort()).toEqual([BOB, CAROL]);
    for (const m of echoes) {
      expect(m.from).toBe(BOT);
      expect(m.user).toBe(ACCOUNT);
      expect(m.statusCallback).toBe(`${bot.url}/webhooks/twilio/status`);
    }
    expect(await smsStatus(bot)).toMatchObject({ provider: 'twilio', sent: 2, delivered: 0, failed: 0 });

    const toBob = echoes.find((m) => m.to === BOB);
    if (!toBob) throw new Error('no echo to bob');
    expect((await twilio.callback(toBob.sid, 'sent')).status).toBe(200);
    expect((await twilio.callback(toBob.sid, 'delivered')).status).toBe(200);
    // The same callback again (Twilio retries) changes nothing twice.
    expect((await twilio.callback(toBob.sid, 'delivered')).status).toBe(200);
    expect(await smsStatus(bot)).toMatchObject({ sent: 2, delivered: 1, failed: 0 });
    // The outbox copy names the provider, its id and, now, the state.
    const line = (await bot.outbox()).find((l) => l.messageId === toBob.sid);
    expect(line).toMatchObject({ to: BOB, provider: 'twilio', state: 'delivered', kind: 'echo' });

    const toCarol = echoes.find((m) => m.to === CAROL);
    if (!toCarol) throw new Error('no echo to carol');
    expect((await twilio.callback(toCarol.sid, 'undelivered', { errorCode: '30003' })).status).toBe(200);
    expect(await smsStatus(bot)).toMatchObject({
      delivered: 1,
      failed: 1,
      topFailures: [{ code: '30003', count: 1 }],
    });
  });

  it('refuses a status callback without a valid signature (403) and ignores unknown ids (200), writing nothing', async () => {
    const before = await smsStatus(bot);
    const url = `${bot.url}/webhooks/twilio/status`;
    const sid = twilio.sent[0]?.sid ?? newMessageSid();
    const forged = new URLSearchParams({ MessageSid: sid, MessageStatus: 'failed', ErrorCode: '30006' });
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm9wZQ==' },
      body: forged,
    });
    expect(bad.status).toBe(403);
    const unknown = new URLSearchParams({ MessageSid: newMessageSid(), MessageStatus: 'delivered' });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(TOKEN, url, unknown),
      },
      body: unknown,
    });
    expect(res.status).toBe(200);
    expect(await smsStatus(bot)).toEqual(before);
  });

  it('an opted-out answer (21610) is a STOP: nothing more is sent to that member', async () => {
    twilio.fail(CAROL, { status: 400, code: 21610 });
    await bot.sms(ALICE, 'second post');
    await bot.settle();
    twilio.heal(CAROL);
    await bot.sms(ALICE, 'third post');
    await bot.settle();
    expect(twilio.sent.filter((m) => m.to === BOB).map((m) => m.body)).toEqual([
      'alice: hello from alice',
      'alice: second post',
      'alice: third post',
    ]);
    expect(twilio.sent.filter((m) => m.to === CAROL).map((m) => m.body)).toEqual(['alice: hello from alice']);
    // START lifts it, as after a STOP texted to the bot.
    await bot.sms(CAROL, 'START');
    await bot.sms(ALICE, 'fourth post');
    await bot.settle();
    await eventually(
      async () => twilio.sent.filter((m) => m.to === CAROL).length,
      (n) => n === 2,
      'the echo to carol after START',
    );
  });
});

describe('npm start with ECHOBOT_SMS_PROVIDER=aws: SendTextMessage from the bot number, delivery events, opt-outs', () => {
  let bot: LocalBot;
  let eum: Awaited<ReturnType<typeof startFakeEumSms>>;
  beforeAll(async () => {
    eum = await startFakeEumSms();
    bot = await startLocalBot({
      env: {
        ECHOBOT_ADMIN_TOKEN: ADMIN,
        ECHOBOT_SMS_PROVIDER: 'aws',
        ECHOBOT_SMS_NUMBER: BOT,
        ECHOBOT_SMS_CONFIGURATION_SET: 'echobot-sms',
        AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: eum.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    });
    await joinThree(bot);
  });
  afterAll(async () => {
    await bot?.stop();
    await eum?.stop();
  });

  const event = (body: unknown) =>
    fetch(`${bot.url}/dev/sms-event`, { method: 'POST', body: JSON.stringify(body) });

  it('sends each echo with OriginationIdentity = the bot number, and a delivery event marks it delivered', async () => {
    await bot.sms(ALICE, 'hello by aws');
    await bot.settle();
    const echoes = eum.sent.filter((m) => m.body === 'alice: hello by aws');
    expect(echoes.map((m) => m.destination).sort()).toEqual([BOB, CAROL]);
    for (const m of echoes)
      expect(m).toMatchObject({
        originationIdentity: BOT,
        messageType: 'TRANSACTIONAL',
        configurationSet: 'echobot-sms',
      });
    const toBob = echoes.find((m) => m.destination === BOB);
    if (!toBob) throw new Error('no echo to bob');
    expect(toBob.context?.echoId).toMatch(/#/);
    const delivered = {
      eventType: 'TEXT_DELIVERED',
      isFinal: true,
      messageId: toBob.messageId,
      destinationPhoneNumber: BOB,
      messageStatus: 'DELIVERED',
      context: toBob.context,
      totalMessageParts: 1,
    };
    expect(await (await event(delivered)).json()).toEqual({ result: 'recorded' });
    expect(await (await event(delivered)).json()).toEqual({ result: 'duplicate' });
    expect(await (await event({ ...delivered, messageId: 'not-ours' })).json()).toEqual({
      result: 'unknown',
    });
    expect(await smsStatus(bot)).toMatchObject({ provider: 'aws', sent: 2, delivered: 1, failed: 0 });
  });

  it('an opted-out answer (ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT) stops further sends', async () => {
    eum.fail(CAROL, { status: 400, type: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' });
    await bot.sms(ALICE, 'aws second');
    await bot.settle();
    eum.heal(CAROL);
    await bot.sms(ALICE, 'aws third');
    await bot.settle();
    expect(eum.sent.filter((m) => m.destination === BOB).map((m) => m.body)).toEqual([
      'alice: hello by aws',
      'alice: aws second',
      'alice: aws third',
    ]);
    expect(eum.sent.filter((m) => m.destination === CAROL).map((m) => m.body)).toEqual([
      'alice: hello by aws',
    ]);
  });
});
