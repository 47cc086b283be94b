import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemeMemory, FIRST_KNOCK, signedFetch } from '../../../lib/federation/double-knock.ts';
import { createSafeFetch } from '../../../lib/federation/safe-fetch.ts';
import { type SignatureScheme, verifySignedRequest } from '../../../lib/federation/verify-signature.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY_ID = 'https://bot.example/actor#main-key';

/** A loopback server that verifies every signature and accepts only the schemes in `accepts`. */
let accepts: SignatureScheme[] = ['draft-cavage'];
let status = 202;
const seen: { scheme: SignatureScheme; verified: boolean; status: number }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    let scheme: SignatureScheme = 'draft-cavage';
    let verified = false;
    try {
      const r = await verifySignedRequest({
        method: req.method ?? 'GET',
        url: `${base}${req.url ?? '/'}`,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        fetchKey: async () => ({ publicKeyPem, actorId: 'https://bot.example/actor' }),
      });
      scheme = r.scheme;
      verified = true;
    } catch {
      scheme = headers['signature-input'] ? 'rfc9421' : 'draft-cavage';
    }
    const answer = verified && accepts.includes(scheme) ? status : 401;
    seen.push({ scheme, verified, status: answer });
    res.writeHead(answer).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('double-knocking', () => {
  const memory = createSchemeMemory();
  const deps = {
    fetch: createSafeFetch({ allowPrivate: true }),
    keyId: KEY_ID,
    privateKeyPem,
    now: () => new Date(),
    memory,
  };
  const post = (path = '/inbox') =>
    signedFetch(deps, `${base}${path}`, { method: 'POST', body: '{"type":"Follow"}' });

  it('knocks with draft-cavage first, where every server accepts it', async () => {
    seen.length = 0;
    expect(FIRST_KNOCK).toBe('draft-cavage');
    expect((await post()).status).toBe(202);
    expect(seen).toEqual([{ scheme: 'draft-cavage', verified: true, status: 202 }]);
  });

  it('retries with RFC 9421 on a 401, then remembers the origin took RFC 9421', async () => {
    const fresh = createSchemeMemory();
    accepts = ['rfc9421'];
    seen.length = 0;
    const res = await signedFetch({ ...deps, memory: fresh }, `${base}/inbox`, {
      method: 'POST',
      body: '{}',
    });
    expect(res).toMatchObject({ status: 202, scheme: 'rfc9421' });
    expect(seen.map((s) => `${s.scheme}:${s.status}`)).toEqual(['draft-cavage:401', 'rfc9421:202']);
    expect(fresh.get(new URL(base).origin)).toBe('rfc9421');
    seen.length = 0;
    // Same origin, another path and a GET: one knock, RFC 9421 straight away.
    expect(
      (await signedFetch({ ...deps, memory: fresh }, `${base}/users/x?page=1`, { method: 'GET' })).status,
    ).toBe(202);
    expect(seen.map((s) => `${s.scheme}:${s.status}`)).toEqual(['rfc9421:202']);
    // The server changes its mind: back to cavage, remembered again.
    accepts = ['draft-cavage'];
    seen.length = 0;
    expect(
      (await signedFetch({ ...deps, memory: fresh }, `${base}/inbox`, { method: 'POST', body: '{}' })).status,
    ).toBe(202);
    expect(seen.map((s) => `${s.scheme}:${s.status}`)).toEqual(['rfc9421:401', 'draft-cavage:202']);
    expect(fresh.get(new URL(base).origin)).toBe('draft-cavage');
  });

  it('does not knock twice on an answer that is not about the signature, nor remember a refusal', async () => {
    const fresh = createSchemeMemory();
    accepts = ['draft-cavage', 'rfc9421'];
    status = 503;
    seen.length = 0;
    expect(
      (await signedFetch({ ...deps, memory: fresh }, `${base}/inbox`, { method: 'POST', body: '{}' })).status,
    ).toBe(503);
    expect(seen).toHaveLength(1);
    expect(fresh.get(new URL(base).origin)).toBeUndefined();
    status = 202;
    accepts = [];
    seen.length = 0;
    expect(
      (await signedFetch({ ...deps, memory: fresh }, `${base}/inbox`, { method: 'POST', body: '{}' })).status,
    ).toBe(401);
    expect(seen.map((s) => s.scheme)).toEqual(['draft-cavage', 'rfc9421']);
    expect(fresh.get(new URL(base).origin)).toBeUndefined();
    accepts = ['draft-cavage'];
  });

  it('keeps a bounded memory, least recently used origin out first', () => {
    const small = createSchemeMemory(2);
    small.remember('https://a.example', 'rfc9421');
    small.remember('https://b.example', 'rfc9421');
    small.get('https://a.example');
    small.remember('https://c.example', 'draft-cavage');
    expect(small.get('https://b.example')).toBeUndefined();
    expect(small.get('https://a.example')).toBe('rfc9421');
    expect(small.get('https://c.example')).toBe('draft-cavage');
  });
});
