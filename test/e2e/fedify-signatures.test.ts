/**
 * HTTP signatures against Fedify 1.10 (an independent implementation, on loopback) in both
 * directions: Fedify signing RFC 9421 only and draft-cavage only, both accepted by our inbox;
 * our double-knock (cavage first, RFC 9421 on a 401) accepted by Fedify; our signed GETs read a
 * Fedify actor that requires signed fetches; our own authorized-fetch mode; and a bot behind a
 * proxy that rewrites Host (as CloudFront does in front of a Function URL) still verifying.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import {
  Accept,
  Create,
  Endpoints,
  Follow,
  generateCryptoKeyPair,
  type HttpMessageSignaturesSpec,
  Note,
  Person,
  signRequest,
} from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { type FedifyServer, loopbackFederation, serveFedify } from '../support/fedify-server.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';
const CAROL = '+15550003333';
const ACTIVITY_JSON = 'application/activity+json';

let bot: LocalBot;
/** The second bot: ECHOBOT_AUTHORIZED_FETCH=1, reached through a Host-rewriting proxy. */
let guarded: LocalBot;
let guardedDirect = '';
let fedServer: FedifyServer | undefined;
let proxy: Server;
let fedBase = '';
let keyPair: Awaited<ReturnType<typeof generateCryptoKeyPair>>;
let fedKeyId: URL;
const seen: { type: string; actor?: string; text?: string }[] = [];
/** Key ids of the signers Fedify's actor endpoint let through (it requires a signed GET). */
const signedFetches: string[] = [];
/** While true, Fedify's inboxes refuse draft-cavage signatures (an RFC 9421-only server). */
let refuseCavage = false;
const cavageRefused: string[] = [];

const federation = loopbackFederation();

async function body(req: import('node:http').IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

const listen = (server: Server, port = 0) =>
  new Promise<number>((r) =>
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      r(typeof address === 'object' && address ? address.port : 0);
    }),
  );
const close = (server: Server | undefined) =>
  new Promise<void>((r) => {
    if (!server) return r();
    server.closeAllConnections();
    server.close(() => r());
  });

/** A request signed by Fedify's own signer, with one scheme only (no double-knock). */
async function fedifySigned(
  url: string,
  spec: HttpMessageSignaturesSpec,
  activity?: Record<string, unknown>,
): Promise<Response> {
  const request = new Request(url, {
    method: activity ? 'POST' : 'GET',
    headers: activity ? { 'content-type': ACTIVITY_JSON } : { accept: ACTIVITY_JSON },
    ...(activity ? { body: JSON.stringify(activity) } : {}),
  });
  const signed = await signRequest(request, keyPair.privateKey, fedKeyId, { spec });
  if (spec === 'rfc9421') expect(signed.headers.get('signature-input')).toMatch(/^sig1=/);
  else expect(signed.headers.get('signature-input')).toBeNull();
  return fetch(signed);
}

const fedActor = () => `${fedBase}/users/fed`;
let follows = 0;
const follow = (object: string) => ({
  '@context': 'https://www.w3.org/ns/activitystreams',
  id: `${fedActor()}#follows/${++follows}`,
  type: 'Follow',
  actor: fedActor(),
  object,
});
const followers = async (url: string, nick: string) => {
  const res = await fetch(`${url}/users/${nick}/followers`, { headers: { accept: ACTIVITY_JSON } });
  const json: unknown = await res.json();
  return typeof json === 'object' && json !== null && 'totalItems' in json ? json.totalItems : undefined;
};

