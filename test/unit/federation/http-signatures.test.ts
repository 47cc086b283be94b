import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createRng } from '../../../bench/federation/prng.ts';
import { statusOf } from '../../../lib/edges/http-errors.ts';
import {
  type FetchKey,
  type PublicKeyRecord,
  parseSignatureHeader,
  SignatureError,
  type SignatureErrorReason,
  signRequest,
  type VerifyRequestInput,
  verifyRequest,
} from '../../../lib/federation/http-signatures.ts';

const pem = (): { publicKeyPem: string; privateKeyPem: string } => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

const oldKey = pem();
const newKey = pem();
const KEY_ID = 'https://peer.example/actor#main-key';
const ACTOR = 'https://peer.example/actor';
const NOW = new Date('2026-11-23T12:00:00Z');
const URL_ = 'https://bot.example/inbox?page=1';
const BODY = JSON.stringify({ type: 'Create', actor: ACTOR, object: { content: 'hello' } });

const keyFetcher =
  (key: { publicKeyPem: string }): FetchKey =>
  async () => ({ publicKeyPem: key.publicKeyPem, actorId: ACTOR });

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function signed(options: { body?: string | null; key?: { privateKeyPem: string } } = {}): Req {
  const body = options.body === undefined ? BODY : options.body;
  const added = signRequest({
    method: 'POST',
    url: URL_,
    body,
    keyId: KEY_ID,
    privateKeyPem: (options.key ?? oldKey).privateKeyPem,
    now: NOW,
  });
  const headers: Record<string, string> = { 'content-type': 'application/activity+json' };
  for (const [k, v] of Object.entries(added)) headers[k.toLowerCase()] = v;
  return { method: 'POST', path: '/inbox?page=1', headers, body: body ?? '' };
}

/** Signs an arbitrary header list, to build requests our signer would never produce. */
function customSignature(req: Req, names: string[], params = 'algorithm="rsa-sha256"'): string {
  const base = names
    .map((n) => (n === '(request-target)' ? `${n}: post ${req.path}` : `${n}: ${req.headers[n] ?? ''}`))
    .join('\n');
  const sig = createSign('RSA-SHA256').update(base).sign(oldKey.privateKeyPem, 'base64');
  return `keyId="${KEY_ID}",${params},headers="${names.join(' ')}",signature="${sig}"`;
}

function verify(req: Req, extra: Partial<VerifyRequestInput> = {}) {
  return verifyRequest({
    method: req.method,
    path: req.path,
    headers: req.headers,
    body: req.body,
    now: NOW,
    fetchKey: keyFetcher(oldKey),
    ...extra,
  });
}

async function reasonOf(promise: Promise<unknown>): Promise<SignatureErrorReason | 'accepted' | 'other'> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof SignatureError ? error.reason : 'other';
  }
}

/** A different character of the same class (case kept, so "POST" never becomes "pOST"). */
function mutateAt(value: string, i: number): string {
  const c = value.charCodeAt(i);
  let r: number;
  if (c >= 0x41 && c <= 0x5a) r = c === 0x5a ? 0x41 : c + 1;
  else if (c >= 0x61 && c <= 0x7a) r = c === 0x7a ? 0x61 : c + 1;
  else if (c >= 0x30 && c <= 0x39) r = c === 0x39 ? 0x30 : c + 1;
  else r = 0x78;
  return value.slice(0, i) + String.fromCharCode(r) + value.slice(i + 1);
}

function positions(length: number, max = 400): number[] {
  const step = Math.max(1, Math.ceil(length / max));
  const out: number[] = [];
  for (let i = 0; i < length; i += step) out.push(i);
  return out;
}

