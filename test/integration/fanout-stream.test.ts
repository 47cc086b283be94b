import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { RECIPIENTS_PER_JOB } from '../../lib/domain/recipients.ts';
import type { DeliveryJob, Post } from '../../lib/domain/types.ts';
import { createFanoutHandler } from '../../lib/drivers/fanout-stream.ts';
import type { Metrics } from '../../lib/ports/metrics.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { startStreamPoller } from '../../local/stream-poller.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { seedMembers } from '../support/members.ts';
import { eventually } from '../support/poll.ts';
import { countCommands, receiveAll } from '../support/sqs-helpers.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The Metrics port as CloudWatch would receive it: what each flush published. */
class PublishedMetrics implements Metrics {
  published: Array<{ posts: number; failures: Record<string, number> }> = [];
  private posted = 0;
  private failed: Record<string, number> = {};
  posts(count: number) {
    this.posted += count;
  }
  echoes() {}
  failure(reason: string, count = 1) {
    this.failed[reason] = (this.failed[reason] ?? 0) + count;
  }
  smsBudgetUsed() {}
  flush() {
    this.published.push({ posts: this.posted, failures: this.failed });
    this.posted = 0;
    this.failed = {};
  }
  total() {
    const failures: Record<string, number> = {};
    for (const p of this.published)
      for (const [k, n] of Object.entries(p.failures)) failures[k] = (failures[k] ?? 0) + n;
    return { posts: this.published.reduce((n, p) => n + p.posts, 0), failures };
  }
}

async function pipeline(metrics?: Metrics) {
  const t = await freshTable();
  const q = await freshQueue();
  const counts = countCommands(q.sqs);
  let invocations = 0;
  const fanout = createFanoutHandler({
    store: t.store,
    queue: new SqsJobQueue(q.sqs, q.queueUrl),
    log: () => undefined,
    ...(metrics ? { metrics } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), 'fanout-'));
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: t.endpoint });
  const poller = startStreamPoller({
    streams,
    streamArn: t.streamArn,
    handler: async (event, ctx) => {
      invocations += event.Records.length;
      return fanout(event, ctx);
    },
    checkpointFile: join(dir, 'checkpoints.json'),
    failureFile: join(dir, 'failures.jsonl'),
    maxAttempts: 2,
  });
  stops.push(() => poller.stop());
  return { ...t, ...q, counts, invocations: () => invocations, failureFile: join(dir, 'failures.jsonl') };
}

const post = (id: string, authorId: string, authorNick: string, text: string): Post => ({
  id,
  authorId,
  authorNick,
  text,
  createdAt: new Date().toISOString(),
});

describe('stream -> fanout -> SQS (DynamoDB Local stream, fauxqs)', () => {
  // Seeding 251 members takes ~25 s when the machine is busy: room beyond the 30 s default.
  it('turns one post into batched jobs for every member but the author and those who unfollowed', {
    timeout: 120_000,
  }, async () => {
    const p = await pipeline();
    const members = await seedMembers(p.store, 251);
    const [author, quitter, stopped] = members;
    if (!author || !quitter || !stopped) throw new Error('seed');
    await p.store.commit({ key: 'k-mute', at: new Date().toISOString() }, [
      { kind: 'setMuted', authorId: author.id, memberId: quitter.id, muted: true },
    ]);
    await p.store.commit({ key: 'k-stop', at: new Date().toISOString() }, [
      { kind: 'setOptOut', channel: stopped.channels[0] ?? 'sms:?', memberId: stopped.id, optedOut: true },
    ]);
    await p.store.commit({ key: 'k-post', at: new Date().toISOString() }, [
      { kind: 'putPost', post: post('https://bot/posts/1', author.id, author.nick, 'hello') },
    ]);

    const expected = members
      .slice(3)
      .map((m) => m.id)
      .sort();
    // Each poll receives (and hides) what is visible, so the polls add up what they got.
    const jobs: DeliveryJob[] = [];
    await eventually(
      async () => {
        jobs.push(...(await receiveAll(p.sqs, p.queueUrl)).map((j) => j.job));
        return jobs;
      },
      (got) => got.flatMap((j) => j.recipients).length >= expected.length,
      'all jobs to be queued',
    );
    expect(jobs.flatMap((j) => j.recipients.map((r) => r.memberId)).sort()).toEqual(expected);
    expect(jobs.every((j) => j.text === `${author.nick}: hello` && j.attempt === 0)).toBe(true);
    // Each job carries the opt-out marker as it was before its recipients were read (the STOP above moved it).
    const epoch = await p.store.deliveryEpoch();
    expect(epoch).toBeGreaterThan(0);
    expect(jobs.every((j) => j.epoch === epoch)).toBe(true);
    expect(jobs).toHaveLength(Math.ceil(expected.length / RECIPIENTS_PER_JOB));
    // Ten jobs per SQS call at most, many recipients per job.
    expect(p.counts.SendMessageBatch).toBe(1);
    expect(p.counts.SendMessage ?? 0).toBe(0);
    // Member items are in the stream too, but only the post reached the function (event filter).
    expect(p.invocations()).toBe(1);
  });

  it('sends a poison record to the failure destination without blocking the posts behind it, and says so in its metrics', async () => {
    const metrics = new PublishedMetrics();
    const p = await pipeline(metrics);
    const [author] = await seedMembers(p.store, 3);
    if (!author) throw new Error('seed');
    await p.doc.send(
      new PutCommand({ TableName: p.table, Item: { pk: 'POST#bad', sk: 'POST', type: 'post', id: 'bad' } }),
    );
    await p.store.commit({ key: 'k-post', at: new Date().toISOString() }, [
      { kind: 'putPost', post: post('https://bot/posts/2', author.id, author.nick, 'after the poison') },
    ]);
    const failures = await eventually(
      async () => (await readFile(p.failureFile, 'utf8')).trim().split('\n'),
      (lines) => lines.length >= 1,
      'the poison record in the failure destination',
    );
    // Retrying from the poison re-runs the good post too (as Lambda does); deliver de-duplicates by job id.
    // The shard resumes after the poison is parked, so the good post's job may still be on its way.
    const jobs: Awaited<ReturnType<typeof receiveAll>> = [];
    await eventually(
      async () => {
        jobs.push(...(await receiveAll(p.sqs, p.queueUrl)));
        return jobs;
      },
      (got) => got.length > 0,
      'the job of the post behind the poison',
    );
    expect(new Set(jobs.map((j) => j.job.id))).toEqual(new Set(['https://bot/posts/2#0']));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('POST#bad');
    // Every invocation flushed: the failed tries of the poison and the post fanned out (at least once).
    const seen = await eventually(
      async () => metrics.total(),
      (t) => t.posts >= 1,
      'the Posts metric published',
    );
    expect(seen.failures['fanout-record-failed']).toBeGreaterThanOrEqual(1);
    // The poison was tried twice (maxAttempts 2): two invocations, each flushed.
    expect(metrics.published.length).toBeGreaterThanOrEqual(2);
  });
});
