import { describe, expect, it } from 'vitest';
import { DynamoSmsReceipts } from '../../lib/adapters/dynamodb/dynamo-sms-receipts.ts';
import { DynamoStats } from '../../lib/adapters/dynamodb/dynamo-stats.ts';
import type { DeliveryReceipt } from '../../lib/domain/sms-receipts.ts';
import type { Channel } from '../../lib/domain/types.ts';
import { parseSmsEvent } from '../../lib/edges/aws-sms-sns.ts';
import { parseTwilioStatus } from '../../lib/edges/twilio-status.ts';
import type { SentSms } from '../../lib/ports/sms-receipts.ts';
import { freshTable } from '../support/aws-local.ts';
import { newMessageSid } from '../support/fake-twilio-api.ts';

// Far ahead, so DynamoDB Local's TTL sweeper never deletes these items during the run.
const DAY = '2099-03-04';
const at = (hh: string) => `${DAY}T${hh}:00:00.000Z`;

async function harness() {
  const t = await freshTable();
  return { ...t, receipts: new DynamoSmsReceipts(t.doc, t.table) };
}

function sent(channel: Channel, over: Partial<SentSms> = {}): SentSms {
  return {
    echoId: `post-${Math.random()}#m1`,
    memberId: 'm1',
    channel,
    provider: 'twilio',
    messageId: newMessageSid(),
    parts: 1,
    at: at('10'),
    ...over,
  };
}

const receipt = (sms: SentSms, over: Partial<DeliveryReceipt>): DeliveryReceipt => ({
  provider: sms.provider,
  messageId: sms.messageId,
  state: 'delivered',
  ...over,
});

