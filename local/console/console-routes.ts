import * as z from 'zod';
import { BadRequestError } from '../../lib/domain/errors.ts';
import { bodyText, requireContentType } from '../../lib/edges/http-request.ts';
import type { Route } from '../../lib/edges/http-router.ts';
import { twilioSignature } from '../../lib/edges/twilio.ts';
import type { ConsoleFeed } from './console-feed.ts';
import { consolePage } from './console-page.ts';

export interface ConsoleDeps {
  /** The node's own base URL: the console calls its real webhook routes there. */
  url: string;
  twilioAuthToken: string;
  /** `TELEGRAM_SECRET_TOKEN`, sent as `X-Telegram-Bot-Api-Secret-Token` like Telegram does. */
  telegramSecret?: string;
  feed: ConsoleFeed;
}

const sendRequest = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('sms'),
    address: z.string().regex(/^\+[1-9]\d{5,14}$/, 'a phone number in E.164 form, e.g. +15550001111'),
    text: z.string().min(1).max(1600),
  }),
  z.object({
    channel: z.literal('telegram'),
    address: z.string().regex(/^[1-9]\d{0,14}$/, 'a Telegram user id (digits)'),
    text: z.string().min(1).max(4096),
  }),
]);
type SendRequest = z.infer<typeof sendRequest>;

let sequence = 0;

/** What Twilio posts for an inbound SMS, signed with the node's auth token. */
function twilioRequest(deps: ConsoleDeps, msg: SendRequest) {
  const sid = `SM${Date.now().toString(16)}${(sequence++).toString(16).padStart(6, '0')}`.padEnd(34, '0');
  const url = `${deps.url}/webhooks/twilio`;
  const params = new URLSearchParams({
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: msg.address,
    To: '+15550000000',
    Body: msg.text,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  });
  return {
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(deps.twilioAuthToken, url, params),
    },
    body: params.toString(),
  };
}

/** What Telegram posts for a private message (a bot `Update`), with the webhook's secret token. */
function telegramRequest(deps: ConsoleDeps, msg: SendRequest) {
  const id = Number(msg.address);
  const n = Date.now() * 100 + (sequence++ % 100);
  const update = {
    update_id: n,
    message: {
      message_id: n,
      from: { id, is_bot: false, first_name: `User ${id}` },
      chat: { id, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text: msg.text,
    },
  };
  return {
    url: `${deps.url}/webhooks/telegram`,
    headers: {
      'content-type': 'application/json',
      ...(deps.telegramSecret ? { 'x-telegram-bot-api-secret-token': deps.telegramSecret } : {}),
    },
    body: JSON.stringify(update),
  };
}

/**
 * The local console (`/console`): several simulated people at once, each typing through the
 * node's real, signed webhook routes. Mounted by the local node only; the deployed function
 * never has these routes.
 */
export function consoleRoutes(deps: ConsoleDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/console',
      handler: async () => ({
        statusCode: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'",
        },
        body: consolePage(),
      }),
    },
    {
      method: 'POST',
      path: '/console/send',
      handler: async (event) => {
        requireContentType(event, 'application/json');
        let raw: unknown;
        try {
          raw = JSON.parse(bodyText(event));
        } catch {
          throw new BadRequestError('body is not JSON');
        }
        const parsed = sendRequest.safeParse(raw);
        if (!parsed.success) throw new BadRequestError(parsed.error.issues.map((i) => i.message).join('; '));
        const msg = parsed.data;
        const request = msg.channel === 'sms' ? twilioRequest(deps, msg) : telegramRequest(deps, msg);
        const res = await fetch(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        const response = await res.text();
        deps.feed.add({
          at: new Date().toISOString(),
          method: 'POST',
          url: request.url,
          headers: request.headers,
          body: request.body,
          status: res.status,
          response,
        });
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ status: res.status }),
        };
      },
    },
  ];
}
