import type { HttpEvent } from '../../../lib/drivers/http-app.ts';
import { IM_MAX_SKEW_SECONDS, imSignature, verifyImSignature } from '../../../lib/edges/im-bridge.ts';
import { TELEGRAM_SECRET_HEADER, verifyTelegramSecret } from '../../../lib/edges/telegram.ts';
import { twilioSignature, verifyTwilioSignature } from '../../../lib/edges/twilio.ts';
import { DOMAIN, functionUrlEvent, TOKEN } from '../../fakes/function-url-event.ts';
import { messageSid } from '../../support/twilio-phone.ts';

/** One forged request and what was changed to make it. */
export interface Forgery {
  what: string;
  event: HttpEvent;
  /** A status besides 4xx that also refuses this forgery (the inbox's 503 for a key it cannot fetch). */
  alsoRefused?: number;
}

/**
 * An inbound route as the forgery suite sees it: a genuine signed request from a member, the
 * mutations of it that must all be refused, and the provider's published example. The merger
 * adds Telegram, the IM bridge and the ActivityPub inbox (./activitypub-route.ts) as one entry each.
 */
export interface InboundRoute {
  name: string;
  /**
   * The channel kind the route's sender is reached on (`from` is an address of this kind);
   * `activitypub`: `from` is a remote actor's nick on a loopback fediverse server.
   */
  kind: 'sms' | 'telegram' | 'im' | 'activitypub';
  /** What the genuine request gets: its status and the prefix of the item it writes (200, `POST#`). */
  accepted?: { status: number; itemPrefix: string };
  genuine(from: string, text: string): HttpEvent;
  forgeries(from: string, text: string): Forgery[];
  publishedExampleVerifies(): boolean | Promise<boolean>;
}

function flipByte(s: string, i: number, bit = 0x01): string {
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ bit) + s.slice(i + 1);
}

const sameParams = (a: string, b: string) => {
  const sort = (s: string) => [...new URLSearchParams(s)].map(([k, v]) => `${k}=${v}`).sort();
  return JSON.stringify(sort(a)) === JSON.stringify(sort(b));
};

const twilioParams = (from: string, text: string) =>
  new URLSearchParams({
    MessageSid: messageSid(),
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: '+15550000000',
    Body: text,
    NumSegments: '1',
  });

const twilioUrl = `https://${DOMAIN}/webhooks/twilio`;

function twilioRequest(body: string, signature: string | undefined, headers: Record<string, string> = {}) {
  return functionUrlEvent({
    path: '/webhooks/twilio',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
      ...headers,
    },
    body,
  });
}