beforeAll(async () => {
  keyPair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'fed') return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'fed' ? [keyPair] : []))
    // Authorized fetch: the actor (and its key) is served to signed GETs only.
    .authorize(async (ctx) => {
      const key = await ctx.getSignedKey();
      if (key?.id) signedFetches.push(key.id.href);
      return key !== null;
    });
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Follow, async (ctx, f) => {
      seen.push({ type: 'Follow', ...(f.actorId ? { actor: f.actorId.href } : {}) });
      const follower = await f.getActor().catch(() => null);
      if (!follower) return;
      await ctx.sendActivity(
        { identifier: 'fed' },
        follower,
        new Accept({
          id: new URL(`#accepts/${seen.length}`, fedActor()),
          actor: ctx.getActorUri('fed'),
          object: f,
        }),
      );
    })
    .on(Accept, async (_ctx, a) => {
      seen.push({ type: 'Accept', ...(a.actorId ? { actor: a.actorId.href } : {}) });
    })
    .on(Create, async (_ctx, c) => {
      const object = await c.getObject();
      if (!(object instanceof Note)) return;
      seen.push({
        type: 'Create',
        ...(c.actorId ? { actor: c.actorId.href } : {}),
        text: object.content?.toString() ?? '',
      });
    });

  // A server that refuses draft-cavage: a 401 to every POST signed without RFC 9421.
  fedServer = await serveFedify(federation, {
    intercept: (req, _body, res) => {
      if (!refuseCavage || req.method !== 'POST' || req.headers['signature-input'] !== undefined)
        return false;
      cavageRefused.push(req.url ?? '');
      res.writeHead(401).end('RFC 9421 only');
      return true;
    },
  });
  fedBase = fedServer.base;
  const keys = await federation.createContext(new URL(fedBase), undefined).getActorKeyPairs('fed');
  const first = keys[0];
  if (!first) throw new Error('Fedify has no key for fed');
  fedKeyId = first.keyId;

  // The proxy forwards everything to the guarded bot with the Host rewritten to the bot's own.
  const botPort = await freePort();
  guardedDirect = `http://127.0.0.1:${botPort}`;
  proxy = createServer(async (req, res) => {
    const raw = await body(req);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: botPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${botPort}` },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(raw);
  });
  const proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  const env = { ECHOBOT_ALLOW_PRIVATE: '1', ECHOBOT_RETRY_BASE_SECONDS: '1', ECHOBOT_RETRY_MAX_SECONDS: '2' };
  [bot, guarded] = await Promise.all([
    startLocalBot({ env }),
    startLocalBot({
      env: { ...env, PORT: String(botPort), ECHOBOT_URL: proxyUrl, ECHOBOT_AUTHORIZED_FETCH: '1' },
    }),
  ]);
  expect(guarded.url).toBe(proxyUrl);
  await bot.sms(ALICE, 'JOIN alice');
  await bot.sms(BOB, 'JOIN bob');
  await bot.sms(CAROL, 'JOIN carol');
  await guarded.sms(ALICE, 'JOIN alice');
}, 180_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), guarded?.stop()]);
  await Promise.all([fedServer?.close(), close(proxy)]);
});

describe('Fedify -> echobot: both signature schemes accepted by our inbox', () => {
  it('a Follow signed by Fedify with RFC 9421 only is accepted, and Fedify verifies our Accept', async () => {
    const res = await fedifySigned(
      `${bot.url}/users/alice/inbox`,
      'rfc9421',
      follow(`${bot.url}/users/alice`),
    );
    expect(res.status).toBe(202);
    expect(await followers(bot.url, 'alice')).toBe(1);
    await eventually(
      async () => seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/users/alice`).length,
      (n) => n === 1,
      'Fedify to verify alice’s Accept',
      30_000,
    );
    // To check the signature we fetched Fedify's key with a signed GET: Fedify let it through.
    expect(signedFetches).toContain(`${bot.url}/actor#main-key`);
  });

  it('a Follow signed by Fedify with draft-cavage only is accepted', async () => {
    const res = await fedifySigned(
      `${bot.url}/users/bob/inbox`,
      'draft-cavage-http-signatures-12',
      follow(`${bot.url}/users/bob`),
    );
    expect(res.status).toBe(202);
    expect(await followers(bot.url, 'bob')).toBe(1);
    await eventually(
      async () => seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/users/bob`).length,
      (n) => n === 1,
      'Fedify to verify bob’s Accept',
      30_000,
    );
  });

  it('a Fedify RFC 9421 request whose body changed after signing is a 401 and stores nothing', async () => {
    const request = new Request(`${bot.url}/users/carol/inbox`, {
      method: 'POST',
      headers: { 'content-type': ACTIVITY_JSON },
      body: JSON.stringify(follow(`${bot.url}/users/carol`)),
    });
    const signed = await signRequest(request, keyPair.privateKey, fedKeyId, { spec: 'rfc9421' });
    const forged = JSON.stringify(follow(`${bot.url}/users/carol`));
    const res = await fetch(`${bot.url}/users/carol/inbox`, {
      method: 'POST',
      headers: signed.headers,
      body: forged,
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/digest/i);
    expect(await followers(bot.url, 'carol')).toBe(0);
  });
});

describe('echobot -> Fedify', () => {
  it('our signed GETs read an actor Fedify serves to signed fetches only', async () => {
    const unsigned = await fetch(fedActor(), { headers: { accept: ACTIVITY_JSON } });
    expect(unsigned.status).toBe(401);
    const before = signedFetches.length;
    const handle = `fed@${new URL(fedBase).host}`;
    expect((await bot.sms(CAROL, `FOLLOW ${handle}`)).text).toContain(`Following ${handle}`);
    await eventually(
      async () => seen.filter((s) => s.type === 'Follow' && s.actor === `${bot.url}/users/carol`).length,
      (n) => n === 1,
      'Fedify to verify and receive carol’s Follow',
      30_000,
    );
    // The follow task looked fed up (WebFinger, then the actor with a signed GET) before sending.
    expect(signedFetches.slice(before)).toContain(`${bot.url}/actor#main-key`);
  });

  it('to a server that refuses draft-cavage we knock again with RFC 9421, once per origin', async () => {
    refuseCavage = true;
    try {
      await bot.sms(ALICE, 'first post for an RFC 9421 server');
      await eventually(
        async () =>
          seen.filter((s) => s.type === 'Create' && s.actor === `${bot.url}/users/alice`).map((s) => s.text),
        (texts) => texts.includes('<p>first post for an RFC 9421 server</p>'),
        'Fedify to verify alice’s post signed with RFC 9421',
        30_000,
      );
      expect(cavageRefused).toHaveLength(1);
      await bot.sms(ALICE, 'second post');
      await eventually(
        async () =>
          seen.filter((s) => s.type === 'Create' && s.actor === `${bot.url}/users/alice`).map((s) => s.text),
        (texts) => texts.includes('<p>second post</p>'),
        'the second post, RFC 9421 straight away',
        30_000,
      );
      // Remembered: no second refused knock.
      expect(cavageRefused).toHaveLength(1);
    } finally {
      refuseCavage = false;
    }
  });
});

