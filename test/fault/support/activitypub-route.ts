import type { HttpEvent } from '../../../lib/drivers/http-app.ts';
import { generateBotKeyPair } from '../../../lib/federation/bot-keys.ts';
import { verifyRequest } from '../../../lib/federation/http-signatures.ts';
import { signRfc9421 } from '../../../lib/federation/rfc9421.ts';
import type { FakeFediverse } from '../../fakes/fake-fediverse.ts';
import { DOMAIN, functionUrlEvent } from '../../fakes/function-url-event.ts';
import type { Forgery, InboundRoute } from './inbound-routes.ts';

/** The local member the forged Follows target (the forgery suite seeds it). */
export const AP_TARGET_NICK = 'victim';
const BASE = `https://${DOMAIN}`;

function flipByte(s: string, i: number, bit = 0x01): string {
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ bit) + s.slice(i + 1);
}

const followBody = (remote: FakeFediverse, nick: string) => {
  const actor = remote.actor(nick);
  return JSON.stringify({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${actor}#follow-${Math.random().toString(36).slice(2)}`,
    type: 'Follow',
    actor,
    object: `${BASE}/users/${AP_TARGET_NICK}`,
  });
};

type Headers = Record<string, string>;

const omit = (h: Headers, name: string): Headers =>
  Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));

const lower = (h: Record<string, string>): Headers =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

const inboxRequest = (path: string, body: string, signed: Headers): HttpEvent =>
  functionUrlEvent({
    path,
    headers: { ...signed, 'content-type': 'application/activity+json' },
    body,
  });

/** The same inbox, signed with RFC 9421 (Signature-Input / Signature / Content-Digest). */
function rfc9421Forgeries(remote: FakeFediverse, from: string, path: string): Forgery[] {
  const out: Forgery[] = [];
  const body = followBody(remote, from);
  const keyId = `${remote.actor(from)}#main-key`;
  const sign9421 = (o: { url?: string; body?: string; now?: Date; privateKeyPem?: string } = {}) =>
    lower(
      signRfc9421({
        method: 'POST',
        url: o.url ?? `${BASE}${path}`,
        body: o.body ?? body,
        keyId,
        privateKeyPem: o.privateKeyPem ?? remote.keys.privateKeyPem,
        ...(o.now ? { now: o.now } : {}),
      }),
    );
  const headers = sign9421();
  const input = headers['signature-input'] ?? '';
  const signature = headers.signature ?? '';
  const push = (what: string, event: HttpEvent, alsoRefused?: number) =>
    out.push({ what: `${path}: rfc9421 ${what}`, event, ...(alsoRefused ? { alsoRefused } : {}) });
  for (let i = 0; i < body.length; i += 3)
    push(`body byte ${i}`, inboxRequest(path, flipByte(body, i), headers));
  const digest = headers['content-digest'] ?? '';
  for (let i = 9; i < digest.length - 1; i += 2)
    push(
      `content-digest byte ${i}`,
      inboxRequest(path, body, { ...headers, 'content-digest': flipByte(digest, i) }),
    );
  for (let i = 1; i < path.length; i++)
    push(`path byte ${i}`, inboxRequest(flipByte(path, i), body, headers));
  push(
    'signed for another host',
    inboxRequest(path, body, sign9421({ url: `https://other.example${path}` })),
  );
  for (const name of ['signature', 'signature-input', 'content-digest'])
    push(`${name} missing`, inboxRequest(path, body, omit(headers, name)));
  for (const component of ['"@method" ', '"@target-uri" ', ' "content-digest"'])
    push(
      `${component.trim()} not covered`,
      inboxRequest(path, body, { ...headers, 'signature-input': input.replace(component, '') }),
    );
  for (const alg of ['rsa-pss-sha512', 'ed25519', 'hmac-sha256', 'rsa-sha256', 'hs2019'])
    push(
      `alg ${alg}`,
      inboxRequest(path, body, { ...headers, 'signature-input': input.replace('rsa-v1_5-sha256', alg) }),
    );
  push(
    'created missing',
    inboxRequest(path, body, { ...headers, 'signature-input': input.replace(/;created=\d+/, '') }),
  );
  for (const skew of [-3660, -86_400, 360, 3600])
    push(
      `created ${skew} s off`,
      inboxRequest(path, body, sign9421({ now: new Date(Date.now() + skew * 1000) })),
    );
  for (let i = 6; i < signature.length - 1; i += 3)
    push(`signature byte ${i}`, inboxRequest(path, body, { ...headers, signature: flipByte(signature, i) }));
  for (let i = 0; i < input.length; i += 5)
    push(
      `signature-input byte ${i}`,
      inboxRequest(path, body, { ...headers, 'signature-input': flipByte(input, i) }),
      503,
    );
  push(
    'wrong key',
    inboxRequest(path, body, sign9421({ privateKeyPem: generateBotKeyPair().privateKeyPem })),
  );
  return out;
}

