import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { twilioSignature } from '../../lib/edges/twilio.ts';

/** One `POST .../Messages.json` as Twilio would have received it. */
export interface TwilioSent {
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
  /** The Basic auth user: the account SID or an API key SID. */
  user: string;
}

/** An answer the fake gives instead of accepting: Twilio's JSON error, or a dropped connection. */
export type TwilioFailure = { status: number; code?: number; retryAfter?: number } | { drop: true };

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/**
 * A loopback stand-in for Twilio's Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json`
 * with HTTP Basic auth (the account SID and auth token, or an API key and secret), form-encoded
 * To, From or MessagingServiceSid, Body, StatusCallback. It answers 201 with the Message
 * resource, or Twilio's error body (`code`, `message`, `more_info`, `status`) on request, and can
 * post signed status callbacks the way Twilio does.
 */
export async function startFakeTwilioApi(account: {
  accountSid: string;
  authToken: string;
  apiKey?: string;
  apiSecret?: string;
  /** `num_segments` in the answer; "0" is what a Messaging Service answers before it picks a sender. */
  numSegments?: string;
}) {
  const sent: TwilioSent[] = [];
  const byNumber = new Map<string, TwilioFailure>();
  const next: TwilioFailure[] = [];
  let requests = 0;
  const valid = new Map<string, string>([[account.accountSid, account.authToken]]);
  if (account.apiKey && account.apiSecret) valid.set(account.apiKey, account.apiSecret);
  const path = `/2010-04-01/Accounts/${account.accountSid}/Messages.json`;

  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    requests++;
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const error = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
      answer(
        status,
        { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
        headers,
      );
    const [scheme, encoded] = String(req.headers.authorization ?? '').split(' ');
    const [user = '', password] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(/:(.*)/s);
    if (scheme !== 'Basic' || valid.get(user) !== password) return error(401, 20003, 'Authenticate');
    if (req.method !== 'POST' || req.url !== path)
      return error(404, 20404, 'The requested resource was not found');
    const form = new URLSearchParams(raw);
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body');
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!from && !service)
      return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
    if (!body) return error(400, 21602, 'Message body is required.');
    const failure = next.shift() ?? byNumber.get(to);
    if (failure && 'drop' in failure) {
      req.socket.destroy();
      return;
    }
    if (failure)
      return error(
        failure.status,
        failure.code ?? failure.status,
        `refused with ${failure.code ?? failure.status}`,
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
    const sid = newMessageSid();
    const callback = form.get('StatusCallback');
    sent.push({
      sid,
      to,
      ...(from ? { from } : {}),
      ...(service ? { messagingServiceSid: service } : {}),
      body,
      ...(callback ? { statusCallback: callback } : {}),
      user,
    });
    answer(201, {
      sid,
      account_sid: account.accountSid,
      to,
      from,
      messaging_service_sid: service,
      body,
      status: service ? 'accepted' : 'queued',
      num_segments: account.numSegments ?? '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      error_code: null,
      error_message: null,
      uri: `${path.replace('.json', '')}/${sid}.json`,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    sent,
    requests: () => requests,
    fail: (number: string, failure: TwilioFailure) => byNumber.set(number, failure),
    failNext: (failure: TwilioFailure) => next.push(failure),
    heal: (number: string) => byNumber.delete(number),
    /**
     * Posts a status callback for a sent message to its StatusCallback URL, signed with the auth
     * token like Twilio (plus a parameter Twilio added later, which receivers must tolerate).
     * `url` overrides where it goes, for a callback URL as Twilio saw it behind a proxy.
     */
    async callback(
      sid: string,
      status: string,
      extra: { errorCode?: string; numSegments?: string; url?: string } = {},
    ) {
      const message = sent.find((m) => m.sid === sid);
      const url = extra.url ?? message?.statusCallback;
      if (!message || !url) throw new Error(`no status callback URL for ${sid}`);
      const params = new URLSearchParams({
        AccountSid: account.accountSid,
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: status,
        SmsStatus: status,
        To: message.to,
        From: message.from ?? '',
        ApiVersion: '2010-04-01',
        NumSegments: extra.numSegments ?? account.numSegments ?? '1',
        ChannelToAddress: message.to.replace(/\d{4}$/, 'XXXX'),
        ...(extra.errorCode ? { ErrorCode: extra.errorCode } : {}),
      });
      return fetch(message.statusCallback ?? url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(account.authToken, url, params),
        },
        body: params,
      });
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
