import { afterAll, describe, expect, it } from 'vitest';
import { DynamoSmsReceipts } from '../../lib/adapters/dynamodb/dynamo-sms-receipts.ts';
import { DynamoSmsSafety } from '../../lib/adapters/dynamodb/dynamo-sms-safety.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { TwilioSmsSender } from '../../lib/adapters/twilio-sms-sender.ts';
import { JobFailedError } from '../../lib/domain/errors.ts';
import type { Channel, DeliveryJob, Member } from '../../lib/domain/types.ts';
import { noMetrics } from '../../lib/ports/metrics.ts';
import { deliverJob } from '../../lib/usecases/deliver-job.ts';
import type { SmsDeliverDeps } from '../../lib/usecases/deliver-sms.ts';
import { recordSmsEvent, smsTextedIn } from '../../lib/usecases/sms-receipts.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { startFakeTwilioApi } from '../support/fake-twilio-api.ts';
import { seedMembers } from '../support/members.ts';
import { eventually } from '../support/poll.ts';
import { receiveAll } from '../support/sqs-helpers.ts';

const ACCOUNT = `AC${'fedcba9876543210'.repeat(2)}`;
const TOKEN = 'deliver-sms-token';
const BOT = '+12125550199';
const twilio = await startFakeTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, numSegments: '2' });
afterAll(() => twilio.stop());

let seed = Math.floor(Math.random() * 1e6);

