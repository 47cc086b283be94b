import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoJobClaims } from '../../lib/adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoStats } from '../../lib/adapters/dynamodb/dynamo-stats.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import { createDeliverHandler } from '../../lib/drivers/deliver-queue.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { localContext } from '../../local/lambda-context.ts';
import { startFakeSns } from '../fakes/fake-sns.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { seedMembers } from '../support/members.ts';
import { SnsSmsSender } from '../support/sns-carrier-sender.ts';
import { sqsEvent } from '../support/sqs-helpers.ts';

const sns = await startFakeSns();
afterAll(() => sns.stop());

describe('echo counters for the status page (deliver, DynamoDB Local, loopback SNS)', () => {
  it('counts each echo sent once, by channel and hour, even when the job is redelivered', async () => {
    const t = await freshTable();
    const q = await freshQueue();
    const stats = new DynamoStats(t.doc, t.table);
    const members = await seedMembers(t.store, 3, Math.floor(Math.random() * 1e6));
    const handler = createDeliverHandler({
      store: t.store,
      queue: new SqsJobQueue(q.sqs, q.queueUrl),
      senders: {
        sms: new SnsSmsSender(new SNSClient({ ...LOCAL_AWS, endpoint: sns.endpoint, maxAttempts: 1 })),
        telegram: notConfigured('telegram'),
        im: notConfigured('im'),
        email: notConfigured('email'),
      },
      claims: new DynamoJobClaims(t.doc, t.table),
      log: () => undefined,
      echoCounter: stats,
    });
    const job: DeliveryJob = {
      id: `https://bot/posts/${Math.random()}#0`,
      postId: 'https://bot/posts/x',
      text: 'alice: hi',
      recipients: members.map((m) => ({ memberId: m.id, channel: m.channels[0] ?? 'sms:?' })),
      attempt: 0,
    };
    const run = () =>
      handler(sqsEvent([{ body: JSON.stringify(job), receiveCount: 1 }]), localContext('deliver'));
    await run();
    await run();
    const now = new Date();
    expect(await stats.echoesOn(now.toISOString().slice(0, 10))).toEqual({ sms: 3 });
    expect((await stats.echoesByHour(now)).at(-1)?.count).toBe(3);
    expect(await stats.memberCount()).toBe(3);
  });
});
