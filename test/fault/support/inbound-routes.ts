import { twilioSignature, verifyTwilioSignature } from '../../../lib/edges/twilio.ts';
import type { HttpEvent } from '../../../lib/usecases/http-app.ts';
import { DOMAIN, functionUrlEvent, TOKEN } from '../../support/function-url-event.ts';
import { messageSid } from '../../support/twilio-phone.ts';

/** One forged request and what was changed to make it. */
export interface Forgery {
  what: string;
  event: HttpEvent;
}

/**
 * An inbound route as the forgery suite sees it: a genuine signed request from a member, the
 * mutations of it that must all be refused, and the provider's published example. The merger
 * adds Telegram, the IM bridge and the ActivityPub inbox as one entry each.
 */
export interface InboundRoute {
  name: string;
  genuine(from: string, text: string): HttpEvent;
  forgeries(from: string, text: string): Forgery[];
  publishedExampleVerifies(): boolean;
}

function flipByte(s: string, i: number): string {
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 0x01) + s.slice(i + 1);
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

/** Every inbound route on this branch. */
export const INBOUND_ROUTES: readonly InboundRoute[] = [twilioRoute];