/**
 * The ActivityPub inbox: an HTTP Signature (draft-cavage, rsa-sha256) over `(request-target) host
 * date digest`, with the key fetched from the sender's actor document (a loopback fake server).
 * `from` is the remote actor's nick; the genuine request is a Follow of the seeded member.
 */
export function activityPubRoute(remote: FakeFediverse): InboundRoute {
  const sign = (
    nick: string,
    path: string,
    body: string,
    options: Parameters<FakeFediverse['sign']>[3] = {},
  ) => lower(remote.sign(nick, `${BASE}${path}`, body, options));
  const otherKeys = [generateBotKeyPair(), generateBotKeyPair()];
  return {
    name: 'ActivityPub inbox',
    kind: 'activitypub',
    accepted: { status: 202, itemPrefix: `RFOLLOWER#` },
    genuine(from) {
      const body = followBody(remote, from);
      return inboxRequest('/inbox', body, sign(from, '/inbox', body));
    },
    forgeries(from) {
      const out: Forgery[] = [];
      for (const path of ['/inbox', `/users/${AP_TARGET_NICK}/inbox`]) {
        const body = followBody(remote, from);
        const headers = sign(from, path, body);
        const signature = headers.signature ?? '';
        // A flipped byte anywhere in the body (the Digest no longer matches).
        for (let i = 0; i < body.length; i++)
          out.push({
            what: `${path}: body byte ${i}`,
            event: inboxRequest(path, flipByte(body, i), headers),
          });
        // Sent to another path than the one signed ((request-target) covers it).
        for (let i = 1; i < path.length; i++)
          out.push({
            what: `${path}: path byte ${i}`,
            event: inboxRequest(flipByte(path, i), body, headers),
          });
        const other = path === '/inbox' ? `/users/${AP_TARGET_NICK}/inbox` : '/inbox';
        out.push({
          what: `${path}: signed for ${other}`,
          event: inboxRequest(path, body, sign(from, other, body)),
        });
        // Signed for another host than this bot's public URL. (The Host header itself is not
        // trusted: a proxy in front rewrites it, so the public URL's host is what is checked.)
        out.push({
          what: `${path}: signed for another host`,
          event: inboxRequest(path, body, lower(remote.sign(from, `https://other.example${path}`, body))),
        });
        // A flipped byte in each signed header: Date, Digest.
        for (const name of ['date', 'digest'] as const) {
          const value = headers[name] ?? '';
          for (let i = 0; i < value.length; i++) {
            const forged = flipByte(value, i);
            if (name === 'date' && Date.parse(forged) === Date.parse(value)) continue;
            out.push({
              what: `${path}: ${name} byte ${i}`,
              event: inboxRequest(path, body, { ...headers, [name]: forged }),
            });
          }
          out.push({
            what: `${path}: ${name} missing`,
            event: inboxRequest(path, body, omit(headers, name)),
          });
        }
        // The Signature header: a flipped byte in the key id's actor URL, the algorithm, the signed
        // header list and the signature itself. (Not in the key id's #fragment or a parameter's name:
        // with one key per actor the fragment is not needed to find it, and an unknown parameter is
        // ignored as the draft says, so those still name the same key over the same signed bytes.)
        const params =
          /^keyId="([^"#]*)(#[^"]*)",algorithm="([^"]*)",headers="([^"]*)",signature="([^"]*)"$/.exec(
            signature,
          );
        if (!params) throw new Error(`unexpected Signature header ${signature}`);
        const [, actorUrl = '', fragment = '', algorithm = '', signed = '', value = ''] = params;
        const signatureWith = (p: { url?: string; algorithm?: string; headers?: string; value?: string }) =>
          `keyId="${p.url ?? actorUrl}${fragment}",algorithm="${p.algorithm ?? algorithm}",headers="${p.headers ?? signed}",signature="${p.value ?? value}"`;
        const mutations: Array<[string, string, number?]> = [];
        // A key id naming a server that does not answer is a failed key fetch: 503, so a genuine
        // sender retries later (lib/federation/http-signatures.ts); nothing is written either way.
        for (let i = 0; i < actorUrl.length; i++)
          mutations.push([`key id byte ${i}`, signatureWith({ url: flipByte(actorUrl, i) }), 503]);
        for (let i = 0; i < algorithm.length; i++)
          mutations.push([`algorithm byte ${i}`, signatureWith({ algorithm: flipByte(algorithm, i) })]);
        for (let i = 0; i < signed.length; i++)
          mutations.push([`signed header list byte ${i}`, signatureWith({ headers: flipByte(signed, i) })]);
        for (const dropped of ['(request-target)', 'host', 'date', 'digest'])
          mutations.push([
            `${dropped} not signed`,
            signatureWith({
              headers: signed
                .split(' ')
                .filter((h) => h !== dropped)
                .join(' '),
            }),
          ]);
        for (let i = 0; i < value.length; i++)
          mutations.push([`signature byte ${i}`, signatureWith({ value: flipByte(value, i) })]);
        for (const [what, forged, alsoRefused] of mutations)
          out.push({
            what: `${path}: ${what}`,
            event: inboxRequest(path, body, { ...headers, signature: forged }),
            ...(alsoRefused ? { alsoRefused } : {}),
          });
        for (const n of [
          0,
          1,
          10,
          Math.floor(signature.length / 2),
          signature.length - 1,
          signature.length - 3,
        ])
          out.push({
            what: `${path}: signature truncated to ${n}`,
            event: inboxRequest(path, body, { ...headers, signature: signature.slice(0, n) }),
          });
        out.push({
          what: `${path}: signature missing`,
          event: inboxRequest(path, body, omit(headers, 'signature')),
        });
        out.push({ what: `${path}: no signing headers at all`, event: inboxRequest(path, body, {}) });
        // Signed by another key under the same keyId.
        for (const [k, keys] of otherKeys.entries())
          out.push({
            what: `${path}: wrong key ${k}`,
            event: inboxRequest(path, body, sign(from, path, body, { keys })),
          });
        // Signed by another actor of the same server (its own valid key) for this actor's activity.
        out.push({
          what: `${path}: signed by another actor`,
          event: inboxRequest(path, body, sign('mallory', path, body)),
        });
        // Correctly signed, but stale or from the future (window: 1 h past, 5 min ahead; a minute's margin).
        for (const skew of [-3660, -2 * 3600, -86_400, 360, 3600]) {
          const now = new Date(Date.now() + skew * 1000);
          out.push({
            what: `${path}: date ${skew} s off`,
            event: inboxRequest(path, body, sign(from, path, body, { now })),
          });
        }
        out.push(...rfc9421Forgeries(remote, from, path));
      }
      return out;
    },
    async publishedExampleVerifies() {
      // draft-cavage-http-signatures-12, Appendix C.3 ("All Headers Test"): its test key and signature.
      const publicKeyPem = [
        '-----BEGIN PUBLIC KEY-----',
        'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3',
        '6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6',
        'Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw',
        'oYi+1hqp1fIekaxsyQIDAQAB',
        '-----END PUBLIC KEY-----',
      ].join('\n');
      const verified = await verifyRequest({
        method: 'POST',
        path: '/foo?param=value&pet=dog',
        headers: {
          host: 'example.com',
          date: 'Sun, 05 Jan 2014 21:31:40 GMT',
          'content-type': 'application/json',
          digest: 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
          'content-length': '18',
          signature:
            'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="',
        },
        body: '{"hello": "world"}',
        now: new Date('2014-01-05T21:31:40Z'),
        fetchKey: async () => ({ publicKeyPem, actorId: 'Test', fromCache: false }),
      });
      return verified.keyId === 'Test';
    },
  };
}