describe('SMS delivery receipts in DynamoDB', () => {
  it('a delivered receipt marks the SMS delivered and counts it for the day it was sent', async () => {
    const { receipts } = await harness();
    const sms = sent('sms:+14255550101');
    await receipts.recordSent(sms);
    const r = await receipts.recordReceipt(receipt(sms, { state: 'delivered', parts: 2 }));
    expect(r).toMatchObject({
      result: 'recorded',
      failStreak: 0,
      extraParts: 1,
      sms: { state: 'delivered', parts: 2 },
    });
    expect(await receipts.sentSms('twilio', sms.messageId)).toMatchObject({
      echoId: sms.echoId,
      memberId: 'm1',
      state: 'delivered',
      parts: 2,
    });
    expect(await receipts.dayCounts(DAY)).toEqual({ sent: 1, delivered: 1, failed: 0, topFailures: [] });
  });

  it('duplicates change nothing twice: the same callback, or a second final receipt', async () => {
    const { receipts } = await harness();
    const sms = sent('sms:+14255550102');
    await receipts.recordSent(sms);
    await receipts.recordSent(sms); // a retried recordSent is one SMS
    const failed = receipt(sms, { state: 'failed', errorCode: '30006', permanent: true });
    expect(await receipts.recordReceipt(failed)).toMatchObject({
      result: 'recorded',
      failStreak: 1,
      extraParts: 0,
    });
    expect(await receipts.recordReceipt(failed)).toMatchObject({ result: 'duplicate' });
    expect(await receipts.recordReceipt(receipt(sms, { state: 'delivered' }))).toMatchObject({
      result: 'duplicate',
      sms: { state: 'failed', errorCode: '30006' },
    });
    expect(await receipts.dayCounts(DAY)).toEqual({
      sent: 1,
      delivered: 0,
      failed: 1,
      topFailures: [{ code: '30006', count: 1 }],
    });
    expect(await receipts.consecutiveFailures(sms.channel)).toBe(1);
  });

  it('the same receipt applied concurrently is counted once', async () => {
    const { receipts } = await harness();
    const sms = sent('sms:+14255550103');
    await receipts.recordSent(sms);
    const apply = () => receipts.recordReceipt(receipt(sms, { state: 'delivered' }));
    const settled = await Promise.allSettled(Array.from({ length: 5 }, apply));
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.result] : []));
    expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
    // A copy that lost a transaction conflict threw (the provider retries it): its retry is a duplicate.
    for (const s of settled) if (s.status === 'rejected') expect((await apply()).result).toBe('duplicate');
    expect((await receipts.dayCounts(DAY)).delivered).toBe(1);
  });

  it('an unknown message id is "unknown" and writes nothing', async () => {
    const { receipts, doc, table } = await harness();
    const r = await receipts.recordReceipt({
      provider: 'twilio',
      messageId: newMessageSid(),
      state: 'delivered',
    });
    expect(r).toEqual({ result: 'unknown' });
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    expect((await doc.send(new ScanCommand({ TableName: table }))).Items ?? []).toEqual([]);
  });

  it('a pending receipt counts nothing and leaves the SMS waiting for its final one', async () => {
    const { receipts } = await harness();
    const sms = sent('sms:+14255550104');
    await receipts.recordSent(sms);
    expect(await receipts.recordReceipt(receipt(sms, { state: 'pending' }))).toMatchObject({
      result: 'pending',
    });
    expect(await receipts.dayCounts(DAY)).toMatchObject({ sent: 1, delivered: 0, failed: 0 });
    expect(await receipts.recordReceipt(receipt(sms, { state: 'delivered' }))).toMatchObject({
      result: 'recorded',
    });
  });

  it('permanent failures in a row build a streak; a transient one does not; a delivery or a reset ends it', async () => {
    const { receipts } = await harness();
    const channel: Channel = 'sms:+14255550105';
    const fail = async (over: Partial<DeliveryReceipt>) => {
      const sms = sent(channel);
      await receipts.recordSent(sms);
      return receipts.recordReceipt(receipt(sms, { state: 'failed', ...over }));
    };
    expect(await fail({ errorCode: '30005', permanent: true })).toMatchObject({ failStreak: 1 });
    expect(await fail({ errorCode: '30003', permanent: false })).toMatchObject({ failStreak: 1 });
    expect(await fail({ errorCode: '30005', permanent: true })).toMatchObject({ failStreak: 2 });
    expect(await fail({ errorCode: '30006', permanent: true })).toMatchObject({ failStreak: 3 });
    expect(await receipts.consecutiveFailures(channel)).toBe(3);
    expect(await receipts.consecutiveFailures('sms:+14255550199')).toBe(0);

    const ok = sent(channel);
    await receipts.recordSent(ok);
    expect(await receipts.recordReceipt(receipt(ok, { state: 'delivered' }))).toMatchObject({
      failStreak: 0,
    });
    expect(await fail({ errorCode: '30005', permanent: true })).toMatchObject({ failStreak: 1 });
    await receipts.resetFailures(channel);
    expect(await receipts.consecutiveFailures(channel)).toBe(0);
  });

  it("the day's counts: sent, delivered, failed, the most common failure codes first", async () => {
    const { receipts } = await harness();
    const outcomes: Array<[string, Partial<DeliveryReceipt>]> = [
      ['1', { state: 'delivered' }],
      ['2', { state: 'delivered' }],
      ['3', { state: 'failed', errorCode: '30003' }],
      ['4', { state: 'failed', errorCode: '30006' }],
      ['5', { state: 'failed', errorCode: '30006' }],
      ['6', { state: 'failed', errorCode: '30007' }],
      ['7', { state: 'pending' }],
    ];
    for (const [i, over] of outcomes) {
      const sms = sent(`sms:+1425555020${i}`);
      await receipts.recordSent(sms);
      await receipts.recordReceipt(receipt(sms, over));
    }
    // Sent on another day: counted there, not here.
    const tomorrow = sent('sms:+14255550300', { at: '2099-03-05T01:00:00.000Z' });
    await receipts.recordSent(tomorrow);
    await receipts.recordReceipt(receipt(tomorrow, { state: 'failed', errorCode: '30006' }));

    expect(await receipts.dayCounts(DAY, 2)).toEqual({
      sent: 7,
      delivered: 2,
      failed: 4,
      topFailures: [
        { code: '30006', count: 2 },
        { code: '30003', count: 1 },
      ],
    });
    expect(await receipts.dayCounts('2099-03-05')).toMatchObject({ sent: 1, failed: 1 });
  });

  it('real-shaped receipts from both providers land on their SMS', async () => {
    const { receipts } = await harness();
    const aws = sent('sms:+14255550401', {
      provider: 'aws',
      messageId: '862a8790-60c0-4430-9b2b-658bdexample',
    });
    const tw = sent('sms:+14255550402');
    await receipts.recordSent(aws);
    await receipts.recordSent(tw);
    const event = parseSmsEvent(
      JSON.stringify({
        eventType: 'TEXT_CARRIER_UNREACHABLE',
        isFinal: true,
        messageId: aws.messageId,
        messageStatus: 'CARRIER_UNREACHABLE',
        destinationPhoneNumber: '+14255550401',
        context: { echoId: aws.echoId },
        totalMessageParts: 1,
      }),
    );
    if (event.kind !== 'receipt') throw new Error('expected a receipt');
    expect(await receipts.recordReceipt(event.receipt)).toMatchObject({
      result: 'recorded',
      failStreak: 0,
      sms: { state: 'failed', errorCode: 'TEXT_CARRIER_UNREACHABLE', echoId: aws.echoId },
    });
    const callback = parseTwilioStatus(
      new URLSearchParams({ MessageSid: tw.messageId, MessageStatus: 'delivered', NumSegments: '2' }),
    );
    expect(await receipts.recordReceipt(callback)).toMatchObject({ result: 'recorded', sms: { parts: 2 } });
    // The same id under the other provider is not ours.
    expect(await receipts.recordReceipt({ ...callback, provider: 'aws' })).toEqual({ result: 'unknown' });
  });

  it("the receipts' counters share the day's partition without showing up as echoes", async () => {
    const { receipts, doc, table } = await harness();
    const sms = sent('sms:+14255550501');
    await receipts.recordSent(sms);
    await receipts.recordReceipt(receipt(sms, { state: 'failed', errorCode: '30006' }));
    const stats = new DynamoStats(doc, table);
    await stats.countEchoes({ sms: 1 }, new Date(at('10')));
    expect(await stats.echoesOn(DAY)).toEqual({ sms: 1 });
    expect((await stats.echoesByHour(new Date(at('12')))).find((h) => h.hour === `${DAY}T10`)?.count).toBe(1);
  });
});
