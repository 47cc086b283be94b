import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoSmsReceipts } from '../../lib/adapters/dynamodb/dynamo-sms-receipts.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { composeCore } from '../../lib/compose/bot.ts';
import { composeFanout } from '../../lib/compose/fanout.ts';
import { composeSmsEvents, composeSmsInbound } from '../../lib/compose/sms-aws.ts';
import { REPLIES } from '../../lib/domain/replies/core.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { localContext } from '../../local/lambda-context.ts';
import { startStreamPoller } from '../../local/stream-poller.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { eventually } from '../support/poll.ts';
import { receiveAll, sqsEvent } from '../support/sqs-helpers.ts';

/*
 * The provider `aws` functions as Lambda runs them: SQS batches whose bodies are SNS
 * notifications (the stack subscribes a queue to each topic, raw delivery off), through the real
 * store (DynamoDB Local) and, for replies, the real stream -> fanout -> delivery queue path.
 */

const BOT = '+15550001111';
const TWO_WAY_TOPIC = 'arn:aws:sns:us-east-1:123456789012:EchobotStack-SmsTwoWayTopic';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:EchobotStack-SmsEventsTopic';
const context = localContext('sms');

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The SNS notification JSON an SQS subscription (raw delivery off) receives. */
const snsBody = (topicArn: string, message: string) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: topicArn,
    Message: message,
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  });

/** A two-way SMS as End User Messaging publishes it to the number's channel. */
const twoWay = (from: string, body: string, inboundMessageId = randomUUID()) =>
  snsBody(
    TWO_WAY_TOPIC,
    JSON.stringify({
      originationNumber: from,
      destinationNumber: BOT,
      messageKeyword: 'KEYWORD_123456789012',
      messageBody: body,
      inboundMessageId,
      previousPublishedMessageId: randomUUID(),
    }),
  );

/** A configuration set's SMS event as its SNS event destination publishes it. */
const smsEvent = (messageId: string, eventType: string, isFinal = true) =>
  snsBody(
    EVENTS_TOPIC,
    JSON.stringify({
      eventType,
      eventVersion: '1.0',
      eventTimestamp: Date.now(),
      isFinal,
      originationPhoneNumber: BOT,
      destinationPhoneNumber: '+14255550100',
      isoCountryCode: 'US',
      mcc: '310',
      mnc: '800',
      carrierName: 'Example Wireless',
      messageId,
      messageRequestTimestamp: Date.now() - 2000,
      messageEncoding: 'GSM',
      messageType: 'TRANSACTIONAL',
      messageStatus: eventType === 'TEXT_DELIVERED' ? 'DELIVERED' : 'PENDING',
      messageStatusDescription: 'Message has been accepted by phone',
      totalMessageParts: 1,
      totalMessagePrice: 0.0083,
      totalCarrierFee: 0.003,
      context: { echoId: 'https://bot/posts/1#m1' },
    }),
  );

async function bot() {
  const t = await freshTable();
  const core = composeCore(
    { table: t.table, allowPrivate: false, admins: [], safety: {} },
    { doc: t.doc, log: () => undefined, now: systemClock },
  );
  return { ...t, core };
}

/** The two-way function, with the table's stream feeding fanout into a delivery queue (as deployed). */
async function inboundPipeline() {
  const b = await bot();
  const q = await freshQueue();
  const fanout = composeFanout(b.core, new SqsJobQueue(q.sqs, q.queueUrl));
  const dir = await mkdtemp(join(tmpdir(), 'sms-inbound-'));
  const poller = startStreamPoller({
    streams: new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: b.endpoint }),
    streamArn: b.streamArn,
    handler: fanout,
    checkpointFile: join(dir, 'checkpoints.json'),
    failureFile: join(dir, 'failures.jsonl'),
    maxAttempts: 2,
  });
  stops.push(() => poller.stop());
  const inbound = composeSmsInbound(b.core, { botNumber: BOT, baseUrl: 'https://bot.example' });
  // Every job the queue has held so far (received once each, kept invisible for the test's length).
  const seen: Awaited<ReturnType<typeof receiveAll>> = [];
  const jobs = async () => {
    seen.push(...(await receiveAll(q.sqs, q.queueUrl, 600)));
    return seen;
  };
  return { ...b, ...q, inbound, jobs };
}

