import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImBridgeSender } from '../../lib/adapters/im-bridge-sender.ts';
import { SesEmailSender } from '../../lib/adapters/ses-email-sender.ts';
import { TelegramSender } from '../../lib/adapters/telegram-sender.ts';
import { PermanentSendError } from '../../lib/domain/errors.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { startFakeImBridge } from '../fakes/fake-im-bridge.ts';
import { startFakeSes } from '../fakes/fake-ses.ts';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';

const TOKEN = '999:secret-bot-token';
let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
let bridge: Awaited<ReturnType<typeof startFakeImBridge>>;
beforeAll(async () => {
  telegram = await startFakeTelegram(TOKEN);
  bridge = await startFakeImBridge('bridge-secret');
});
afterAll(async () => {
  await telegram.stop();
  await bridge.stop();
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the send to fail');
  return err;
};

describe('TelegramSender against a loopback Bot API', () => {
  const sender = () => new TelegramSender(async () => TOKEN, telegram.url);
  const msg = (chat: string) => ({
    channel: `telegram:${chat}` as const,
    text: 'alice: hi',
    kind: 'echo' as const,
  });

  it('sends one sendMessage per message', async () => {
    await sender().send(msg('1'));
    expect(telegram.sent).toContainEqual({ chatId: '1', text: 'alice: hi' });
  });

  it('maps a block (403) to an opt-out, chat not found to invalid address, and never leaks the token', async () => {
    telegram.fail('2', 403, 'Forbidden: bot was blocked by the user');
    telegram.fail('3', 400, 'Bad Request: chat not found');
    const blocked = await refusal(sender().send(msg('2')));
    expect(blocked).toBeInstanceOf(PermanentSendError);
    expect(blocked).toMatchObject({ reason: 'opted-out' });
    expect(await refusal(sender().send(msg('3')))).toMatchObject({ reason: 'invalid-address' });
    const badToken = await refusal(
      new TelegramSender(async () => 'wrong:token', telegram.url).send(msg('1')),
    );
    expect(badToken).not.toBeInstanceOf(PermanentSendError);
    for (const err of [blocked, badToken]) expect(String(err)).not.toMatch(/secret-bot-token|wrong:token/);
  });

  it('treats 429 (retry_after) and 5xx as retryable, and an unreachable API too', async () => {
    telegram.fail('4', 429, 'Too Many Requests: retry after 7', 7);
    telegram.fail('5', 502, 'Bad Gateway');
    const throttled = await refusal(sender().send(msg('4')));
    expect(throttled).not.toBeInstanceOf(PermanentSendError);
    expect(throttled.message).toMatch(/retry after 7 s/);
    expect(await refusal(sender().send(msg('5')))).not.toBeInstanceOf(PermanentSendError);
    const down = await refusal(new TelegramSender(async () => TOKEN, 'http://127.0.0.1:9').send(msg('1')));
    expect(down).not.toBeInstanceOf(PermanentSendError);
    expect(String(down)).not.toContain(TOKEN);
  });
});

describe('ImBridgeSender against a loopback bridge', () => {
  const sender = (callback: string | undefined, allowPrivate = true) =>
    new ImBridgeSender({
      secret: async () => 'bridge-secret',
      callbackOf: async () => callback,
      allowPrivate,
    });
  const echo = (to: string) => ({
    channel: `im:${to}` as const,
    text: 'bob: yo',
    kind: 'echo' as const,
    postId: 'p1',
  });

  it('POSTs a signed { id, to, text } with the same id when the same echo is retried', async () => {
    await sender(bridge.callback).send(echo('ann'));
    await sender(bridge.callback).send(echo('ann'));
    const got = bridge.received.filter((r) => r.to === 'ann');
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), to: 'ann', text: 'bob: yo' });
    expect(got[1]?.id).toBe(got[0]?.id);
    expect(bridge.badSignatures()).toBe(0);
  });

  it('maps 410 to an opt-out, other 4xx to a refusal, 5xx to a retry', async () => {
    bridge.fail('gone', 410);
    bridge.fail('bad', 422);
    bridge.fail('busy', 503);
    expect(await refusal(sender(bridge.callback).send(echo('gone')))).toMatchObject({ reason: 'opted-out' });
    expect(await refusal(sender(bridge.callback).send(echo('bad')))).toMatchObject({ reason: 'rejected' });
    expect(await refusal(sender(bridge.callback).send(echo('busy')))).not.toBeInstanceOf(PermanentSendError);
  });

  it('refuses a private callback unless allowed, and a sender without any callback', async () => {
    const before = bridge.received.length;
    expect(await refusal(sender(bridge.callback, false).send(echo('ann')))).toMatchObject({
      reason: 'invalid-address',
    });
    expect(await refusal(sender(undefined).send(echo('ann')))).toMatchObject({ reason: 'invalid-address' });
    expect(bridge.received.length).toBe(before);
  });
});

describe('SesEmailSender against a loopback SES v2 endpoint', () => {
  it('sends one SendEmail from the configured address, and maps MessageRejected to a refusal', async () => {
    const fake = await startFakeSes();
    const calls = fake.calls;
    try {
      const ses = new SESv2Client({ ...LOCAL_AWS, endpoint: fake.endpoint, maxAttempts: 1 });
      const sender = new SesEmailSender(ses, 'bot@mail.example.org');
      await sender.send({
        channel: 'email:ann@example.com',
        text: 'bob: by mail',
        kind: 'echo',
        postId: 'p',
      });
      expect(calls[0]?.path).toBe('/v2/email/outbound-emails');
      expect(calls[0]?.body).toMatchObject({
        FromEmailAddress: 'bot@mail.example.org',
        Destination: { ToAddresses: ['ann@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'echobot: bob: by mail' },
            Body: { Text: { Data: expect.stringContaining('bob: by mail') } },
          },
        },
      });
      const err = await refusal(
        sender.send({ channel: 'email:reject@example.com', text: 'x', kind: 'echo' }),
      );
      expect(err).toMatchObject({ reason: 'rejected' });
    } finally {
      await fake.stop();
    }
  });
});
