import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EumSmsSender } from '../../lib/adapters/eum-sms-sender.ts';
import { ImBridgeSender } from '../../lib/adapters/im-bridge-sender.ts';
import { OutboxSender, readOutbox } from '../../lib/adapters/outbox-sender.ts';
import { SesEmailSender } from '../../lib/adapters/ses-email-sender.ts';
import { smsProviderSender } from '../../lib/adapters/sms-provider-sender.ts';
import { TelegramSender } from '../../lib/adapters/telegram-sender.ts';
import { PermanentSendError } from '../../lib/domain/errors.ts';
import type { Channel } from '../../lib/domain/types.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { senderContract } from '../contracts/sender.ts';
import { startFakeImBridge } from '../fakes/fake-im-bridge.ts';
import { startFakeSes } from '../fakes/fake-ses.ts';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';
import { startFakeEumSms } from '../support/fake-eum-sms.ts';

const BOT = '+12125550100';
const eum = await startFakeEumSms();
afterAll(() => eum.stop());
const eumSender = () =>
  smsProviderSender(
    new EumSmsSender({
      originationNumber: BOT,
      clientConfig: { ...LOCAL_AWS, endpoint: eum.endpoint, maxAttempts: 1 },
    }),
  );

const sms = (n: number): Channel => `sms:+1555000${String(n).repeat(4)}`;

senderContract('SMS provider: End User Messaging SMS (loopback SendTextMessage)', async () => {
  eum.sent.length = 0;
  return {
    sender: eumSender(),
    channel: sms,
    received: async () => eum.sent.map((p) => [p.destination, p.body ?? '']),
  };
});

senderContract('outbox file (local node)', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
  return {
    sender: new OutboxSender(file),
    channel: sms,
    received: async () => (await readOutbox(file)).map((l) => [l.to, l.text]),
  };
});

const TELEGRAM_TOKEN = '999:contract-token';
const telegram = await startFakeTelegram(TELEGRAM_TOKEN);
afterAll(() => telegram.stop());

senderContract('Telegram (loopback Bot API)', async () => {
  telegram.sent.length = 0;
  return {
    sender: new TelegramSender(async () => TELEGRAM_TOKEN, telegram.url),
    channel: (n) => `telegram:${1000 + n}`,
    received: async () => telegram.sent.map((m) => [m.chatId, m.text]),
  };
});

const bridge = await startFakeImBridge('contract-secret');
afterAll(() => bridge.stop());

senderContract('IM bridge (loopback bridge)', async () => {
  bridge.received.length = 0;
  return {
    sender: new ImBridgeSender({
      secret: async () => 'contract-secret',
      callbackOf: async () => bridge.callback,
      allowPrivate: true,
    }),
    channel: (n) => `im:user${n}`,
    received: async () => bridge.received.map((m) => [m.to, m.text]),
  };
});

const ses = await startFakeSes();
afterAll(() => ses.stop());
/** The part of a SendEmail request the recipient reads as the message: the body above the footer. */
const sendEmail = z.object({
  Destination: z.object({ ToAddresses: z.tuple([z.string()]) }),
  Content: z.object({ Simple: z.object({ Body: z.object({ Text: z.object({ Data: z.string() }) }) }) }),
});

senderContract('SES email (loopback SES v2 endpoint)', async () => {
  ses.calls.length = 0;
  return {
    sender: new SesEmailSender(
      new SESv2Client({ ...LOCAL_AWS, endpoint: ses.endpoint, maxAttempts: 1 }),
      'bot@mail.example.org',
    ),
    channel: (n) => `email:user${n}@example.com`,
    received: async () =>
      ses.calls.map((c) => {
        const mail = sendEmail.parse(c.body);
        return [
          mail.Destination.ToAddresses[0],
          mail.Content.Simple.Body.Text.Data.split('\n\n--\n')[0] ?? '',
        ];
      }),
  };
});

describe('the SMS provider as a plain Sender (digests)', () => {
  it('makes exactly one SendTextMessage per SMS, from the bot number', async () => {
    const before = eum.targets.length;
    await eumSender().send({ channel: 'sms:+15550003333', text: 'x', kind: 'echo' });
    expect(eum.targets.length - before).toBe(1);
    expect(eum.sent.at(-1)).toMatchObject({
      destination: '+15550003333',
      body: 'x',
      originationIdentity: BOT,
    });
  });

  it('reports an opt-out and an invalid number as permanent, a server error as retryable', async () => {
    eum.fail('+15550004444', {
      status: 400,
      type: 'ConflictException',
      reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
    });
    eum.fail('+15550005555', {
      status: 400,
      type: 'ValidationException',
      fields: ['DestinationPhoneNumber'],
    });
    eum.fail('+15550006666', { status: 500, type: 'InternalServerException' });
    const sender = eumSender();
    await expect(sender.send({ channel: 'sms:+15550004444', text: 'x', kind: 'echo' })).rejects.toMatchObject(
      {
        name: 'PermanentSendError',
        reason: 'opted-out',
      },
    );
    await expect(
      sender.send({ channel: 'sms:+15550005555', text: 'x', kind: 'echo' }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    const transient = sender.send({ channel: 'sms:+15550006666', text: 'x', kind: 'echo' });
    await expect(transient).rejects.toThrow();
    await expect(transient).rejects.not.toBeInstanceOf(PermanentSendError);
  });
});