describe('a bot with ECHOBOT_AUTHORIZED_FETCH=1 behind a proxy that rewrites Host', () => {
  it('refuses unsigned actor and object GETs, and keeps WebFinger, NodeInfo and /actor public', async () => {
    const base = guarded.url;
    for (const path of ['/users/alice', '/users/alice/outbox', '/users/alice/followers']) {
      const res = await fetch(`${base}${path}`, { headers: { accept: ACTIVITY_JSON } });
      expect(res.status, path).toBe(401);
    }
    const host = new URL(base).host;
    for (const path of [
      `/.well-known/webfinger?resource=acct:alice@${host}`,
      '/.well-known/nodeinfo',
      '/nodeinfo/2.1',
      '/actor',
    ]) {
      expect((await fetch(`${base}${path}`, { headers: { accept: ACTIVITY_JSON } })).status, path).toBe(200);
    }
    // A browser still gets the profile page.
    expect(
      (await fetch(`${base}/users/alice`, { headers: { accept: 'text/html' }, redirect: 'manual' })).status,
    ).toBe(303);
  });

  it('serves the actor to GETs Fedify signed with RFC 9421 or draft-cavage', async () => {
    for (const spec of ['rfc9421', 'draft-cavage-http-signatures-12'] as const) {
      const res = await fedifySigned(`${guarded.url}/users/alice`, spec);
      expect(`${res.status} ${res.status === 200 ? '' : await res.clone().text()}`, spec).toBe('200 ');
      const actor: unknown = await res.json();
      expect(actor).toMatchObject({ id: `${guarded.url}/users/alice`, type: 'Person' });
      expect(res.headers.get('cache-control')).toMatch(/private/);
    }
  });

  it('verifies signed POSTs against its public URL, not the Host the proxy sends', async () => {
    for (const spec of ['rfc9421', 'draft-cavage-http-signatures-12'] as const) {
      const res = await fedifySigned(
        `${guarded.url}/users/alice/inbox`,
        spec,
        follow(`${guarded.url}/users/alice`),
      );
      expect(res.status, spec).toBe(202);
    }
    const count = await fedifySigned(`${guarded.url}/users/alice/followers`, 'rfc9421');
    expect(await count.json()).toMatchObject({ totalItems: 1 });
    // Signed for the address the bot sits at rather than its public URL: refused, nothing stored.
    const direct = await fedifySigned(`${guardedDirect}/users/alice/inbox`, 'rfc9421', {
      ...follow(`${guarded.url}/users/alice`),
      actor: fedActor(),
    });
    expect(direct.status).toBe(401);
  });
});
