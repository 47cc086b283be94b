import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../lib/edges/twilio.ts';

export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export interface SmsWebhook {
  url: string;
  token: string;
  from: string;
  body: string;
  sid?: string;
  to?: string;
  /** Where to send it when the bot's public URL (what Twilio signs) is not where it listens (a leaf). */
  sendTo?: string;
}

/** Posts what Twilio posts (used by `npm run sms`, the tests and the console) for an inbound SMS, signed with the auth token. */
export async function sendSms(hook: SmsWebhook): Promise<{ status: number; text: string; sid: string }> {
  const sid = hook.sid ?? messageSid();
  const params = new URLSearchParams({
    ToCountry: 'US',
    SmsMessageSid: sid,
    NumMedia: '0',
    MessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: hook.from,
    To: hook.to ?? '+15550000000',
    Body: hook.body,
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  });
  const target = `${hook.url.replace(/\/$/, '')}/webhooks/twilio`;
  const res = await fetch(hook.sendTo ? `${hook.sendTo.replace(/\/$/, '')}/webhooks/twilio` : target, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(hook.token, target, params),
    },
    body: params.toString(),
  });
  return { status: res.status, text: await res.text(), sid };
}
