import * as z from 'zod/mini';
import { E164 } from '../domain/channel.ts';
import { type SmsSendOutcome, twilioCodeOutcome, twilioErrorOutcome } from '../domain/sms-outcomes.ts';
import '../domain/zod-messages.ts';
import type { SmsProvider, SmsRequest } from '../ports/sms-provider.ts';

export const DEFAULT_TWILIO_API_URL = 'https://api.twilio.com';

/** HTTP Basic credentials: the account's auth token, or an API key (`SK...`) and its secret. */
export type TwilioAuth = { authToken: string } | { apiKey: string; apiSecret: string };

export interface TwilioSmsSenderOptions {
  /** `TWILIO_ACCOUNT_SID` (`AC...`): the account the Messages resource lives under. */
  accountSid: string;
  /** Read on each send (SSM-cached on AWS), never logged. */
  auth: () => Promise<TwilioAuth>;
  /** The bot's number, E.164 (`ECHOBOT_SMS_NUMBER`): every SMS leaves from it. */
  from: string;
  /** `TWILIO_MESSAGING_SERVICE_SID` (`MG...`): sent with `From`, so the service's features apply and the number stays the bot's. */
  messagingServiceSid?: string;
  /** `<public base URL>/webhooks/twilio/status`. */
  statusCallback?: string;
  /** `TWILIO_API_URL`; default https://api.twilio.com. */
  apiUrl?: string;
  timeoutMs?: number;
}

const created = z.looseObject({
  sid: z.string(),
  status: z.optional(z.string()),
  error_code: z.optional(z.union([z.number(), z.string(), z.null()])),
  // A string in the 2010 API ("1"); "0" with a Messaging Service until a sender is picked.
  num_segments: z.optional(z.union([z.string(), z.number(), z.null()])),
});

const failure = z.looseObject({ code: z.optional(z.union([z.number(), z.string()])) });

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
const SERVICE_SID = /^MG[0-9a-f]{32}$/i;

function toInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/**
 * SMS through Twilio's Messages API with a plain `fetch` (the `twilio` package is ~17 MB and
 * does not tree-shake): `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, HTTP Basic.
 * No error or log line built here contains the credentials.
 */
export class TwilioSmsSender implements SmsProvider {
  readonly name = 'twilio' as const;
  readonly from: string;
  private readonly url: string;

  constructor(private readonly options: TwilioSmsSenderOptions) {
    if (!options.from || !E164.test(options.from))
      throw new Error(
        `the bot's SMS number must be an E.164 number like +15550001111 (ECHOBOT_SMS_NUMBER), got ${JSON.stringify(options.from ?? '')}`,
      );
    if (!ACCOUNT_SID.test(options.accountSid))
      throw new Error('TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits');
    if (options.messagingServiceSid !== undefined && !SERVICE_SID.test(options.messagingServiceSid))
      throw new Error('TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits');
    this.from = options.from;
    const base = (options.apiUrl ?? DEFAULT_TWILIO_API_URL).replace(/\/+$/, '');
    this.url = `${base}/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  }

  async send(sms: SmsRequest): Promise<SmsSendOutcome> {
    if (!E164.test(sms.to)) return { kind: 'never', reason: 'invalid-number', code: 'not-e164' };
    const form = new URLSearchParams({ To: sms.to, From: this.from, Body: sms.text });
    if (this.options.messagingServiceSid) form.set('MessagingServiceSid', this.options.messagingServiceSid);
    if (this.options.statusCallback) form.set('StatusCallback', this.options.statusCallback);
    let res: Response;
    try {
      const auth = await this.options.auth();
      const [user, password] =
        'authToken' in auth ? [this.options.accountSid, auth.authToken] : [auth.apiKey, auth.apiSecret];
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch {
      // Timeout, refused connection, or the credentials could not be read: all worth a retry.
      return twilioErrorOutcome(undefined, undefined);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const parsed = created.safeParse(body);
      // Accepted but unreadable: Twilio has it, so it must not be sent again.
      if (!parsed.success) return { kind: 'sent', messageId: '' };
      const code = toInt(parsed.data.error_code);
      const refused = code !== undefined && code !== 0 ? twilioCodeOutcome(code) : undefined;
      if (refused && refused.kind !== 'retry') return refused;
      const parts = toInt(parsed.data.num_segments);
      return { kind: 'sent', messageId: parsed.data.sid, ...(parts ? { parts } : {}) };
    }
    const parsed = failure.safeParse(body);
    const retryAfter = toInt(res.headers.get('retry-after'));
    return twilioErrorOutcome(res.status, parsed.success ? toInt(parsed.data.code) : undefined, retryAfter);
  }
}
