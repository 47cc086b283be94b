import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lib/domain/errors.ts';
import { parseSmsEvent, parseTwoWaySms } from '../../../lib/edges/aws-sms-sns.ts';
import { parseTwilioStatus } from '../../../lib/edges/twilio-status.ts';

const BOT = '+12125550101';
// AWS's own example payloads (two-way SMS, SMS event), with our context added.
const twoWay = {
  originationNumber: '+14255550182',
  destinationNumber: BOT,
  messageKeyword: 'JOIN',
  messageBody: 'JOIN alice',
  inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
  previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const event = {
  eventType: 'TEXT_DELIVERED',
  eventVersion: '1.0',
  eventTimestamp: 1686975103470,
  isFinal: true,
  originationPhoneNumber: BOT,
  destinationPhoneNumber: '+14255550156',
  isInternationalSend: false,
  mcc: '310',
  mnc: '800',
  messageId: '862a8790-60c0-4430-9b2b-658bdexample',
  messageRequestTimestamp: 1686975103170,
  messageEncoding: 'GSM',
  messageType: 'TRANSACTIONAL',
  messageStatus: 'DELIVERED',
  messageStatusDescription: 'Message has been accepted by phone',
  context: { echoId: 'https://bot.example/p/1#m2' },
  totalMessageParts: 2,
  totalMessagePrice: 0.00581,
  totalCarrierFee: 0.003,
};

describe('two-way SMS from the SNS topic', () => {
  it('becomes the inbound message ingest takes, keyed by inboundMessageId, answered through the queue', () => {
    expect(parseTwoWaySms(JSON.stringify(twoWay), BOT)).toEqual({
      kind: 'message',
      message: {
        provider: 'aws',
        messageId: twoWay.inboundMessageId,
        channel: 'sms:+14255550182',
        text: 'JOIN alice',
        replyBy: 'queue',
      },
    });
  });

  it('keeps STOP as text: self-managed opt-outs reach the bot', () => {
    const r = parseTwoWaySms(JSON.stringify({ ...twoWay, messageKeyword: 'STOP', messageBody: 'STOP' }));
    expect(r).toMatchObject({ kind: 'message', message: { text: 'STOP' } });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a delivery event on the wrong topic', JSON.stringify(event)],
    ['a sender that is not a phone number', JSON.stringify({ ...twoWay, originationNumber: 'AMAZON' })],
    ['no inboundMessageId', JSON.stringify({ ...twoWay, inboundMessageId: undefined })],
    ['a body longer than an SMS', JSON.stringify({ ...twoWay, messageBody: 'x'.repeat(1601) })],
  ])('%s is not ours (logged and dropped, not a failed batch)', (_what, message) => {
    expect(parseTwoWaySms(message, BOT)).toMatchObject({ kind: 'not-ours', reason: expect.any(String) });
  });

  it('an SMS to another number is not ours', () => {
    expect(parseTwoWaySms(JSON.stringify(twoWay), '+15550009999')).toMatchObject({ kind: 'not-ours' });
  });

  it('never throws, whatever the notification holds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseTwoWaySms(text, BOT);
        expect(['message', 'not-ours']).toContain(r.kind);
      }),
    );
  });

  it('any well-formed message parses, extra fields tolerated', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\+[1-9]\d{7,14}$/),
        fc.string({ maxLength: 1600 }),
        fc.uuid(),
        fc.dictionary(fc.stringMatching(/^x[a-z]{1,8}$/), fc.string()),
        (from, body, id, extra) => {
          const r = parseTwoWaySms(
            JSON.stringify({
              ...extra,
              ...twoWay,
              originationNumber: from,
              messageBody: body,
              inboundMessageId: id,
            }),
            BOT,
          );
          expect(r).toEqual({
            kind: 'message',
            message: { provider: 'aws', messageId: id, channel: `sms:${from}`, text: body, replyBy: 'queue' },
          });
        },
      ),
    );
  });
});