describe('signRequest + verifyRequest', () => {
  it('round-trips a signed POST', async () => {
    const req = signed();
    expect(req.headers.digest).toMatch(/^SHA-256=[A-Za-z0-9+/]+=*$/);
    expect(req.headers.host).toBe('bot.example');
    expect(req.headers.date).toBe('Mon, 23 Nov 2026 12:00:00 GMT');
    expect(req.headers.signature).toContain('headers="(request-target) host date digest"');
    await expect(verify(req)).resolves.toEqual({ keyId: KEY_ID, actorId: ACTOR });
  });

  it('round-trips a signed GET without a body (no Digest needed)', async () => {
    const req = signed({ body: null });
    expect(req.headers.digest).toBeUndefined();
    await expect(verify({ ...req, method: 'GET' })).rejects.toThrow(SignatureError);
    const get = signRequest({
      method: 'GET',
      url: URL_,
      keyId: KEY_ID,
      privateKeyPem: oldKey.privateKeyPem,
      now: NOW,
    });
    const headers = Object.fromEntries(Object.entries(get).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(verify({ method: 'GET', path: '/inbox?page=1', headers, body: '' })).resolves.toEqual({
      keyId: KEY_ID,
      actorId: ACTOR,
    });
  });

  it('accepts hs2019 and the Authorization: Signature form', async () => {
    const req = signed();
    const hs = req.headers.signature?.replace('rsa-sha256', 'hs2019') ?? '';
    await expect(verify({ ...req, headers: { ...req.headers, signature: hs } })).resolves.toBeTruthy();
    const { signature, ...rest } = req.headers;
    await expect(
      verify({ ...req, headers: { ...rest, authorization: `Signature ${signature}` } }),
    ).resolves.toBeTruthy();
  });

  it('refuses to sign with a Host header that contradicts the URL', () => {
    expect(() =>
      signRequest({
        method: 'POST',
        url: URL_,
        headers: { Host: 'evil.example' },
        body: BODY,
        keyId: KEY_ID,
        privateKeyPem: oldKey.privateKeyPem,
      }),
    ).toThrow(/Host/);
  });
});

describe('every single-byte mutation is rejected', () => {
  const req = signed();
  const cases: Array<[string, (i: number) => Req, number]> = [
    ['method', (i) => ({ ...req, method: mutateAt(req.method, i) }), req.method.length],
    ['path', (i) => ({ ...req, path: mutateAt(req.path, i) }), req.path.length],
    ['host', (i) => ({ ...req, headers: { ...req.headers, host: mutateAt(req.headers.host ?? '', i) } }), 11],
    ['date', (i) => ({ ...req, headers: { ...req.headers, date: mutateAt(req.headers.date ?? '', i) } }), 29],
    [
      'digest',
      (i) => ({ ...req, headers: { ...req.headers, digest: mutateAt(req.headers.digest ?? '', i) } }),
      51,
    ],
    ['body', (i) => ({ ...req, body: mutateAt(req.body, i) }), req.body.length],
  ];
  for (const [name, mutate, length] of cases) {
    it(name, async () => {
      const accepted: number[] = [];
      for (const i of positions(length)) {
        if ((await reasonOf(verify(mutate(i)))) === 'accepted') accepted.push(i);
      }
      expect(accepted).toEqual([]);
    });
  }

  it('signature', async () => {
    const header = req.headers.signature ?? '';
    const start = header.indexOf('signature="') + 'signature="'.length;
    const end = header.length - 1;
    expect(end - start).toBe(344);
    const accepted: number[] = [];
    const reasons = new Set<string>();
    for (let i = start; i < end; i++) {
      const reason = await reasonOf(
        verify({ ...req, headers: { ...req.headers, signature: mutateAt(header, i) } }),
      );
      reasons.add(reason);
      if (reason === 'accepted') accepted.push(i);
    }
    expect(accepted).toEqual([]);
    expect([...reasons].sort()).toEqual(['bad_format', 'bad_signature']);
  });
});

describe('clock window', () => {
  const req = signed();
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
  it('accepts up to 1 hour old and 5 minutes ahead', async () => {
    await expect(verify(req, { now: at(3600) })).resolves.toBeTruthy();
    await expect(verify(req, { now: at(-300) })).resolves.toBeTruthy();
  });
  it('rejects stale and future dates', async () => {
    expect(await reasonOf(verify(req, { now: at(3601) }))).toBe('stale_date');
    expect(await reasonOf(verify(req, { now: at(-301) }))).toBe('future_date');
    expect(await reasonOf(verify(req, { now: at(7200), maxPastSeconds: 43_200 }))).toBe('accepted');
  });
  it('rejects an expired (expires) parameter', async () => {
    const sig = customSignature(
      req,
      ['(request-target)', 'host', 'date', 'digest'],
      'algorithm="hs2019",expires=1',
    );
    expect(await reasonOf(verify({ ...req, headers: { ...req.headers, signature: sig } }))).toBe(
      'stale_date',
    );
  });
});

describe('rejection reasons', () => {
  const req = signed();
  const withHeaders = (headers: Record<string, string>): Req => ({ ...req, headers });
  const without = (name: string): Record<string, string> =>
    Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== name));

  it('names each missing or unsigned header', async () => {
    expect(await reasonOf(verify(withHeaders(without('signature'))))).toBe('missing_header');
    expect(await reasonOf(verify(withHeaders(without('date'))))).toBe('missing_header');
    expect(await reasonOf(verify(withHeaders(without('host'))))).toBe('missing_header');
    expect(await reasonOf(verify(withHeaders(without('digest'))))).toBe('missing_header');
    for (const dropped of ['(request-target)', 'host', 'date', 'digest']) {
      const names = ['(request-target)', 'host', 'date', 'digest'].filter((n) => n !== dropped);
      const sig = customSignature(req, names);
      expect(await reasonOf(verify(withHeaders({ ...req.headers, signature: sig })))).toBe(
        'header_not_signed',
      );
    }
    const noHeadersParam = `keyId="${KEY_ID}",signature="${Buffer.alloc(256).toString('base64')}"`;
    expect(await reasonOf(verify(withHeaders({ ...req.headers, signature: noHeadersParam })))).toBe(
      'header_not_signed',
    );
  });

  it('rejects unsupported algorithms, bad formats, digest mismatches', async () => {
    const hmac = req.headers.signature?.replace('rsa-sha256', 'hmac-sha256') ?? '';
    expect(await reasonOf(verify(withHeaders({ ...req.headers, signature: hmac })))).toBe(
      'unsupported_algorithm',
    );
    expect(await reasonOf(verify(withHeaders({ ...req.headers, signature: 'garbage' })))).toBe('bad_format');
    expect(await reasonOf(verify(withHeaders({ ...req.headers, date: 'yesterday' })))).toBe('bad_format');
    expect(await reasonOf(verify(withHeaders({ ...req.headers, digest: 'MD5=abc' })))).toBe('bad_format');
    expect(await reasonOf(verify({ ...req, body: `${req.body} ` }))).toBe('digest_mismatch');
  });

  it('reports key look-up failures distinctly (503 for a failed fetch)', async () => {
    expect(await reasonOf(verify(req, { fetchKey: async () => null }))).toBe('key_not_found');
    const failing: FetchKey = async () => {
      throw new Error('ECONNRESET');
    };
    expect(await reasonOf(verify(req, { fetchKey: failing }))).toBe('key_fetch_failed');
    expect(statusOf(new SignatureError('key_fetch_failed', 'x'))).toBe(503);
    expect(statusOf(new SignatureError('bad_signature', 'x'))).toBe(401);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(await reasonOf(verify(req, { fetchKey: keyFetcher({ publicKeyPem: ec.toString() }) }))).toBe(
      'bad_signature',
    );
    expect(await reasonOf(verify(req, { fetchKey: keyFetcher({ publicKeyPem: 'not a key' }) }))).toBe(
      'bad_signature',
    );
  });
});