/** deliverJob with the Twilio provider against the loopback Messages API, the real table and queue. */
async function harness(members = 3) {
  const t = await freshTable();
  const q = await freshQueue();
  const people = await seedMembers(t.store, members, seed);
  seed += members;
  const receipts = new DynamoSmsReceipts(t.doc, t.table);
  const safety = new DynamoSmsSafety(t.doc, t.table);
  const setupAlerts: string[] = [];
  const smsMetrics: string[] = [];
  const queue = new SqsJobQueue(q.sqs, q.queueUrl);
  const sms: SmsDeliverDeps = {
    provider: new TwilioSmsSender({
      accountSid: ACCOUNT,
      auth: async () => ({ authToken: TOKEN }),
      from: BOT,
      apiUrl: twilio.apiUrl,
    }),
    receipts,
    chargeParts: async (day, parts) => {
      await safety.reserveSmsParts(day, parts, Number.MAX_SAFE_INTEGER);
    },
    onSetupError: async (code) => void setupAlerts.push(code),
  };
  const deps = {
    store: t.store,
    queue,
    senders: {
      sms: notConfigured('the SMS path without a provider'),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    log: () => undefined,
    metrics: { ...noMetrics, sms: (e: string) => void smsMetrics.push(e) },
    retryDelay: { baseSeconds: 1, maxSeconds: 1 },
    sms,
  };
  const receiptDeps = { receipts, store: t.store, queue, log: () => undefined, chargeParts: sms.chargeParts };
  return { ...t, ...q, people, receipts, safety, deps, receiptDeps, setupAlerts, smsMetrics };
}

let n = 0;
function jobFor(members: Member[], text = 'alice: hi'): DeliveryJob {
  const postId = `https://bot/posts/sms-${n++}-${Math.random()}`;
  return {
    id: `${postId}#0`,
    postId,
    text,
    recipients: members.map((m) => ({ memberId: m.id, channel: m.channels[0] ?? ('sms:?' as Channel) })),
    attempt: 0,
  };
}
const phoneOf = (m: Member | undefined) => (m?.channels[0] ?? '').replace('sms:', '');
const sentTo = (m: Member | undefined) => twilio.sent.filter((s) => s.to === phoneOf(m));

describe('deliver through the SMS provider: outcomes acted on (Twilio fake, DynamoDB Local, fauxqs)', () => {
  it('records each accepted SMS with the provider id and charges the parts the provider counted', async () => {
    const h = await harness(2);
    const outcome = await deliverJob(h.deps, jobFor(h.people, 'alice: short'));
    expect(outcome).toMatchObject({ sent: 2, refused: 0, retried: 0 });
    for (const m of h.people) {
      const [one] = sentTo(m);
      expect(one?.from).toBe(BOT);
      const kept = await h.receipts.sentSms('twilio', one?.sid ?? '');
      expect(kept).toMatchObject({ memberId: m.id, channel: m.channels[0], state: 'sent', parts: 2 });
    }
    // Our count was 1 part each; Twilio said 2: the day's budget counter holds what was billed.
    const day = new Date().toISOString().slice(0, 10);
    expect(await h.safety.reserveSmsParts(day, 0, Number.MAX_SAFE_INTEGER)).toBe(2);
  });

  it('never retries an invalid number, records an opted-out answer as a STOP, sends the rest', async () => {
    const h = await harness(3);
    const [alice, bob, carol] = h.people;
    twilio.fail(phoneOf(bob), { status: 400, code: 21211 });
    twilio.fail(phoneOf(carol), { status: 400, code: 21610 });
    const outcome = await deliverJob(h.deps, jobFor(h.people));
    expect(outcome).toMatchObject({ sent: 1, refused: 2, retried: 0 });
    expect(sentTo(alice)).toHaveLength(1);
    expect((await h.store.channelState(carol?.channels[0] ?? 'sms:?'))?.optedOut).toBe(true);
    expect((await h.store.channelState(bob?.channels[0] ?? 'sms:?'))?.optedOut ?? false).toBe(false);
    // Opted out: the next echo does not even reach the provider.
    twilio.heal(phoneOf(carol));
    const before = twilio.requests();
    const next = await deliverJob(h.deps, jobFor([alice, carol].flatMap((m) => (m ? [m] : []))));
    expect(next).toMatchObject({ sent: 1, skipped: 1 });
    expect(twilio.requests()).toBe(before + 1);
    twilio.heal(phoneOf(bob));
  });

  it('retries throttling: the whole job fails (the queue retries it), nothing is recorded as sent', async () => {
    const h = await harness(1);
    const [alice] = h.people;
    twilio.fail(phoneOf(alice), { status: 429, code: 20429, retryAfter: 5 });
    await expect(deliverJob(h.deps, jobFor(h.people))).rejects.toBeInstanceOf(JobFailedError);
    twilio.heal(phoneOf(alice));
    expect(h.smsMetrics).toEqual([]);
  });

  it('re-enqueues only the recipients that hit a retryable failure, and alarms on a set-up error', async () => {
    const h = await harness(2);
    const [alice, bob] = h.people;
    twilio.fail(phoneOf(bob), { status: 401, code: 20003 });
    const outcome = await deliverJob(h.deps, jobFor(h.people));
    expect(outcome).toMatchObject({ sent: 1, retried: 1 });
    expect(h.setupAlerts).toEqual(['20003']);
    expect(h.smsMetrics).toEqual(['setup-error']);
    // Re-enqueued after the (shortened) backoff.
    const queued = await eventually(
      () => receiveAll(h.sqs, h.queueUrl),
      (jobs) => jobs.length > 0,
      'the retry job',
    );
    expect(queued.map((j) => j.job.recipients.map((r) => r.memberId))).toEqual([[bob?.id]]);
    expect(sentTo(alice)).toHaveLength(1);
    twilio.heal(phoneOf(bob));
  });

  it('marks a number unreachable after 3 permanent failures, tells the member on another channel, until it texts again', async () => {
    const h = await harness(1);
    const [alice] = h.people;
    if (!alice) throw new Error('no member');
    const telegram: Channel = `telegram:${Math.floor(Math.random() * 1e9)}`;
    await h.store.commit({ key: `tg:${alice.id}`, at: new Date().toISOString() }, [
      { kind: 'addChannel', memberId: alice.id, channel: telegram, optedOut: false },
    ]);
    for (let i = 0; i < 3; i++) {
      await deliverJob(h.deps, jobFor([alice], `alice: try ${i}`));
      const sid = sentTo(alice).at(-1)?.sid ?? '';
      const recorded = await recordSmsEvent(h.receiptDeps, {
        provider: 'twilio',
        messageId: sid,
        state: 'failed',
        errorCode: '30005',
        permanent: true,
      });
      expect(recorded.result).toBe('recorded');
    }
    const told = await receiveAll(h.sqs, h.queueUrl);
    expect(told).toHaveLength(1);
    expect(told[0]?.job).toMatchObject({
      kind: 'reply',
      recipients: [{ memberId: alice.id, channel: telegram }],
    });
    expect(told[0]?.job.text).toMatch(/could not be delivered/);

    const before = sentTo(alice).length;
    expect(await deliverJob(h.deps, jobFor([alice]))).toMatchObject({ sent: 0, unreachable: 1 });
    expect(sentTo(alice)).toHaveLength(before);

    await smsTextedIn(h.receipts, alice.channels[0] ?? 'sms:?');
    expect(await deliverJob(h.deps, jobFor([alice]))).toMatchObject({ sent: 1 });
  });
});