export const twilioRoute: InboundRoute = {
  name: 'Twilio SMS webhook',
  kind: 'sms',
  genuine(from, text) {
    const params = twilioParams(from, text);
    return twilioRequest(params.toString(), twilioSignature(TOKEN, twilioUrl, params));
  },
  forgeries(from, text) {
    const params = twilioParams(from, text);
    const body = params.toString();
    const sig = twilioSignature(TOKEN, twilioUrl, params);
    const out: Forgery[] = [];
    // A flipped byte anywhere in the body (unless it decodes to the very same parameters).
    for (let i = 0; i < body.length; i++) {
      const forged = flipByte(body, i);
      if (!sameParams(forged, body)) out.push({ what: `body byte ${i}`, event: twilioRequest(forged, sig) });
    }
    // A flipped byte in the signature header, a truncated, padded or missing one.
    for (let i = 0; i < sig.length; i++)
      out.push({ what: `signature byte ${i}`, event: twilioRequest(body, flipByte(sig, i)) });
    for (const n of [0, 1, 10, sig.length - 1])
      out.push({ what: `signature truncated to ${n}`, event: twilioRequest(body, sig.slice(0, n)) });
    out.push({ what: 'signature missing', event: twilioRequest(body, undefined) });
    out.push({ what: 'signature with trailing byte', event: twilioRequest(body, `${sig}A`) });
    // Signed for another URL: a flipped byte in it, another scheme, port, host or path.
    const urls = [
      `http://${DOMAIN}/webhooks/twilio`,
      `https://${DOMAIN}:443/webhooks/twilio`,
      `https://${DOMAIN}:8443/webhooks/twilio`,
      `https://evil.example/webhooks/twilio`,
      `https://${DOMAIN}/webhooks/twilio/`,
      `https://${DOMAIN}/webhooks/twilio?x=1`,
      ...Array.from({ length: twilioUrl.length }, (_, i) => flipByte(twilioUrl, i)),
    ];
    for (const url of urls)
      out.push({
        what: `signed for ${url}`,
        event: twilioRequest(body, twilioSignature(TOKEN, url, params)),
      });
    // Signed with the wrong key.
    for (const key of ['', 'wrong-token', `${TOKEN}x`, TOKEN.toUpperCase()])
      out.push({
        what: `signed with key "${key}"`,
        event: twilioRequest(body, twilioSignature(key, twilioUrl, params)),
      });
    // Twilio signs no timestamp (a replay is stopped by MessageSid de-duplication instead).
    return out;
  },
  publishedExampleVerifies() {
    // Twilio's security docs: auth token 12345, this URL and these params give this signature.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    });
    verifyTwilioSignature('12345', url, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
    return true;
  },
};

/** The secrets the forgery suite's http app is configured with. */
export const TELEGRAM_SECRET = 'tg_Secret-token_0123456789abcdefABCDEF';
export const IM_SECRET = 'im-bridge-shared-secret-0123456789';

/** Every byte of `secret` flipped (xor 1, case swapped, replaced), every truncation, and extensions. */
function secretMutations(secret: string): Array<{ what: string; value: string }> {
  const out: Array<{ what: string; value: string }> = [];
  for (let i = 0; i < secret.length; i++) {
    out.push({ what: `byte ${i} flipped`, value: flipByte(secret, i) });
    out.push({ what: `byte ${i} bit 1 flipped`, value: flipByte(secret, i, 0x02) });
    out.push({ what: `byte ${i} bit 2 flipped`, value: flipByte(secret, i, 0x04) });
    const c = secret.charAt(i);
    const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
    if (swapped !== c)
      out.push({ what: `byte ${i} case-swapped`, value: secret.slice(0, i) + swapped + secret.slice(i + 1) });
    out.push({
      what: `byte ${i} replaced`,
      value: `${secret.slice(0, i)}${c === 'Z' ? 'Y' : 'Z'}${secret.slice(i + 1)}`,
    });
  }
  for (let n = 0; n < secret.length; n++) out.push({ what: `truncated to ${n}`, value: secret.slice(0, n) });
  for (const extra of ['A', ' ', '\t', '=', secret])
    out.push({ what: `extended with ${JSON.stringify(extra)}`, value: `${secret}${extra}` });
  out.push({ what: 'leading space', value: ` ${secret}` });
  return out;
}

const telegramBody = (chatId: string, text: string) =>
  JSON.stringify({
    update_id: Math.floor(Math.random() * 1e9),
    message: {
      message_id: 1,
      from: { id: Number(chatId), is_bot: false, first_name: 'F' },
      chat: { id: Number(chatId), first_name: 'F', type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  });

const telegramRequest = (body: string, headers: Record<string, string>) =>
  functionUrlEvent({
    path: '/webhooks/telegram',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

/**
 * Telegram authenticates a webhook with one static header, the secret token given to setWebhook;
 * it signs no body, so the forgeries are about the token (a body changed in transit is TLS's job).
 */
export const telegramRoute: InboundRoute = {
  name: 'Telegram webhook',
  kind: 'telegram',
  genuine(from, text) {
    return telegramRequest(telegramBody(from, text), { [TELEGRAM_SECRET_HEADER]: TELEGRAM_SECRET });
  },
  forgeries(from, text) {
    const body = telegramBody(from, text);
    const out: Forgery[] = secretMutations(TELEGRAM_SECRET).map((m) => ({
      what: `secret token ${m.what}`,
      event: telegramRequest(body, { [TELEGRAM_SECRET_HEADER]: m.value }),
    }));
    out.push({ what: 'secret token missing', event: telegramRequest(body, {}) });
    out.push({
      what: 'secret token under another header',
      event: telegramRequest(body, { 'x-telegram-secret': TELEGRAM_SECRET }),
    });
    out.push({
      what: 'secret token in the query string',
      event: functionUrlEvent({
        path: `/webhooks/telegram?secret_token=${TELEGRAM_SECRET}`,
        headers: { 'content-type': 'application/json' },
        body,
      }),
    });
    out.push({
      what: 'the IM secret instead',
      event: telegramRequest(body, { [TELEGRAM_SECRET_HEADER]: IM_SECRET }),
    });
    return out;
  },
  publishedExampleVerifies() {
    // Telegram's setWebhook docs: secret_token is 1-256 of A-Z a-z 0-9 _ - and arrives verbatim in this header.
    verifyTelegramSecret('A-Za-z0-9_-', 'A-Za-z0-9_-');
    return TELEGRAM_SECRET_HEADER === 'x-telegram-bot-api-secret-token';
  },
};

const imBody = (from: string, text: string) =>
  JSON.stringify({ id: `m-${Math.floor(Math.random() * 1e9)}`, from, text });

const imRequest = (body: string, headers: Record<string, string | undefined>) =>
  functionUrlEvent({
    path: '/webhooks/im',
    headers: Object.fromEntries(
      Object.entries({ 'content-type': 'application/json', ...headers }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    body,
  });

const now = () => String(Math.floor(Date.now() / 1000));

/** The IM bridge: HMAC-SHA256 over `<timestamp>.<raw body>`, with the timestamp within 5 minutes. */
export const imRoute: InboundRoute = {
  name: 'IM bridge webhook',
  kind: 'im',
  genuine(from, text) {
    const body = imBody(from, text);
    const ts = now();
    return imRequest(body, {
      'x-echobot-timestamp': ts,
      'x-echobot-signature': imSignature(IM_SECRET, ts, body),
    });
  },
  forgeries(from, text) {
    const body = imBody(from, text);
    const ts = now();
    const sig = imSignature(IM_SECRET, ts, body);
    const out: Forgery[] = [];
    for (let i = 0; i < body.length; i++) {
      for (const bit of [0x01, 0x20]) {
        out.push({
          what: `body byte ${i} xor ${bit}`,
          event: imRequest(flipByte(body, i, bit), { 'x-echobot-timestamp': ts, 'x-echobot-signature': sig }),
        });
      }
    }
    for (let i = 0; i < sig.length; i++)
      out.push({
        what: `signature byte ${i}`,
        event: imRequest(body, { 'x-echobot-timestamp': ts, 'x-echobot-signature': flipByte(sig, i) }),
      });
    for (const n of [0, 7, 20, sig.length - 1])
      out.push({
        what: `signature truncated to ${n}`,
        event: imRequest(body, { 'x-echobot-timestamp': ts, 'x-echobot-signature': sig.slice(0, n) }),
      });
    out.push({ what: 'signature missing', event: imRequest(body, { 'x-echobot-timestamp': ts }) });
    out.push({ what: 'timestamp missing', event: imRequest(body, { 'x-echobot-signature': sig }) });
    out.push({
      what: 'bare hex, no sha256= scheme',
      event: imRequest(body, { 'x-echobot-timestamp': ts, 'x-echobot-signature': sig.slice(7) }),
    });
    out.push({
      what: 'sha1= scheme',
      event: imRequest(body, { 'x-echobot-timestamp': ts, 'x-echobot-signature': `sha1=${sig.slice(7)}` }),
    });
    for (const key of ['', 'wrong-secret', `${IM_SECRET}x`, IM_SECRET.toUpperCase()])
      out.push({
        what: `signed with key "${key}"`,
        event: imRequest(body, {
          'x-echobot-timestamp': ts,
          'x-echobot-signature': imSignature(key, ts, body),
        }),
      });
    // Stale or future timestamps, correctly signed: a captured request cannot be replayed later.
    // The route reads the real clock, so a future timestamp only 1 s past the window falls back
    // inside it once the suite has run a second on a loaded machine: the margins are minutes.
    for (const skew of [IM_MAX_SKEW_SECONDS + 1, 3600, 86_400, -(IM_MAX_SKEW_SECONDS + 300), -3600]) {
      const t = String(Number(ts) - skew);
      out.push({
        what: `timestamp ${skew} s off`,
        event: imRequest(body, {
          'x-echobot-timestamp': t,
          'x-echobot-signature': imSignature(IM_SECRET, t, body),
        }),
      });
    }
    // The signature of one timestamp under another.
    out.push({
      what: 'timestamp changed after signing',
      event: imRequest(body, { 'x-echobot-timestamp': String(Number(ts) - 1), 'x-echobot-signature': sig }),
    });
    for (const t of ['', 'abc', `${ts}.0`, `-${ts}`, `${ts}0`])
      out.push({
        what: `timestamp "${t}"`,
        event: imRequest(body, {
          'x-echobot-timestamp': t,
          'x-echobot-signature': imSignature(IM_SECRET, t, body),
        }),
      });
    return out;
  },
  publishedExampleVerifies() {
    // The vector README's IM bridge section documents (secret, timestamp, body -> signature).
    const body = '{"id":"m-1","from":"u-42","text":"hello"}';
    verifyImSignature(
      'echobot-bridge-example',
      '1700000000',
      'sha256=23dea4110eab484b3ca6c1d03a21ae0e03212bcacc5c84345d533a8a19f7243f',
      body,
      1_700_000_000_000,
    );
    return true;
  },
};

/** Every inbound route on this branch. */
export const INBOUND_ROUTES: readonly InboundRoute[] = [twilioRoute, telegramRoute, imRoute];
