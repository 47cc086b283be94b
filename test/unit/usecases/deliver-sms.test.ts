import { describe, expect, it } from 'vitest';
import type { SmsSendOutcome } from '../../../lib/domain/sms-outcomes.ts';
import type { OutboundMessage, Recipient } from '../../../lib/domain/types.ts';
import { noMetrics } from '../../../lib/ports/metrics.ts';
import type { SmsProvider, SmsRequest } from '../../../lib/ports/sms-provider.ts';
import type { SentSms, SmsReceiptStore } from '../../../lib/ports/sms-receipts.ts';
import {
  type SmsDeliverDeps,
  sendSmsVia,
  smsEchoId,
  smsUnreachable,
} from '../../../lib/usecases/deliver-sms.ts';

const ALICE: Recipient = { memberId: 'm1', channel: 'sms:+14255550101' };
const ECHO: OutboundMessage = { channel: ALICE.channel, text: 'bob: hi', kind: 'echo', postId: 'p1' };
const NOW = new Date('2099-05-06T07:08:09.000Z');

/** A provider that answers each send with the next outcome, and the receipts it would have recorded. */
function bridge(outcomes: SmsSendOutcome[], fails = 0) {
  const requests: SmsRequest[] = [];
  const recorded: SentSms[] = [];
  const charged: Array<[string, number]> = [];
  const alarms: string[] = [];
  const metrics: string[] = [];
  const copies: string[] = [];
  const provider: SmsProvider = {
    name: 'twilio',
    from: '+12125550101',
    send: async (sms) => {
      requests.push(sms);
      const next = outcomes.shift();
      if (!next) throw new Error('no outcome left');
      return next;
    },
  };
  const unused = async (): Promise<never> => {
    throw new Error('the bridge does not read receipts');
  };
  const receipts: SmsReceiptStore = {
    recordSent: async (sms) => void recorded.push(sms),
    consecutiveFailures: async () => fails,
    recordReceipt: unused,
    sentSms: unused,
    dayCounts: unused,
    resetFailures: unused,
  };
  const deps: SmsDeliverDeps = {
    provider,
    receipts,
    chargeParts: async (day, parts) => void charged.push([day, parts]),
    onSetupError: async (code) => void alarms.push(code),
    onSent: async (_m, sent) => void copies.push(sent.messageId),
  };
  const ctx = {
    log: () => undefined,
    metrics: { ...noMetrics, sms: (e: string) => void metrics.push(e) },
    now: NOW,
    jobId: 'j1',
  };
  const send = (attempt = 1) => sendSmsVia(deps, ctx, ALICE, ECHO, 'p1#m1', attempt);
  return { deps, send, requests, recorded, charged, alarms, metrics, copies };
}

describe('the SMS bridge: provider outcomes -> what deliver does', () => {
  it('sent: records the provider id against the echo with its parts, charges the parts it counted beyond ours', async () => {
    const b = bridge([{ kind: 'sent', messageId: 'SM1', parts: 3 }]);
    expect(await b.send()).toEqual({ kind: 'sent' });
    expect(b.requests).toEqual([{ to: '+14255550101', text: 'bob: hi', echoId: 'p1#m1' }]);
    expect(b.recorded).toEqual([
      {
        echoId: 'p1#m1',
        memberId: 'm1',
        channel: ALICE.channel,
        provider: 'twilio',
        messageId: 'SM1',
        parts: 3,
        at: NOW.toISOString(),
      },
    ]);
    expect(b.charged).toEqual([['2099-05-06', 2]]);
    expect(b.copies).toEqual(['SM1']);
  });

  it('sent without a part count: our own count, nothing extra charged', async () => {
    const b = bridge([{ kind: 'sent', messageId: 'id-1' }]);
    await b.send();
    expect(b.recorded[0]?.parts).toBe(1);
    expect(b.charged).toEqual([]);
  });

  it('retry: no receipt, no alarm for throttling; a set-up error raises the metric and the alert', async () => {
    const b = bridge([
      { kind: 'retry', reason: 'throttled', code: '20429', alarm: false, retryAfterSeconds: 7 },
      { kind: 'retry', reason: 'credentials', code: '20003', alarm: true },
    ]);
    expect(await b.send()).toEqual({ kind: 'retry', code: '20429', retryAfterSeconds: 7 });
    expect(await b.send()).toEqual({ kind: 'retry', code: '20003' });
    expect(b.recorded).toEqual([]);
    expect(b.alarms).toEqual(['20003']);
    expect(b.metrics).toEqual(['setup-error']);
  });

  it('a carrier retry that keeps failing becomes never once its attempts are used', async () => {
    const carrier: SmsSendOutcome = {
      kind: 'retry',
      reason: 'carrier',
      code: '30003',
      alarm: false,
      maxAttempts: 3,
    };
    const b = bridge([carrier, { ...carrier }]);
    expect(await b.send(2)).toMatchObject({ kind: 'retry' });
    expect(await b.send(3)).toEqual({ kind: 'never', reason: 'unreachable:30003' });
  });

  it('never and opted-out are final', async () => {
    const b = bridge([
      { kind: 'never', reason: 'invalid-number', code: '21211' },
      { kind: 'opted-out', code: '21610' },
    ]);
    expect(await b.send()).toEqual({ kind: 'never', reason: 'invalid-number:21211' });
    expect(await b.send()).toEqual({ kind: 'opted-out' });
    expect(b.recorded).toEqual([]);
  });

  it('a number is unreachable from the third permanent failure in a row', async () => {
    expect(await smsUnreachable(bridge([], 2).deps, ALICE)).toBe(false);
    expect(await smsUnreachable(bridge([], 3).deps, ALICE)).toBe(true);
  });

  it('names an echo by post and recipient, a reply by its own id', () => {
    const job = { id: 'j', postId: 'p9', text: 't', recipients: [ALICE], attempt: 0 };
    expect(smsEchoId(job, ALICE)).toBe('p9#m1');
    expect(smsEchoId({ ...job, kind: 'reply' }, ALICE)).toBe('p9');
  });
});
