import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoJobClaims } from '../../lib/adapters/dynamodb/dynamo-job-claims.ts';
import type { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import type { DeliveryJob, Member } from '../../lib/domain/types.ts';
import { createDeliverHandler } from '../../lib/drivers/deliver-queue.ts';
import { retryDelaySeconds } from '../../lib/usecases/retry-delay.ts';
import { SendPacer } from '../../lib/usecases/send-pacer.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { localContext } from '../../local/lambda-context.ts';
import { startFakeSns } from '../fakes/fake-sns.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { seedMembers } from '../support/members.ts';
import { eventually } from '../support/poll.ts';
import { SnsSmsSender } from '../support/sns-carrier-sender.ts';
import { countCommands, receiveAll, sqsEvent } from '../support/sqs-helpers.ts';

const sns = await startFakeSns();
afterAll(() => sns.stop());

async function harness(memberCount = 3, extra: { smsPacer?: SendPacer; countDeletedReads?: boolean } = {}) {
  const t = await freshTable();
  let deletedReads = 0;
  // The same store, counting its tombstone reads.
  const store = extra.countDeletedReads
    ? Object.assign(Object.create(t.store) as DynamoStore, {
        deletedPosts: (ids: string[]) => {
          deletedReads++;
          return t.store.deletedPosts(ids);
        },
      })
    : t.store;
  const q = await freshQueue();
  const sqsCounts = countCommands(q.sqs);
  const members = await seedMembers(t.store, memberCount, Math.floor(Math.random() * 1e6));
  const handler = createDeliverHandler({
    store,
    queue: new SqsJobQueue(q.sqs, q.queueUrl),
    senders: {
      sms: new SnsSmsSender(new SNSClient({ ...LOCAL_AWS, endpoint: sns.endpoint, maxAttempts: 1 })),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    claims: new DynamoJobClaims(t.doc, t.table),
    log: () => undefined,
    ...(extra.smsPacer ? { smsPacer: extra.smsPacer } : {}),
  });
  const run = (jobs: DeliveryJob[], receiveCount = 1) =>
    handler(sqsEvent(jobs.map((j) => ({ body: JSON.stringify(j), receiveCount }))), localContext('deliver'));
  return { ...t, ...q, members, run, handler, sqsCounts, deletedReads: () => deletedReads };
}

const jobFor = (members: Member[], id = `https://bot/posts/${Math.random()}#0`): DeliveryJob => ({
  id,
  postId: id.split('#')[0] ?? id,
  text: 'alice: hi',
  recipients: members.map((m) => ({ memberId: m.id, channel: m.channels[0] ?? 'sms:?' })),
  attempt: 0,
});

const phonesOf = (members: Member[]) => members.map((m) => (m.channels[0] ?? '').replace('sms:', ''));
const publishedTo = (phones: string[]) =>
  sns.published.filter((p) => phones.includes(p.phoneNumber)).map((p) => p.phoneNumber);

describe('deliver (DynamoDB Local job claims, fauxqs, loopback SNS)', () => {
  it('publishes one SMS per recipient, and a redelivered job sends nothing twice', async () => {
    const h = await harness(3);
    const job = jobFor(h.members);
    expect(await h.run([job])).toEqual({ batchItemFailures: [] });
    expect(await h.run([job])).toEqual({ batchItemFailures: [] });
    expect(publishedTo(phonesOf(h.members)).sort()).toEqual(phonesOf(h.members).sort());
  });

  it('honours a STOP that arrived after the job was queued', async () => {
    const h = await harness(2);
    const [bob, carol] = h.members;
    if (!bob || !carol) throw new Error('seed');
    await h.store.commit({ key: 'stop', at: new Date().toISOString() }, [
      { kind: 'setOptOut', channel: carol.channels[0] ?? 'sms:?', memberId: carol.id, optedOut: true },
    ]);
    await h.run([jobFor(h.members)]);
    expect(publishedTo(phonesOf(h.members))).toEqual(phonesOf([bob]));
  });

  it('honours a STOP after the job was made from an unchanged opt-out marker (the job carries it)', async () => {
    const h = await harness(3);
    const [bob, carol, dave] = h.members;
    if (!bob || !carol || !dave) throw new Error('seed');
    // Fanout read the marker before resolving the recipients; STOP and OFF come after.
    const job = { ...jobFor(h.members), epoch: await h.store.deliveryEpoch() };
    await h.store.commit({ key: 'stop2', at: new Date().toISOString() }, [
      { kind: 'setOptOut', channel: carol.channels[0] ?? 'sms:?', memberId: carol.id, optedOut: true },
    ]);
    await h.store.commit({ key: 'off2', at: new Date().toISOString() }, [
      { kind: 'setDeliveryOff', memberId: dave.id, off: true },
    ]);
    await h.run([job]);
    expect(publishedTo(phonesOf(h.members))).toEqual(phonesOf([bob]));
  });

  it('sends a job made at the current opt-out marker to all its recipients, once', async () => {
    const h = await harness(3);
    const job = { ...jobFor(h.members), epoch: await h.store.deliveryEpoch() };
    await h.run([job]);
    await h.run([job]);
    expect(publishedTo(phonesOf(h.members)).sort()).toEqual(phonesOf(h.members).sort());
  });

  it('a job claimed by an invocation that died is sent by the retry once that invocation’s time is up', async () => {
    const h = await harness(2);
    const job = jobFor(h.members);
    // The dead invocation's lease ended a second ago; it sent nothing and finished nothing.
    const claims = new DynamoJobClaims(h.doc, h.table);
    expect(await claims.claim(job.id, 'dead', Date.now() - 1000, Date.now() - 60_000)).toBe('claimed');
    expect(await h.run([job], 2)).toEqual({ batchItemFailures: [] });
    expect(await h.run([job], 3)).toEqual({ batchItemFailures: [] });
    expect(publishedTo(phonesOf(h.members)).sort()).toEqual(phonesOf(h.members).sort());
  });

  it('a job another invocation is still sending is retried later, not sent twice', async () => {
    const h = await harness(1);
    const job = jobFor(h.members);
    const claims = new DynamoJobClaims(h.doc, h.table);
    expect(await claims.claim(job.id, 'live', Date.now() + 60_000, Date.now())).toBe('claimed');
    const res = await h.run([job]);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(publishedTo(phonesOf(h.members))).toEqual([]);
  });

  it('paces SMS to the number’s rate: what would wait too long goes out later as a new job, once', async () => {
    // One SMS a second and no waiting: the first goes now, the other two are deferred.
    const h = await harness(3, { smsPacer: new SendPacer(1, 0) });
    const job = jobFor(h.members);
    expect(await h.run([job])).toEqual({ batchItemFailures: [] });
    expect(publishedTo(phonesOf(h.members))).toHaveLength(1);
    const [later] = await eventually(
      () => receiveAll(h.sqs, h.queueUrl),
      (jobs) => jobs.length > 0,
      'the paced remainder of the job',
    );
    expect(later?.job.id).toBe(`${job.id}~p1`);
    expect(later?.job.recipients).toHaveLength(2);
    // The remainder, once due, reaches the other two (one now, one paced again).
    if (!later) throw new Error('no paced job');
    await h.run([later.job]);
    expect(new Set(publishedTo(phonesOf(h.members))).size).toBeGreaterThanOrEqual(2);
    expect(publishedTo(phonesOf(h.members))).toHaveLength(new Set(publishedTo(phonesOf(h.members))).size);
  });

  it('sends no echo of a post deleted after it was queued (DELETE, or a remote Delete)', async () => {
    const h = await harness(2);
    const gone = jobFor(h.members);
    const kept = jobFor(h.members);
    await h.store.commit({ key: 'del', at: new Date().toISOString() }, [
      { kind: 'deletePost', postId: gone.postId, at: new Date().toISOString() },
    ]);
    const before = sns.published.length;
    expect(await h.run([gone, kept])).toEqual({ batchItemFailures: [] });
    // Only the kept post's echoes went out: one per member, none of the deleted one.
    expect(sns.published.length - before).toBe(h.members.length);
  });

  it('reads a post’s tombstone once per batch however many of its jobs the batch holds', async () => {
    const h = await harness(3, { countDeletedReads: true });
    const postId = `https://bot/posts/${Math.random()}`;
    const jobs = h.members.map((m, i) => ({ ...jobFor([m], `${postId}#${i}`), postId }));
    const before = sns.published.length;
    expect(await h.run(jobs)).toEqual({ batchItemFailures: [] });
    expect(sns.published.length - before).toBe(3);
    expect(h.deletedReads()).toBe(1);
    // A new batch reads again: a DELETE since then is honoured.
    await h.store.commit({ key: 'del2', at: new Date().toISOString() }, [
      { kind: 'deletePost', postId, at: new Date().toISOString() },
    ]);
    const retry = h.members.map((m, i) => ({ ...jobFor([m], `${postId}#${i}.r1`), postId }));
    expect(await h.run(retry)).toEqual({ batchItemFailures: [] });
    expect(sns.published.length - before).toBe(3);
    expect(h.deletedReads()).toBe(2);
  });

  it('re-enqueues only the failed recipients, with a delay, and acknowledges the job', async () => {
    const h = await harness(3);
    const [ok1, broken, ok2] = h.members;
    if (!ok1 || !broken || !ok2) throw new Error('seed');
    const brokenPhone = phonesOf([broken])[0] ?? '';
    sns.fail(brokenPhone, 500, 'InternalError');
    const job = jobFor(h.members);
    expect(await h.run([job])).toEqual({ batchItemFailures: [] });
    expect(publishedTo(phonesOf(h.members)).sort()).toEqual(phonesOf([ok1, ok2]).sort());
    expect(h.sqsCounts.SendMessageBatch).toBe(1);
    // The retry job is delayed, so it is not visible yet.
    expect(await receiveAll(h.sqs, h.queueUrl)).toEqual([]);

    sns.heal(brokenPhone);
    const retry: DeliveryJob = {
      ...job,
      id: `${job.id}.r1`,
      recipients: job.recipients.filter((r) => r.memberId === broken.id),
      attempt: 1,
    };
    await h.run([retry]);
    expect(publishedTo(phonesOf(h.members)).sort()).toEqual(phonesOf(h.members).sort());
  });

  it('fails the message when no recipient could be reached, and backs off before the next try', async () => {
    const h = await harness(1);
    const phoneNumber = phonesOf(h.members)[0] ?? '';
    sns.fail(phoneNumber, 500, 'InternalError');
    const job = jobFor(h.members);
    const res = await h.run([job], 3);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(h.sqsCounts.ChangeMessageVisibility).toBe(1);
    expect(retryDelaySeconds(3)).toBe(120);
    // The failure gave its job claim back: the next try sends.
    sns.heal(phoneNumber);
    expect(await h.run([job], 4)).toEqual({ batchItemFailures: [] });
    expect(publishedTo([phoneNumber])).toEqual([phoneNumber]);
  });

  it('does not retry a carrier refusal', async () => {
    const h = await harness(1);
    const phoneNumber = phonesOf(h.members)[0] ?? '';
    sns.fail(phoneNumber, 400, 'OptedOut');
    expect(await h.run([jobFor(h.members)])).toEqual({ batchItemFailures: [] });
    expect(h.sqsCounts.SendMessageBatch ?? 0).toBe(0);
  });

  it('reports a message that is not a job as a failure, without touching the others', async () => {
    const h = await harness(1);
    const good = jobFor(h.members);
    const event = sqsEvent([
      { body: '{"not":"a job"}', id: 'poison' },
      { body: JSON.stringify(good), id: 'good' },
    ]);
    const res = await h.handler(event, localContext('deliver'));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }]);
    expect(publishedTo(phonesOf(h.members))).toEqual(phonesOf(h.members));
  });
});
