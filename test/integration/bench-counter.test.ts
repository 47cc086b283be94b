import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { AwsCallCounter, callsOf } from '../../bench/support/aws-counter.ts';
import { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { fanoutPost } from '../../lib/usecases/fanout-post.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { seedMembers } from '../support/members.ts';

// The bench's counting middleware on a tiny case, so `npm run bench` cannot rot unnoticed.
describe('the bench’s AWS call counter', () => {
  it('counts a small fanout by call kind, with DynamoDB’s consumed capacity and SQS request bytes', async () => {
    const t = await freshTable();
    const q = await freshQueue();
    const members = await seedMembers(t.store, 12);
    const author = members[0];
    if (!author) throw new Error('seed');
    const counter = new AwsCallCounter();
    counter.attach(t.doc);
    counter.attach(q.sqs);
    const store = new DynamoStore(t.doc, t.table, 5);
    const post = {
      id: 'https://bot.example/posts/count',
      authorId: author.id,
      authorNick: author.nick,
      text: 'counted',
      createdAt: new Date().toISOString(),
    };
    const result = await fanoutPost({ store, queue: new SqsJobQueue(q.sqs, q.queueUrl) }, post);
    expect(result).toEqual({ recipients: 11, jobs: 1 });
    const counts = counter.take();
    // 12 members in pages of 5: 3 pages (the last one short), plus the post's rules (who unfollowed
    // the author, the author's relations), the bot's mode and the opt-out marker (no driver here
    // reads it once per batch); one batch send.
    expect(counts['DynamoDB.Query']?.calls).toBe(3 + 2);
    expect(counts['DynamoDB.GetItem']?.calls).toBe(2);
    expect(counts['DynamoDB.Query']?.readUnits).toBeGreaterThan(0);
    expect(callsOf(counts, 'SQS.')).toBe(1);
    expect(counts['SQS.SendMessageBatch']?.requestBytes).toBeGreaterThan(11 * 20);
    expect(counter.take()).toEqual({});

    // A raw client attached twice still counts each call once.
    counter.attach(q.sqs);
    await q.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: q.queueUrl, Entries: [{ Id: '1', MessageBody: '{}' }] }),
    );
    expect(counter.take()['SQS.SendMessageBatch']?.calls).toBe(1);
  });
});
