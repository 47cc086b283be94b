import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxSender, readOutbox } from '../../lib/adapters/outbox-sender.ts';
import { SnsSmsSender } from '../../lib/adapters/sns-sms-sender.ts';
import { PermanentSendError } from '../../lib/domain/errors.ts';
import type { Sender } from '../../lib/ports/sender.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { startFakeSns } from '../fakes/fake-sns.ts';

interface Harness {
  sender: Sender;
  /** What the far end received, as [to, text] pairs. */
  received(): Promise<Array<[string, string]>>;
}

function senderContract(name: string, make: () => Promise<Harness>) {
  describe(`Sender contract: ${name}`, () => {
    it('delivers each message once, to the channel’s address, with the text as given', async () => {
      const h = await make();
      await h.sender.send({
        channel: 'sms:+15550001111',
        text: 'alice: héllo 👋',
        kind: 'echo',
        postId: 'p1',
      });
      await h.sender.send({ channel: 'sms:+15550002222', text: 'welcome', kind: 'reply' });
      expect(await h.received()).toEqual([
        ['+15550001111', 'alice: héllo 👋'],
        ['+15550002222', 'welcome'],
      ]);
    });
  });
}

const sns = await startFakeSns();
afterAll(() => sns.stop());

senderContract('SNS SMS (loopback SNS endpoint)', async () => {
  sns.published.length = 0;
  const sender = new SnsSmsSender(new SNSClient({ ...LOCAL_AWS, endpoint: sns.endpoint, maxAttempts: 1 }));
  return { sender, received: async () => sns.published.map((p) => [p.phoneNumber, p.message]) };
});

senderContract('outbox file (local node)', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
  return {
    sender: new OutboxSender(file),
    received: async () => (await readOutbox(file)).map((l) => [l.to, l.text]),
  };
});

describe('SNS SMS sender', () => {
  let sender: SnsSmsSender;
  beforeAll(() => {
    sender = new SnsSmsSender(new SNSClient({ ...LOCAL_AWS, endpoint: sns.endpoint, maxAttempts: 1 }));
  });

  it('makes exactly one Publish per SMS, marked transactional', async () => {
    const before = sns.calls();
    await sender.send({ channel: 'sms:+15550003333', text: 'x', kind: 'echo' });
    expect(sns.calls() - before).toBe(1);
    expect(sns.published.at(-1)).toEqual({
      phoneNumber: '+15550003333',
      message: 'x',
      smsType: 'Transactional',
    });
  });

  it('reports a carrier opt-out and an invalid number as permanent, a server error as retryable', async () => {
    sns.fail('+15550004444', 400, 'OptedOut');
    sns.fail('+15550005555', 400, 'InvalidParameter');
    sns.fail('+15550006666', 500, 'InternalError');
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
