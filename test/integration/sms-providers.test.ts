import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { EumSmsSender } from '../../lib/adapters/eum-sms-sender.ts';
import { TwilioSmsSender } from '../../lib/adapters/twilio-sms-sender.ts';
import { SPEND_LIMIT_RETRY_SECONDS } from '../../lib/domain/sms-outcomes.ts';
import type { DeliveryReceipt } from '../../lib/domain/sms-receipts.ts';
import { verifyTwilioSignature } from '../../lib/edges/twilio.ts';
import { parseTwilioStatus } from '../../lib/edges/twilio-status.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { startFakeEumSms } from '../support/fake-eum-sms.ts';
import { startFakeTwilioApi } from '../support/fake-twilio-api.ts';

const BOT = '+12125550101';
const ALICE = '+14255550182';
let n = 0;
/** A fresh destination per test, so failures set on one number never leak into another test. */
const someone = () => `+1425555${String(1000 + n++).padStart(4, '0')}`;

describe('AWS End User Messaging SMS sender against a loopback SendTextMessage', async () => {
  const eum = await startFakeEumSms();
  afterAll(() => eum.stop());
  const sender = (extra: Partial<ConstructorParameters<typeof EumSmsSender>[0]> = {}) =>
    new EumSmsSender({
      originationNumber: BOT,
      configurationSet: 'echobot-sms',
      clientConfig: { ...LOCAL_AWS, endpoint: eum.endpoint, maxAttempts: 1 },
      ...extra,
    });

  it('sends from the bot number, TRANSACTIONAL, through the configuration set, the echo id in Context', async () => {
    const outcome = await sender().send({ to: ALICE, text: 'alice: hi', echoId: 'post-1#m1' });
    const sent = eum.sent.at(-1);
    expect(outcome).toEqual({ kind: 'sent', messageId: sent?.messageId });
    expect(sent).toMatchObject({
      destination: ALICE,
      originationIdentity: BOT,
      body: 'alice: hi',
      messageType: 'TRANSACTIONAL',
      configurationSet: 'echobot-sms',
      context: { echoId: 'post-1#m1' },
    });
    // The real SDK serialized it: JSON 1.0, its target header, SigV4.
    expect(sent?.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
    expect(sent?.headers['content-type']).toMatch(/^application\/x-amz-json-1\.0/);
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/sms-voice\//,
    );
  });

  it('names the number id or ARN as the origination identity when given one', async () => {
    const arn = 'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-abc';
    await sender({ originationIdentity: arn }).send({ to: ALICE, text: 'x' });
    expect(eum.sent.at(-1)?.originationIdentity).toBe(arn);
  });

  it('finds the fake through AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 like any SDK endpoint variable', async () => {
    const before = process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2;
    process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 = eum.endpoint;
    try {
      const s = new EumSmsSender({ originationNumber: BOT, clientConfig: { ...LOCAL_AWS, maxAttempts: 1 } });
      const to = someone();
      expect(await s.send({ to, text: 'via env' })).toMatchObject({ kind: 'sent' });
      expect(eum.sent.at(-1)).toMatchObject({ destination: to, body: 'via env' });
    } finally {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2;
      else process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 = before;
    }
  });

  it.each([
    [
      'opted out',
      { status: 400, type: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' },
      { kind: 'opted-out', code: 'ConflictException:DESTINATION_PHONE_NUMBER_OPTED_OUT' },
    ],
    [
      'invalid destination',
      {
        status: 400,
        type: 'ValidationException',
        reason: 'FIELD_VALIDATION_FAILED',
        fields: ['DestinationPhoneNumber'],
      },
      { kind: 'never', reason: 'invalid-number' },
    ],
    [
      'throttled',
      { status: 400, type: 'ThrottlingException' },
      { kind: 'retry', reason: 'throttled', alarm: false },
    ],
    [
      'server error',
      { status: 500, type: 'InternalServerException' },
      { kind: 'retry', reason: 'server', alarm: false },
    ],
    [
      'access denied',
      { status: 400, type: 'AccessDeniedException', reason: 'ACCOUNT_DISABLED' },
      { kind: 'retry', reason: 'credentials', alarm: true },
    ],
    [
      'spend limit',
      { status: 400, type: 'ServiceQuotaExceededException', reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT' },
      { kind: 'retry', reason: 'spend-limit', alarm: true, retryAfterSeconds: SPEND_LIMIT_RETRY_SECONDS },
    ],
    [
      'sandbox (unverified destination)',
      { status: 400, type: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_NOT_VERIFIED' },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
    [
      'origination number not found',
      { status: 400, type: 'ResourceNotFoundException' },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
  ] as const)('%s', async (_what, failure, expected) => {
    const to = someone();
    eum.fail(to, failure);
    expect(await sender().send({ to, text: 'x' })).toMatchObject(expected);
    expect(eum.sent.some((s) => s.destination === to)).toBe(false);
  });

  it('a dropped connection is a retry, and the next try goes out', async () => {
    const to = someone();
    eum.failNext({ drop: true });
    expect(await sender().send({ to, text: 'x' })).toMatchObject({ kind: 'retry', reason: 'timeout' });
    expect(await sender().send({ to, text: 'x' })).toMatchObject({ kind: 'sent' });
  });

  it('the SDK retries throttling itself before giving an outcome', async () => {
    const to = someone();
    eum.failNext({ status: 400, type: 'ThrottlingException' });
    const s = sender({
      clientConfig: { ...LOCAL_AWS, endpoint: eum.endpoint, maxAttempts: 2, retryMode: 'standard' },
    });
    expect(await s.send({ to, text: 'x' })).toMatchObject({ kind: 'sent' });
    expect(eum.sent.filter((m) => m.destination === to)).toHaveLength(1);
  });

  it('no credentials from the provider chain is a retry with the alarm, nothing sent', async () => {
    const s = sender({
      clientConfig: {
        region: 'us-east-1',
        endpoint: eum.endpoint,
        maxAttempts: 1,
        credentials: async () => {
          throw Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          });
        },
      },
    });
    expect(await s.send({ to: someone(), text: 'x' })).toMatchObject({
      kind: 'retry',
      reason: 'credentials',
      alarm: true,
    });
  });

  it('never sends to something that is not a phone number', async () => {
    const before = eum.targets.length;
    expect(await sender().send({ to: 'alice', text: 'x' })).toMatchObject({ kind: 'never' });
    expect(eum.targets.length).toBe(before);
  });

  it.each([undefined, '', '2125550101', '+0123', 'AMAZON'])(
    'refuses to exist without an E.164 origination number (%s)',
    (number) => {
      expect(
        () => new EumSmsSender({ originationNumber: number as unknown as string, clientConfig: LOCAL_AWS }),
      ).toThrow(/E\.164.*ECHOBOT_SMS_NUMBER/);
    },
  );
});

describe('Twilio sender against a loopback Messages API', async () => {
  const accountSid = `AC${'a1'.repeat(16)}`;
  const authToken = 'token-not-a-secret';
  const apiKey = `SK${'b2'.repeat(16)}`;
  const apiSecret = 'key-secret';
  const twilio = await startFakeTwilioApi({ accountSid, authToken, apiKey, apiSecret, numSegments: '2' });
  afterAll(() => twilio.stop());
  const statusCallback = 'https://bot.example/webhooks/twilio/status';
  const sender = (extra: Partial<ConstructorParameters<typeof TwilioSmsSender>[0]> = {}) =>
    new TwilioSmsSender({
      accountSid,
      auth: async () => ({ authToken }),
      from: BOT,
      statusCallback,
      apiUrl: twilio.apiUrl,
      ...extra,
    });

  it('posts To, From (the bot number), Body and StatusCallback with Basic auth; sent with sid and segments', async () => {
    const outcome = await sender().send({ to: ALICE, text: 'alice: hi' });
    const sent = twilio.sent.at(-1);
    expect(outcome).toEqual({ kind: 'sent', messageId: sent?.sid, parts: 2 });
    expect(sent).toEqual({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      to: ALICE,
      from: BOT,
      body: 'alice: hi',
      statusCallback,
      user: accountSid,
    });
  });

  it('authenticates with an API key and secret when given them', async () => {
    const s = sender({ auth: async () => ({ apiKey, apiSecret }) });
    expect(await s.send({ to: ALICE, text: 'x' })).toMatchObject({ kind: 'sent' });
    expect(twilio.sent.at(-1)?.user).toBe(apiKey);
  });

  it('sends the Messaging Service with From, so the number stays the bot', async () => {
    const messagingServiceSid = `MG${'c3'.repeat(16)}`;
    await sender({ messagingServiceSid }).send({ to: ALICE, text: 'x' });
    expect(twilio.sent.at(-1)).toMatchObject({ from: BOT, messagingServiceSid });
  });

  it.each([
    ['21610 STOP', { status: 400, code: 21610 }, { kind: 'opted-out', code: '21610' }],
    ['21211 invalid number', { status: 400, code: 21211 }, { kind: 'never', reason: 'invalid-number' }],
    ['21614 not a mobile', { status: 400, code: 21614 }, { kind: 'never', reason: 'not-mobile' }],
    ['30006 landline', { status: 400, code: 30006 }, { kind: 'never', reason: 'not-mobile' }],
    ['30003 unreachable', { status: 400, code: 30003 }, { kind: 'retry', reason: 'carrier', maxAttempts: 3 }],
    [
      '429 with Retry-After',
      { status: 429, code: 20429, retryAfter: 12 },
      { kind: 'retry', reason: 'throttled', retryAfterSeconds: 12, alarm: false },
    ],
    ['503', { status: 503 }, { kind: 'retry', reason: 'server', alarm: false }],
    ['21608 trial account', { status: 400, code: 21608 }, { kind: 'retry', reason: 'setup', alarm: true }],
  ] as const)('%s', async (_what, failure, expected) => {
    const to = someone();
    twilio.fail(to, failure);
    expect(await sender().send({ to, text: 'x' })).toMatchObject(expected);
    expect(twilio.sent.some((m) => m.to === to)).toBe(false);
  });

  it('a wrong auth token is a retry with the alarm, and the token never shows in the outcome', async () => {
    const outcome = await sender({ auth: async () => ({ authToken: 'wrong-token' }) }).send({
      to: someone(),
      text: 'x',
    });
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'credentials', alarm: true, code: '20003' });
    expect(JSON.stringify(outcome)).not.toContain('wrong-token');
  });

  it('credentials that cannot be read (SSM down) are a retry', async () => {
    const outcome = await sender({
      auth: async () => {
        throw new Error('SSM unavailable');
      },
    }).send({ to: someone(), text: 'x' });
    expect(outcome).toMatchObject({ kind: 'retry' });
  });

  it('a dropped connection is a retry, and the next try goes out', async () => {
    const to = someone();
    twilio.failNext({ drop: true });
    expect(await sender().send({ to, text: 'x' })).toMatchObject({ kind: 'retry', reason: 'timeout' });
    expect(await sender().send({ to, text: 'x' })).toMatchObject({ kind: 'sent' });
  });

  it('no segments yet (a Messaging Service answers 0): parts left to the receipt', async () => {
    const api = await startFakeTwilioApi({ accountSid, authToken, numSegments: '0' });
    try {
      const outcome = await sender({ apiUrl: api.apiUrl }).send({ to: ALICE, text: 'x' });
      expect(outcome).toEqual({ kind: 'sent', messageId: api.sent.at(-1)?.sid });
    } finally {
      await api.stop();
    }
  });

  it('status callbacks come back signed with the auth token and parse to a receipt', async () => {
    const receipts: DeliveryReceipt[] = [];
    const receiver = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      const params = new URLSearchParams(raw);
      const url = `http://127.0.0.1:${port}${req.url}`;
      const signature = req.headers['x-twilio-signature'];
      verifyTwilioSignature(authToken, url, params, typeof signature === 'string' ? signature : undefined);
      receipts.push(parseTwilioStatus(params));
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const to = someone();
      const s = sender({ statusCallback: `http://127.0.0.1:${port}/webhooks/twilio/status` });
      const outcome = await s.send({ to, text: 'x' });
      if (outcome.kind !== 'sent') throw new Error('expected sent');
      expect((await twilio.callback(outcome.messageId, 'sent')).status).toBe(200);
      expect((await twilio.callback(outcome.messageId, 'undelivered', { errorCode: '30005' })).status).toBe(
        200,
      );
      expect(receipts).toEqual([
        { provider: 'twilio', messageId: outcome.messageId, state: 'pending', parts: 2 },
        {
          provider: 'twilio',
          messageId: outcome.messageId,
          state: 'failed',
          errorCode: '30005',
          permanent: true,
          parts: 2,
        },
      ]);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it.each([undefined, '', '12125550101', 'echobot'])(
    'refuses to exist without an E.164 From number (%s)',
    (from) => {
      expect(() => sender({ from: from as unknown as string })).toThrow(/E\.164.*ECHOBOT_SMS_NUMBER/);
    },
  );

  it('refuses a malformed account SID', () => {
    expect(() => sender({ accountSid: 'nope' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });
});