describe('key rotation', () => {
  const record = (key: { publicKeyPem: string }, fromCache: boolean): PublicKeyRecord => ({
    publicKeyPem: key.publicKeyPem,
    actorId: ACTOR,
    fromCache,
  });

  it('refetches once when the cached key is old, then succeeds', async () => {
    const fetchKey = vi.fn<FetchKey>(async (_id, { refresh }) => record(refresh ? newKey : oldKey, !refresh));
    await expect(verify(signed({ key: newKey }), { fetchKey })).resolves.toEqual({
      keyId: KEY_ID,
      actorId: ACTOR,
    });
    expect(fetchKey.mock.calls).toEqual([
      [KEY_ID, { refresh: false }],
      [KEY_ID, { refresh: true }],
    ]);
  });

  it('rejects when the refetched key fails too, after exactly two fetches', async () => {
    const fetchKey = vi.fn<FetchKey>(async (_id, { refresh }) => record(oldKey, !refresh));
    expect(await reasonOf(verify(signed({ key: newKey }), { fetchKey }))).toBe('bad_signature');
    expect(fetchKey).toHaveBeenCalledTimes(2);
  });

  it('does not refetch a key that was just fetched', async () => {
    const fetchKey = vi.fn<FetchKey>(async () => record(oldKey, false));
    expect(await reasonOf(verify(signed({ key: newKey }), { fetchKey }))).toBe('bad_signature');
    expect(fetchKey).toHaveBeenCalledTimes(1);
  });
});

