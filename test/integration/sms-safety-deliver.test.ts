import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoSmsSafety } from '../../lib/adapters/dynamodb/dynamo-sms-safety.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { countSms } from '../../lib/domain/sms-segments.ts';
import type { DeliveryJob, Member, OutboundMessage } from '../../lib/domain/types.ts';
import { noMetrics } from '../../lib/ports/metrics.ts';
import { deliverJob } from '../../lib/usecases/deliver-job.ts';
import { sendDueDigests } from '../../lib/usecases/send-digests.ts';
import { createSmsGate } from '../../lib/usecases/sms-gate.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { startFakeSns } from '../fakes/fake-sns.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { seedMembers } from '../support/members.ts';
import { SnsSmsSender } from '../support/sns-carrier-sender.ts';
import { receiveAll } from '../support/sqs-helpers.ts';

const sns = await startFakeSns();
afterAll(() => sns.stop());

/** 23:30 UTC on a fixed day: tests move this clock instead of waiting for real hours. */
// Far ahead and in winter (Berlin at +01:00): held echoes expire (TTL) a week after their
// digest, and DynamoDB Local's TTL sweeper would delete items whose dates have passed.
const NIGHT = new Date('2099-01-13T23:30:00.000Z');

async function harness(options: { members?: number; budget?: number; maxSegments?: number } = {}) {
  const t = await freshTable();
  const q = await freshQueue();
  const members = await seedMembers(t.store, options.members ?? 3, Math.floor(Math.random() * 1e6));
  const tg: Member = {
    id: `tg${Math.random()}`,
    nick: 'tg',
    channels: [`telegram:${Math.floor(Math.random() * 1e9)}`],
    optedOut: [],
    joinedAt: NIGHT.toISOString(),
  };
  await t.store.commit({ key: `seed:${tg.id}`, at: tg.joinedAt }, [{ kind: 'createMember', member: tg }]);
  const safety = new DynamoSmsSafety(t.doc, t.table);
  const alerts: string[] = [];
  const telegram: OutboundMessage[] = [];
  const logs: string[] = [];
  const budgetUsed: number[] = [];
  let clock = NIGHT;
  const sms = new SnsSmsSender(new SNSClient({ ...LOCAL_AWS, endpoint: sns.endpoint, maxAttempts: 1 }));
  const gate = createSmsGate({
    safety,
    ...(options.budget !== undefined ? { dailyBudget: options.budget } : {}),
    ...(options.maxSegments !== undefined ? { maxSegments: options.maxSegments } : {}),
    alerter: { alert: async (subject) => void alerts.push(subject) },
    botUrl: 'https://bot.example',
    log: (event) => void logs.push(event),
    now: () => clock,
    metrics: { ...noMetrics, smsBudgetUsed: (percent: number) => void budgetUsed.push(percent) },
  });
  const deps = {
    store: t.store,
    queue: new SqsJobQueue(q.sqs, q.queueUrl),
    senders: {
      sms,
      telegram: { send: async (m: OutboundMessage) => void telegram.push(m) },
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    log: (event: string) => void logs.push(event),
    smsGate: gate,
  };
  return {
    ...t,
    ...q,
    members,
    tg,
    safety,
    gate,
    sms,
    alerts,
    telegram,
    logs,
    budgetUsed,
    deps,
    setClock: (d: Date) => {
      clock = d;
    },
  };
}

let n = 0;
const jobFor = (members: Member[], text = 'alice: hi', extra: Member[] = []): DeliveryJob => {
  const postId = `https://bot/posts/${n++}-${Math.random()}`;
  return {
    id: `${postId}#0`,
    postId,
    text,
    recipients: [...members, ...extra].map((m) => ({
      memberId: m.id,
      channel: m.channels[0] ?? ('sms:?' as const),
    })),
    attempt: 0,
  };
};
const phoneOf = (m: Member | undefined) => (m?.channels[0] ?? '').replace('sms:', '');
const publishedTo = (m: Member | undefined) => sns.published.filter((p) => p.phoneNumber === phoneOf(m));

describe('SMS safety in the deliver path (DynamoDB Local, fauxqs, loopback SNS)', () => {
  it('treats an SNS carrier opt-out as an opt-out of that channel: recorded like STOP, never retried', async () => {
    const h = await harness({ members: 2 });
    const [alice, bob] = h.members;
    sns.fail(phoneOf(alice), 400, 'OptedOut');
    const outcome = await deliverJob(h.deps, jobFor(h.members));
    expect(outcome).toMatchObject({ sent: 1, refused: 1, retried: 0 });
    expect(await receiveAll(h.sqs, h.queueUrl)).toEqual([]);
    expect(await h.store.channelState(alice?.channels[0] ?? 'sms:?')).toMatchObject({ optedOut: true });
    expect((await h.store.memberById(alice?.id ?? ''))?.optedOut).toEqual(alice?.channels);
    // The next echo does not even try that number.
    const calls = sns.calls();
    await deliverJob(h.deps, jobFor(h.members, 'alice: again'));
    expect(sns.calls()).toBe(calls + 1);
    expect(publishedTo(bob).map((p) => p.message)).toEqual(['alice: hi', 'alice: again']);
    sns.heal(phoneOf(alice));
  });

  it('cuts SMS echoes to the part limit and leaves other channels whole', async () => {
    const h = await harness({ members: 1, maxSegments: 1 });
    const long = `alice: ${'x'.repeat(250)}`;
    await deliverJob(h.deps, jobFor(h.members, long, [h.tg]));
    const [sent] = publishedTo(h.members[0]);
    expect(countSms(sent?.message ?? '').segments).toBe(1);
    expect(sent?.message.endsWith('...')).toBe(true);
    expect(h.telegram.map((m) => m.text)).toEqual([long]);
  });

  it('stops SMS at the daily budget without retrying, alerts once, counts the parts, and chat goes on', async () => {
    const h = await harness({ members: 3, budget: 4 });
    const day = NIGHT.toISOString().slice(0, 10);
    const first = await deliverJob(h.deps, jobFor(h.members, 'alice: one', [h.tg]));
    expect(first).toMatchObject({ sent: 4 });
    const second = await deliverJob(h.deps, jobFor(h.members, 'alice: two', [h.tg]));
    expect(second).toMatchObject({ sent: 2, overBudget: 2, retried: 0 });
    await deliverJob(h.deps, jobFor(h.members, 'alice: three', [h.tg]));
    expect(await receiveAll(h.sqs, h.queueUrl)).toEqual([]);
    expect(await h.store.smsUsedOn(day)).toBe(4);
    expect(h.alerts).toEqual([`echobot: SMS budget reached for ${day}`]);
    // SmsBudgetUsedPercent, for the dashboard and its alarm.
    expect(h.budgetUsed.slice(0, 4).sort((a, b) => a - b)).toEqual([25, 50, 75, 100]);
    expect(h.budgetUsed.at(-1)).toBe(100);
    expect(h.logs.filter((l) => l === 'echo skipped by sms budget')).toHaveLength(5);
    expect(h.telegram.map((m) => m.text)).toEqual(['alice: one', 'alice: two', 'alice: three']);
    // A new UTC day has a fresh budget.
    h.setClock(new Date('2099-01-14T08:00:00.000Z'));
    expect(await deliverJob(h.deps, jobFor(h.members, 'alice: four'))).toMatchObject({ sent: 3 });
  });

  it('gives reserved parts back when a send fails and will be retried', async () => {
    const h = await harness({ members: 1, budget: 10 });
    sns.fail(phoneOf(h.members[0]), 500, 'InternalError');
    await expect(deliverJob(h.deps, jobFor(h.members))).rejects.toThrow(/all 1 sends failed/);
    expect(await h.store.smsUsedOn(NIGHT.toISOString().slice(0, 10))).toBe(0);
    sns.heal(phoneOf(h.members[0]));
  });

  it('holds SMS echoes in quiet hours and sends one digest when the window ends (injected clock)', async () => {
    const h = await harness({ members: 2 });
    const [carol, other] = h.members;
    await h.store.commit({ key: 'quiet', at: NIGHT.toISOString() }, [
      { kind: 'setQuiet', memberId: carol?.id ?? '', quiet: { from: 22, to: 7 } },
    ]);
    await h.store.commit({ key: 'tz', at: NIGHT.toISOString() }, [
      { kind: 'setTimeZone', memberId: carol?.id ?? '', tz: 'Europe/Berlin' },
    ]);
    for (const [i, text] of ['dave: one', 'erin: two', 'dave: three'].entries()) {
      h.setClock(new Date(NIGHT.getTime() + i * 60_000));
      expect(await deliverJob(h.deps, jobFor(h.members, text, [h.tg]))).toMatchObject({ held: 1 });
    }
    expect(publishedTo(carol)).toEqual([]);
    expect(publishedTo(other)).toHaveLength(3);
    expect(h.telegram).toHaveLength(3);
    const digestDeps = { store: h.store, safety: h.safety, sms: h.sms, gate: h.gate, log: () => undefined };
    // 06:59 in Berlin (05:59 UTC) is still quiet; 07:00 Berlin is 06:00 UTC.
    expect(await sendDueDigests(digestDeps, new Date('2099-01-14T05:59:00.000Z'))).toMatchObject({ sent: 0 });
    expect(await sendDueDigests(digestDeps, new Date('2099-01-14T06:00:00.000Z'))).toMatchObject({ sent: 1 });
    expect(await sendDueDigests(digestDeps, new Date('2099-01-14T06:15:00.000Z'))).toMatchObject({ sent: 0 });
    expect(publishedTo(carol).map((p) => p.message)).toEqual([
      'While you were quiet: dave: one | erin: two | dave: three',
    ]);
  });

  it('drops a digest for a member who opted out meanwhile', async () => {
    const h = await harness({ members: 1 });
    const [carol] = h.members;
    const channel = carol?.channels[0] ?? 'sms:?';
    await h.store.commit({ key: 'quiet', at: NIGHT.toISOString() }, [
      { kind: 'setQuiet', memberId: carol?.id ?? '', quiet: { from: 23, to: 6 } },
    ]);
    await deliverJob(h.deps, jobFor(h.members, 'dave: psst'));
    await h.store.commit({ key: 'stop', at: NIGHT.toISOString() }, [
      { kind: 'setOptOut', channel, memberId: carol?.id ?? '', optedOut: true },
    ]);
    const digestDeps = { store: h.store, safety: h.safety, sms: h.sms, gate: h.gate, log: () => undefined };
    expect(await sendDueDigests(digestDeps, new Date('2099-01-14T06:00:00.000Z'))).toMatchObject({
      sent: 0,
      dropped: 1,
    });
    expect(publishedTo(carol)).toEqual([]);
    expect(await h.safety.dueDigests(new Date('2099-01-15T00:00:00.000Z'))).toEqual([]);
  });

  it('leaves out of a digest the echoes of posts deleted while they were held', async () => {
    const h = await harness({ members: 1 });
    const [carol] = h.members;
    await h.store.commit({ key: 'quiet', at: NIGHT.toISOString() }, [
      { kind: 'setQuiet', memberId: carol?.id ?? '', quiet: { from: 23, to: 6 } },
    ]);
    const kept = jobFor(h.members, 'dave: stays');
    const gone = jobFor(h.members, 'dave: oops');
    expect(await deliverJob(h.deps, kept)).toMatchObject({ held: 1 });
    expect(await deliverJob(h.deps, gone)).toMatchObject({ held: 1 });
    await h.store.commit({ key: 'del', at: NIGHT.toISOString() }, [
      { kind: 'deletePost', postId: gone.postId, at: NIGHT.toISOString() },
    ]);
    const digestDeps = { store: h.store, safety: h.safety, sms: h.sms, gate: h.gate, log: () => undefined };
    expect(await sendDueDigests(digestDeps, new Date('2099-01-14T06:00:00.000Z'))).toMatchObject({ sent: 1 });
    expect(publishedTo(carol).map((p) => p.message)).toEqual(['While you were quiet: dave: stays']);
    expect(await h.safety.dueDigests(new Date('2099-01-15T00:00:00.000Z'))).toEqual([]);
  });
});
