import { describe, expect, it } from 'vitest';
import { BadRequestError, ForbiddenError } from '../../../lib/domain/errors.ts';
import { parseTwilioSms, twilioSignature, twiml, verifyTwilioSignature } from '../../../lib/edges/twilio.ts';

const docsUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docsParams = (caller: string) =>
  new URLSearchParams({
    CallSid: 'CA1234567890ABCDE',
    Caller: caller,
    Digits: '1234',
    From: caller,
    To: '+18005551212',
  });

describe('Twilio request signature', () => {
  // Published vectors (auth token 12345): Twilio's security docs and twilio-node's own test fixture.
  it.each([
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
  ])('matches the published signature for caller %s', (caller, expected) => {
    expect(twilioSignature('12345', docsUrl, docsParams(caller))).toBe(expected);
    expect(() => verifyTwilioSignature('12345', docsUrl, docsParams(caller), expected)).not.toThrow();
  });

  it('rejects a missing signature, a wrong token, another URL and a changed param', () => {
    const sig = twilioSignature('12345', docsUrl, docsParams('+14158675310'));
    expect(() => verifyTwilioSignature('12345', docsUrl, docsParams('+14158675310'), undefined)).toThrow(
      ForbiddenError,
    );
    expect(() => verifyTwilioSignature('54321', docsUrl, docsParams('+14158675310'), sig)).toThrow(
      ForbiddenError,
    );
    expect(() => verifyTwilioSignature('12345', `${docsUrl}&x=1`, docsParams('+14158675310'), sig)).toThrow(
      ForbiddenError,
    );
    expect(() => verifyTwilioSignature('12345', docsUrl, docsParams('+14158675311'), sig)).toThrow(
      ForbiddenError,
    );
  });
});

describe('parseTwilioSms', () => {
  const good = { MessageSid: `SM${'a'.repeat(32)}`, From: '+15550001111', To: '+15550000000', Body: 'hi' };

  it('turns the webhook into a message on an sms channel', () => {
    expect(parseTwilioSms(new URLSearchParams(good))).toEqual({
      provider: 'twilio',
      messageId: good.MessageSid,
      channel: 'sms:+15550001111',
      text: 'hi',
    });
  });

  it.each([
    [{ ...good, MessageSid: undefined }, 'MessageSid is required'],
    [{ ...good, From: undefined }, 'From is required'],
    [{ ...good, Body: undefined }, 'Body is required'],
    [{ ...good, From: 'alice' }, 'From must be an E.164 phone number'],
    [{ ...good, MessageSid: 'nope' }, 'MessageSid must look like'],
  ])('refuses a body missing or mangling a field (%#)', (fields, reason) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.set(k, v);
    expect(() => parseTwilioSms(params)).toThrow(BadRequestError);
    expect(() => parseTwilioSms(params)).toThrow(reason);
  });
});

describe('twiml', () => {
  it('escapes the reply and answers empty when there is none', () => {
    expect(twiml('a <b> & "c"')).toContain('<Message>a &lt;b&gt; &amp; &quot;c&quot;</Message>');
    expect(twiml(undefined)).toMatch(/<Response\/>$/);
  });
});