describe('parseSignatureHeader', () => {
  it('parses the Mastodon form, escapes and defaults', () => {
    const sig = Buffer.alloc(256, 7).toString('base64');
    const parsed = parseSignatureHeader(
      ` keyId="https://a.example/u#k" , algorithm="RSA-SHA256",headers="(request-target) Host date",signature="${sig}"`,
    );
    expect(parsed).toMatchObject({
      keyId: 'https://a.example/u#k',
      algorithm: 'rsa-sha256',
      headers: ['(request-target)', 'host', 'date'],
      created: undefined,
    });
    expect(parsed.signature.length).toBe(256);
    expect(parseSignatureHeader(`keyId="a\\"b",signature="${sig}",created=1700000000`)).toMatchObject({
      keyId: 'a"b',
      headers: ['date'],
      created: 1_700_000_000,
    });
  });

  it.each([
    ['empty', ''],
    ['no signature', 'keyId="a"'],
    ['no keyId', 'signature="AAAA"'],
    ['duplicate', 'keyId="a",keyId="b",signature="AAAA"'],
    ['trailing comma', 'keyId="a",signature="AAAA",'],
    ['unterminated', 'keyId="a,signature="AAAA"'],
    ['non-canonical base64', 'keyId="a",signature="AAB="'],
    ['empty headers', 'keyId="a",signature="AAAA",headers=""'],
    ['repeated header', 'keyId="a",signature="AAAA",headers="date date"'],
    ['bad created', 'keyId="a",signature="AAAA",created="soon"'],
    ['control character', 'keyId="a\u0001",signature="AAAA"'],
    ['too long', `keyId="${'a'.repeat(9000)}",signature="AAAA"`],
  ])('rejects %s with bad_format', (_name, value) => {
    expect(() => parseSignatureHeader(value)).toThrow(SignatureError);
    try {
      parseSignatureHeader(value);
    } catch (error) {
      expect(error instanceof SignatureError && error.reason).toBe('bad_format');
    }
  });

  it('never throws anything but SignatureError on random input', () => {
    const rng = createRng(20261123);
    const alphabet = 'keyIdalgorithmheaderssignaturecreated="\\, =\t()-+/AZaz09\u0000\u00ff\ud83d';
    const fragments = ['keyId=', 'signature=', 'headers=', 'algorithm=', '"', '\\"', ',', '=', 'AAAA', ' '];
    const valid = signed().headers.signature ?? '';
    let ok = 0;
    for (let n = 0; n < 4000; n++) {
      let value = '';
      const mode = n % 3;
      if (mode === 0) {
        const len = rng.int(80);
        for (let i = 0; i < len; i++) value += alphabet.charAt(rng.int(alphabet.length));
      } else if (mode === 1) {
        const parts = rng.int(12);
        for (let i = 0; i < parts; i++) value += rng.pick(fragments);
      } else {
        value = valid;
        const edits = 1 + rng.int(4);
        for (let i = 0; i < edits; i++) {
          const at = rng.int(value.length + 1);
          const cut = rng.int(3);
          value = value.slice(0, at) + alphabet.charAt(rng.int(alphabet.length)) + value.slice(at + cut);
        }
      }
      try {
        parseSignatureHeader(value);
        ok++;
      } catch (error) {
        if (!(error instanceof SignatureError) || error.reason !== 'bad_format') throw error;
      }
    }
    expect(ok).toBeLessThan(4000);
  });
});

describe('verifyRequest on hostile input', () => {
  it('rejects random headers only with SignatureError', async () => {
    const rng = createRng(7);
    const req = signed();
    const names = ['signature', 'date', 'host', 'digest', 'authorization'];
    const junk = ['', ' ', 'x', '"', '=', ',', 'SHA-256=', 'Signature ', '\\', 'keyId="k"', 'headers="date"'];
    for (let n = 0; n < 500; n++) {
      const headers: Record<string, string> = { ...req.headers };
      const name = rng.pick(names);
      let value = headers[name] ?? '';
      const at = rng.int(value.length + 1);
      value = value.slice(0, at) + rng.pick(junk) + value.slice(at + rng.int(4));
      headers[name] = value;
      const reason = await reasonOf(verify({ ...req, headers }));
      expect(reason).not.toBe('other');
    }
  });
});
