import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type BotKeyPair, generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { signRequest } from '../../lib/federation/http-signatures.ts';

export interface ReceivedPost {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A minimal fediverse server on loopback, standing in for "another server" (the outside world):
 * WebFinger and actor documents for its users (one RSA key), an inbox that records what it is
 * sent, and a switch to answer 503 (a server that is down).
 */
export interface FakeFediverse {
  base: string;
  host: string;
  keys: BotKeyPair;
  actor(nick: string): string;
  received: ReceivedPost[];
  /** GETs of an actor document (how often its key was fetched). */
  readonly actorFetches: number;
  /** Status the inbox answers; 202 by default. */
  inboxStatus: number;
  /** Signs a POST of `activity` to `url` as `nick`; returns headers (Date/Host/Digest/Signature). */
  sign(
    nick: string,
    url: string,
    body: string,
    options?: { now?: Date; keys?: BotKeyPair },
  ): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeFediverse(): Promise<FakeFediverse> {
  const keys = generateBotKeyPair();
  const received: ReceivedPost[] = [];
  let base = '';
  const state = { inboxStatus: 202, actorFetches: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'POST' && url.pathname.endsWith('inbox')) {
      received.push({ path: url.pathname, headers: req.headers, body });
      res.writeHead(state.inboxStatus).end();
      return;
    }
    if (url.pathname === '/.well-known/webfinger') {
      const m = /^acct:([^@]+)@/.exec(url.searchParams.get('resource') ?? '');
      if (!m?.[1]) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/jrd+json' });
      res.end(
        JSON.stringify({
          subject: url.searchParams.get('resource'),
          links: [{ rel: 'self', type: 'application/activity+json', href: `${base}/users/${m[1]}` }],
        }),
      );
      return;
    }
    const actor = /^\/users\/([a-z0-9_]+)$/.exec(url.pathname);
    if (actor?.[1]) {
      state.actorFetches++;
      const id = `${base}/users/${actor[1]}`;
      res.writeHead(200, { 'content-type': 'application/activity+json' });
      res.end(
        JSON.stringify({
          '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
          id,
          type: 'Person',
          preferredUsername: actor[1],
          inbox: `${id}/inbox`,
          endpoints: { sharedInbox: `${base}/inbox` },
          publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: keys.publicKeyPem },
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    base,
    host: `127.0.0.1:${port}`,
    keys,
    actor: (nick) => `${base}/users/${nick}`,
    received,
    get actorFetches() {
      return state.actorFetches;
    },
    get inboxStatus() {
      return state.inboxStatus;
    },
    set inboxStatus(v: number) {
      state.inboxStatus = v;
    },
    sign: (nick, url, body, options = {}) =>
      signRequest({
        method: 'POST',
        url,
        body,
        keyId: `${base}/users/${nick}#main-key`,
        privateKeyPem: (options.keys ?? keys).privateKeyPem,
        ...(options.now ? { now: options.now } : {}),
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