describe('delivery events from the configuration set', () => {
  it('a final TEXT_DELIVERED is a delivered receipt with the parts AWS billed and our echo id', () => {
    expect(parseSmsEvent(JSON.stringify(event))).toEqual({
      kind: 'receipt',
      receipt: {
        provider: 'aws',
        messageId: event.messageId,
        state: 'delivered',
        parts: 2,
        echoId: 'https://bot.example/p/1#m2',
      },
    });
  });

  it('a blocked number is a permanent failure with its event type as the code', () => {
    const r = parseSmsEvent(
      JSON.stringify({ ...event, eventType: 'TEXT_BLOCKED', messageStatus: 'BLOCKED' }),
    );
    expect(r).toMatchObject({ receipt: { state: 'failed', errorCode: 'TEXT_BLOCKED', permanent: true } });
  });

  it('a non-final event is pending', () => {
    const r = parseSmsEvent(JSON.stringify({ ...event, eventType: 'TEXT_SUCCESSFUL', isFinal: false }));
    expect(r).toMatchObject({ receipt: { state: 'pending' } });
  });

  it.each([
    ['a voice event', JSON.stringify({ ...event, eventType: 'VOICE_COMPLETED' })],
    ['a two-way message on the wrong topic', JSON.stringify(twoWay)],
    ['no messageId', JSON.stringify({ ...event, messageId: undefined })],
    ['not JSON', '{'],
  ])('%s is not ours', (_what, message) => {
    expect(parseSmsEvent(message)).toMatchObject({ kind: 'not-ours' });
  });

  it('never throws, whatever the notification holds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(['receipt', 'not-ours']).toContain(parseSmsEvent(text).kind);
      }),
    );
  });
});

describe('Twilio status callbacks', () => {
  const sid = `SM${'0123456789abcdef'.repeat(2)}`;
  const callback = (extra: Record<string, string>) =>
    new URLSearchParams({
      AccountSid: `AC${'f'.repeat(32)}`,
      MessageSid: sid,
      SmsSid: sid,
      ApiVersion: '2010-04-01',
      From: BOT,
      To: '+14255550156',
      ...extra,
    });

  it('delivered, with the segments Twilio counted', () => {
    expect(parseTwilioStatus(callback({ MessageStatus: 'delivered', NumSegments: '3' }))).toEqual({
      provider: 'twilio',
      messageId: sid,
      state: 'delivered',
      parts: 3,
    });
  });

  it('undelivered to a landline: a permanent failure with the carrier code', () => {
    expect(parseTwilioStatus(callback({ MessageStatus: 'undelivered', ErrorCode: '30006' }))).toEqual({
      provider: 'twilio',
      messageId: sid,
      state: 'failed',
      errorCode: '30006',
      permanent: true,
    });
  });

  it('sent is still pending', () => {
    expect(parseTwilioStatus(callback({ MessageStatus: 'sent' }))).toMatchObject({ state: 'pending' });
  });

  it.each([
    ['no MessageSid', { MessageSid: '', MessageStatus: 'delivered' }, 'MessageSid is required'],
    ['no MessageStatus', { MessageStatus: '' }, 'MessageStatus is required'],
    ['a bad MessageSid', { MessageSid: 'XX1', MessageStatus: 'delivered' }, 'MessageSid'],
    ['a non-numeric ErrorCode', { MessageStatus: 'failed', ErrorCode: 'boom' }, 'ErrorCode'],
  ])('%s is a 400', (_what, fields, message) => {
    expect(() => parseTwilioStatus(callback(fields))).toThrow(BadRequestError);
    expect(() => parseTwilioStatus(callback(fields))).toThrow(message);
  });

  it('any form is a receipt or a BadRequestError, never another failure', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('MessageSid', 'MessageStatus', 'ErrorCode', 'NumSegments', 'X'),
          fc.string(),
        ),
        (fields) => {
          try {
            expect(parseTwilioStatus(new URLSearchParams(fields)).provider).toBe('twilio');
          } catch (err) {
            expect(err).toBeInstanceOf(BadRequestError);
          }
        },
      ),
    );
  });

  it('tolerates any parameters Twilio adds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z][A-Za-z]{2,20}$/), fc.string()), (extra) => {
        const params = new URLSearchParams(extra);
        for (const [k, v] of callback({ MessageStatus: 'delivered' })) params.set(k, v);
        params.delete('ErrorCode');
        params.delete('NumSegments');
        expect(parseTwilioStatus(params)).toEqual({ provider: 'twilio', messageId: sid, state: 'delivered' });
      }),
    );
  });
});