describe('two-way SMS (functions/sms-inbound.ts)', () => {
  it('JOIN by text to the bot number makes a member and queues the welcome to the sender', async () => {
    const p = await inboundPipeline();
    const res = await p.inbound(sqsEvent([{ body: twoWay('+14255550101', 'JOIN alice') }]), context);
    expect(res.batchItemFailures).toEqual([]);

    const state = await p.store.channelState('sms:+14255550101');
    expect(state?.memberId).toBeDefined();
    expect((await p.store.memberByNick('alice'))?.channels).toContain('sms:+14255550101');
    // The welcome is a one-recipient reply job in the delivery queue: deliver sends it from the bot's number.
    const [reply] = await eventually(p.jobs, (j) => j.length >= 1, 'the welcome job');
    expect(reply?.job).toMatchObject({
      kind: 'reply',
      text: REPLIES.welcome('alice'),
      recipients: [{ channel: 'sms:+14255550101' }],
    });
  });

  it('STOP reaches the bot (self-managed opt-outs): the member is opted out and told so', async () => {
    const p = await inboundPipeline();
    await p.inbound(sqsEvent([{ body: twoWay('+14255550102', 'JOIN bob') }]), context);
    const res = await p.inbound(sqsEvent([{ body: twoWay('+14255550102', 'STOP') }]), context);
    expect(res.batchItemFailures).toEqual([]);
    expect((await p.store.channelState('sms:+14255550102'))?.optedOut).toBe(true);
    const jobs = await eventually(p.jobs, (j) => j.length >= 2, 'the welcome and the STOP answer');
    expect(jobs.every((j) => j.job.recipients[0]?.channel === 'sms:+14255550102')).toBe(true);
  });

  it('a number whose SMS kept failing is reachable again once it texts the bot', async () => {
    const p = await inboundPipeline();
    const receipts = new DynamoSmsReceipts(p.doc, p.table);
    const channel = 'sms:+14255550106' as const;
    for (const messageId of [randomUUID(), randomUUID()]) {
      await receipts.recordSent({
        echoId: `e-${messageId}`,
        memberId: 'm-erin',
        channel,
        provider: 'aws',
        messageId,
        parts: 1,
        at: new Date().toISOString(),
      });
      await receipts.recordReceipt({
        provider: 'aws',
        messageId,
        state: 'failed',
        errorCode: 'TEXT_BLOCKED',
        permanent: true,
      });
    }
    expect(await receipts.consecutiveFailures(channel)).toBe(2);
    await p.inbound(sqsEvent([{ body: twoWay('+14255550106', 'JOIN erin') }]), context);
    expect(await receipts.consecutiveFailures(channel)).toBe(0);
  });

  it('a duplicate notification (same inboundMessageId) changes nothing twice', async () => {
    const p = await inboundPipeline();
    const id = randomUUID();
    // SNS redelivers with a new SNS MessageId; the SMS's own id is what de-duplicates.
    await p.inbound(sqsEvent([{ body: twoWay('+14255550103', 'JOIN carol', id) }]), context);
    const first = await p.store.channelState('sms:+14255550103');
    const res = await p.inbound(
      sqsEvent([
        { body: twoWay('+14255550103', 'JOIN carol', id), id: 'again-1' },
        { body: twoWay('+14255550103', 'JOIN carol', id), id: 'again-2' },
      ]),
      context,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(await p.store.channelState('sms:+14255550103')).toEqual(first);
    expect(await p.store.listMembers()).toMatchObject({ members: [{ nick: 'carol' }] });
    // One welcome, not three: wait for it, then for a later marker message to prove nothing else came.
    await eventually(p.jobs, (j) => j.length >= 1, 'the welcome job');
    await p.inbound(sqsEvent([{ body: twoWay('+14255550199', 'JOIN marker') }]), context);
    const jobs = await eventually(
      p.jobs,
      (j) => j.some((x) => x.job.recipients[0]?.channel === 'sms:+14255550199'),
      'the marker welcome',
    );
    expect(jobs.filter((j) => j.job.recipients[0]?.channel === 'sms:+14255550103')).toHaveLength(1);
  });

  it('drops what is not a two-way SMS without failing the batch, and ingests the rest', async () => {
    const p = await inboundPipeline();
    const res = await p.inbound(
      sqsEvent([
        { body: 'not json at all', id: 'garbage' },
        {
          body: JSON.stringify({ Type: 'SubscriptionConfirmation', TopicArn: TWO_WAY_TOPIC }),
          id: 'confirm',
        },
        { body: snsBody(TWO_WAY_TOPIC, 'hello from another publisher'), id: 'other' },
        { body: smsEvent('m-1', 'TEXT_DELIVERED'), id: 'event-on-wrong-topic' },
        {
          body: snsBody(
            TWO_WAY_TOPIC,
            JSON.stringify({
              originationNumber: '+14255550104',
              destinationNumber: '+15559999999',
              messageBody: 'JOIN mallory',
              inboundMessageId: randomUUID(),
            }),
          ),
          id: 'to-another-number',
        },
        { body: twoWay('+14255550105', 'JOIN dave'), id: 'real' },
      ]),
      context,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(await p.store.memberByNick('dave')).toBeDefined();
    expect(await p.store.memberByNick('mallory')).toBeUndefined();
    expect(await p.store.channelState('sms:+14255550104')).toBeUndefined();
  });
});

describe('delivery events (functions/sms-events.ts)', () => {
  async function eventsBot() {
    const b = await bot();
    const receipts = new DynamoSmsReceipts(b.doc, b.table);
    const q = await freshQueue();
    const events = composeSmsEvents(b.core, { queue: new SqsJobQueue(q.sqs, q.queueUrl) });
    const today = new Date().toISOString();
    const sent = async (messageId: string) =>
      receipts.recordSent({
        echoId: `https://bot/posts/1#${messageId}`,
        memberId: 'm1',
        channel: 'sms:+14255550100',
        provider: 'aws',
        messageId,
        parts: 1,
        at: today,
      });
    return { ...b, receipts, events, sent, day: today.slice(0, 10) };
  }

  it('a delivered event marks the SMS delivered; a duplicate is ignored', async () => {
    const b = await eventsBot();
    const id = randomUUID();
    await b.sent(id);
    // A pending event first (TEXT_SUCCESSFUL, not final), then the final one, then SNS redelivers it.
    for (const body of [smsEvent(id, 'TEXT_SUCCESSFUL', false), smsEvent(id, 'TEXT_DELIVERED')]) {
      const res = await b.events(sqsEvent([{ body }]), context);
      expect(res.batchItemFailures).toEqual([]);
    }
    expect(await b.receipts.sentSms('aws', id)).toMatchObject({ state: 'delivered' });
    const counts = await b.receipts.dayCounts(b.day);
    expect(counts).toMatchObject({ sent: 1, delivered: 1, failed: 0 });

    const res = await b.events(
      sqsEvent([
        { body: smsEvent(id, 'TEXT_DELIVERED'), id: 'dup' },
        { body: smsEvent(id, 'TEXT_CARRIER_UNREACHABLE'), id: 'late-failure' },
      ]),
      context,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(await b.receipts.sentSms('aws', id)).toMatchObject({ state: 'delivered' });
    expect(await b.receipts.dayCounts(b.day)).toEqual(counts);
  });

  it('a failed final event is recorded with its code', async () => {
    const b = await eventsBot();
    const id = randomUUID();
    await b.sent(id);
    await b.events(sqsEvent([{ body: smsEvent(id, 'TEXT_BLOCKED') }]), context);
    expect(await b.receipts.sentSms('aws', id)).toMatchObject({ state: 'failed', errorCode: 'TEXT_BLOCKED' });
    expect((await b.receipts.dayCounts(b.day)).topFailures).toEqual([{ code: 'TEXT_BLOCKED', count: 1 }]);
  });

  it('an event for an unknown message id, or one that is not an SMS event, is ignored without failing', async () => {
    const b = await eventsBot();
    const before = await b.receipts.dayCounts(b.day);
    const unknown = randomUUID();
    const res = await b.events(
      sqsEvent([
        { body: smsEvent(unknown, 'TEXT_DELIVERED'), id: 'unknown' },
        {
          body: snsBody(EVENTS_TOPIC, JSON.stringify({ eventType: 'VOICE_COMPLETED', isFinal: true })),
          id: 'voice',
        },
        { body: '{}', id: 'empty' },
      ]),
      context,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(await b.receipts.sentSms('aws', unknown)).toBeUndefined();
    expect(await b.receipts.dayCounts(b.day)).toEqual(before);
  });
});
