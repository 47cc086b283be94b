import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type FetchKey,
  SignatureError,
  type SignatureErrorReason,
  signRequest,
} from '../../../lib/federation/http-signatures.ts';
import { parseRfc9421, signatureBase, signRfc9421, verifyRfc9421 } from '../../../lib/federation/rfc9421.ts';
import { schemeOf, verifySignedRequest } from '../../../lib/federation/verify-signature.ts';

const pem = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

const key = pem();
const other = pem();
const KEY_ID = 'https://peer.example/users/carol#main-key';
const ACTOR = 'https://peer.example/users/carol';
const NOW = new Date('2026-12-01T12:00:00Z');
const URL_ = 'https://bot.example/users/alice/inbox';
const BODY = JSON.stringify({ type: 'Follow', actor: ACTOR, object: 'https://bot.example/users/alice' });
const fetchKey: FetchKey = async () => ({ publicKeyPem: key.publicKeyPem, actorId: ACTOR });

function lower(headers: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function signedPost(options: { body?: string; now?: Date; url?: string } = {}) {
  const body = options.body ?? BODY;
  const headers = lower(
    signRfc9421({
      method: 'POST',
      url: options.url ?? URL_,
      body,
      keyId: KEY_ID,
      privateKeyPem: key.privateKeyPem,
      now: options.now ?? NOW,
    }),
  );
  return { headers, body };
}

/** Signs what our signer never would: any component list and parameters. */
function customSignature(
  components: string[],
  params: string,
  headers: Map<string, string>,
  url = URL_,
  method = 'POST',
): Map<string, string> {
  const input = `(${components.map((c) => `"${c}"`).join(' ')});${params}`;
  const base = signatureBase(components, input, method, new URL(url), headers);
  const sig = createSign('RSA-SHA256').update(base).sign(key.privateKeyPem, 'base64');
  const out = new Map(headers);
  out.set('signature-input', `sig1=${input}`);
  out.set('signature', `sig1=:${sig}:`);
  return out;
}

async function reasonOf(p: Promise<unknown>): Promise<SignatureErrorReason | 'accepted' | 'other'> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof SignatureError ? err.reason : 'other';
  }
}

const verify = (headers: Map<string, string>, body: string | null = BODY, url = URL_, method = 'POST') =>
  verifyRfc9421({ method, url, headers, body, now: NOW, fetchKey });

const created = Math.floor(NOW.getTime() / 1000);

describe('RFC 9421 published example (section 4.3, rsa-v1_5-sha256 with test-key-rsa)', () => {
  // RFC 9421 Appendix B.1.1 test-key-rsa (public half) and the proxy's signature of section 4.3.
  const TEST_KEY_RSA = [
    '-----BEGIN RSA PUBLIC KEY-----',
    'MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw',
    'WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq',
    'MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg',
    'kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P',
    'uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ',
    'PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB',
    '-----END RSA PUBLIC KEY-----',
  ].join('\n');
  const headers = new Map([
    ['host', 'origin.host.internal.example'],
    ['date', 'Tue, 20 Apr 2021 02:07:56 GMT'],
    ['content-type', 'application/json'],
    [
      'content-digest',
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    ],
    ['content-length', '18'],
    ['forwarded', 'for=192.0.2.123;host=example.com;proto=https'],
    [
      'signature-input',
      'proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540',
    ],
    [
      'signature',
      'proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:',
    ],
  ]);
  const url = new URL('https://origin.host.internal.example/foo?param=Value&Pet=dog');
  const body = '{"hello": "world"}';

  it('our signature base verifies the RFC’s signature with the RFC’s key', async () => {
    const parsed = parseRfc9421(headers.get('signature-input') ?? '', headers.get('signature') ?? '');
    expect(parsed).toMatchObject({ label: 'proxy_sig', keyId: 'test-key-rsa', created: 1618884480 });
    expect(parsed.algorithm).toBe('rsa-v1_5-sha256');
    const base = signatureBase(parsed.components, parsed.signatureParams, 'POST', url, headers);
    expect(base.split('\n')[1]).toBe('"@authority": origin.host.internal.example');
    const { createVerify } = await import('node:crypto');
    expect(createVerify('RSA-SHA256').update(base).verify(TEST_KEY_RSA, parsed.signature)).toBe(true);
    // A changed covered field breaks it: the check can fail.
    const tampered = new Map(headers).set('forwarded', 'for=192.0.2.124;host=example.com;proto=https');
    const bad = signatureBase(parsed.components, parsed.signatureParams, 'POST', url, tampered);
    expect(createVerify('RSA-SHA256').update(bad).verify(TEST_KEY_RSA, parsed.signature)).toBe(false);
  });

  it('the whole verifier checks it down to the digest and refuses it only for policy', async () => {
    const at = new Date(1618884500 * 1000);
    const rfcKey: FetchKey = async () => ({ publicKeyPem: TEST_KEY_RSA, actorId: 'test' });
    // The example covers @authority + @path, not @target-uri, which the fediverse profile requires.
    expect(
      await reasonOf(
        verifyRfc9421({ method: 'POST', url: url.href, headers, body, now: at, fetchKey: rfcKey }),
      ),
    ).toBe('header_not_signed');
  });
});

describe('RFC 9421 round trip', () => {
  it('signs POSTs over @method, @target-uri and content-digest, with created, keyid and alg', async () => {
    const { headers } = signedPost();
    expect(headers.get('signature-input')).toBe(
      `sig1=("@method" "@target-uri" "content-digest");created=${created};keyid="${KEY_ID}";alg="rsa-v1_5-sha256"`,
    );
    expect(headers.get('content-digest')).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
    expect(headers.get('signature')).toMatch(/^sig1=:[A-Za-z0-9+/]+=*:$/);
    await expect(verify(headers)).resolves.toEqual({ keyId: KEY_ID, actorId: ACTOR });
  });

  it('signs GETs without a digest, and they verify as GETs only', async () => {
    const headers = lower(
      signRfc9421({
        method: 'GET',
        url: `${URL_}?page=2`,
        keyId: KEY_ID,
        privateKeyPem: key.privateKeyPem,
        now: NOW,
      }),
    );
    expect(headers.has('content-digest')).toBe(false);
    await expect(verify(headers, null, `${URL_}?page=2`, 'GET')).resolves.toMatchObject({
      actorId: ACTOR,
    });
    expect(await reasonOf(verify(headers, null, `${URL_}?page=3`, 'GET'))).toBe('bad_signature');
    expect(await reasonOf(verify(headers, null, `${URL_}?page=2`, 'HEAD'))).toBe('bad_signature');
  });

  it('accepts a sha-512 Content-Digest and other signature parameters (nonce, tag)', async () => {
    const { createHash } = await import('node:crypto');
    const digest = `sha-512=:${createHash('sha512').update(BODY).digest('base64')}:`;
    const headers = customSignature(
      ['@method', '@target-uri', 'content-digest'],
      `created=${created};keyid="${KEY_ID}";nonce="n1";tag="t"`,
      new Map([['content-digest', digest]]),
    );
    await expect(verify(headers)).resolves.toMatchObject({ actorId: ACTOR });
  });

  it('is picked when Signature-Input is present; draft-cavage otherwise', async () => {
    const { headers } = signedPost();
    const asRecord = Object.fromEntries(headers);
    expect(schemeOf(asRecord)).toBe('rfc9421');
    await expect(
      verifySignedRequest({ method: 'POST', url: URL_, headers: asRecord, body: BODY, now: NOW, fetchKey }),
    ).resolves.toMatchObject({ scheme: 'rfc9421', actorId: ACTOR });
    const cavage = signRequest({
      method: 'POST',
      url: URL_,
      body: BODY,
      keyId: KEY_ID,
      privateKeyPem: key.privateKeyPem,
      now: NOW,
    });
    const cavageHeaders = Object.fromEntries(Object.entries(cavage).map(([k, v]) => [k.toLowerCase(), v]));
    expect(schemeOf(cavageHeaders)).toBe('draft-cavage');
    await expect(
      verifySignedRequest({
        method: 'POST',
        url: URL_,
        headers: cavageHeaders,
        body: BODY,
        now: NOW,
        fetchKey,
      }),
    ).resolves.toMatchObject({ scheme: 'draft-cavage', actorId: ACTOR });
  });

  it('checks both schemes against the public URL, not the Host header that arrived', async () => {
    const { headers, body } = signedPost();
    const viaProxy = Object.fromEntries(headers);
    viaProxy.host = 'abc123.lambda-url.eu-west-1.on.aws';
    await expect(
      verifySignedRequest({ method: 'POST', url: URL_, headers: viaProxy, body, now: NOW, fetchKey }),
    ).resolves.toMatchObject({ actorId: ACTOR });
    const cavage = signRequest({
      method: 'POST',
      url: URL_,
      body: BODY,
      keyId: KEY_ID,
      privateKeyPem: key.privateKeyPem,
      now: NOW,
    });
    const cavageHeaders = Object.fromEntries(Object.entries(cavage).map(([k, v]) => [k.toLowerCase(), v]));
    cavageHeaders.host = 'abc123.lambda-url.eu-west-1.on.aws';
    await expect(
      verifySignedRequest({
        method: 'POST',
        url: URL_,
        headers: cavageHeaders,
        body: BODY,
        now: NOW,
        fetchKey,
      }),
    ).resolves.toMatchObject({ actorId: ACTOR });
    // Addressed to another URL (another host or path): refused, whatever Host says.
    for (const url of ['https://other.example/users/alice/inbox', 'https://bot.example/inbox']) {
      expect(
        await reasonOf(
          verifySignedRequest({ method: 'POST', url, headers: viaProxy, body, now: NOW, fetchKey }),
        ),
      ).toBe('bad_signature');
      expect(
        await reasonOf(
          verifySignedRequest({
            method: 'POST',
            url,
            headers: cavageHeaders,
            body: BODY,
            now: NOW,
            fetchKey,
          }),
        ),
      ).toBe('bad_signature');
    }
  });
});

describe('RFC 9421 bad input: refused before any key is fetched', () => {
  let fetched = 0;
  const countingKey: FetchKey = async (id, o) => {
    fetched++;
    return fetchKey(id, o);
  };
  const check = (headers: Map<string, string>, body: string | undefined = BODY, now = NOW) =>
    reasonOf(
      verifyRfc9421({
        method: 'POST',
        url: URL_,
        headers,
        ...(body !== undefined ? { body } : {}),
        now,
        fetchKey: countingKey,
      }),
    );

  it.each([
    ['a wrong digest', () => signedPost().headers, BODY.replace('Follow', 'Fellow'), 'digest_mismatch'],
    [
      'a stale created',
      () => signedPost({ now: new Date(NOW.getTime() - 2 * 3600_000) }).headers,
      BODY,
      'stale_date',
    ],
    [
      'a created far ahead',
      () => signedPost({ now: new Date(NOW.getTime() + 3600_000) }).headers,
      BODY,
      'future_date',
    ],
    [
      'no @target-uri',
      () =>
        customSignature(
          ['@method', 'content-digest'],
          `created=${created};keyid="${KEY_ID}"`,
          signedPost().headers,
        ),
      BODY,
      'header_not_signed',
    ],
    [
      'no @method',
      () =>
        customSignature(
          ['@target-uri', 'content-digest'],
          `created=${created};keyid="${KEY_ID}"`,
          signedPost().headers,
        ),
      BODY,
      'header_not_signed',
    ],
    [
      'no content-digest on a POST',
      () =>
        customSignature(
          ['@method', '@target-uri'],
          `created=${created};keyid="${KEY_ID}"`,
          signedPost().headers,
        ),
      BODY,
      'header_not_signed',
    ],
    [
      'alg rsa-pss-sha512',
      () =>
        customSignature(
          ['@method', '@target-uri', 'content-digest'],
          `created=${created};keyid="${KEY_ID}";alg="rsa-pss-sha512"`,
          signedPost().headers,
        ),
      BODY,
      'unsupported_algorithm',
    ],
    [
      'alg ed25519',
      () =>
        customSignature(
          ['@method', '@target-uri', 'content-digest'],
          `created=${created};keyid="${KEY_ID}";alg="ed25519"`,
          signedPost().headers,
        ),
      BODY,
      'unsupported_algorithm',
    ],
    [
      'no created',
      () =>
        customSignature(
          ['@method', '@target-uri', 'content-digest'],
          `keyid="${KEY_ID}"`,
          signedPost().headers,
        ),
      BODY,
      'bad_format',
    ],
    [
      'an expired signature',
      () =>
        customSignature(
          ['@method', '@target-uri', 'content-digest'],
          `created=${created - 60};expires=${created - 1};keyid="${KEY_ID}"`,
          signedPost().headers,
        ),
      BODY,
      'stale_date',
    ],
    [
      'no Content-Digest header',
      () => {
        const h = signedPost().headers;
        h.delete('content-digest');
        return h;
      },
      BODY,
      'missing_header',
    ],
    [
      'a Content-Digest of an unknown algorithm only',
      () => signedPost().headers.set('content-digest', 'md5=:AAAA:'),
      BODY,
      'bad_format',
    ],
    [
      'two signatures',
      () => {
        const h = signedPost().headers;
        return h.set(
          'signature-input',
          `${h.get('signature-input')}, sig2=("@method");created=${created};keyid="x"`,
        );
      },
      BODY,
      'bad_format',
    ],
    [
      'a label with no signature',
      () => {
        const h = signedPost().headers;
        return h.set('signature', h.get('signature')?.replace('sig1', 'sig2') ?? '');
      },
      BODY,
      'missing_header',
    ],
    [
      'a component with parameters',
      () =>
        signedPost().headers.set(
          'signature-input',
          `sig1=("@method" "@target-uri" "content-digest";sf);created=${created};keyid="${KEY_ID}"`,
        ),
      BODY,
      'bad_format',
    ],
    [
      'an unknown derived component',
      () =>
        signedPost().headers.set(
          'signature-input',
          `sig1=("@method" "@target-uri" "@status" "content-digest");created=${created};keyid="${KEY_ID}"`,
        ),
      BODY,
      'bad_format',
    ],
    [
      'not a dictionary',
      () => signedPost().headers.set('signature-input', 'sig1=("@method"'),
      BODY,
      'bad_format',
    ],
    [
      'a signature that is not bytes',
      () => signedPost().headers.set('signature', 'sig1="abc"'),
      BODY,
      'bad_format',
    ],
    [
      'keyid as a token',
      () =>
        signedPost().headers.set(
          'signature-input',
          `sig1=("@method" "@target-uri" "content-digest");created=${created};keyid=abc`,
        ),
      BODY,
      'bad_format',
    ],
  ] as const)('%s is refused', async (_what, make, body, reason) => {
    fetched = 0;
    expect(await check(make(), body)).toBe(reason);
    expect(fetched).toBe(0);
  });

  it('another key, or a flipped byte anywhere in the signature or the covered values, -> bad_signature', async () => {
    const { headers } = signedPost();
    const wrongKey: FetchKey = async () => ({ publicKeyPem: other.publicKeyPem, actorId: ACTOR });
    expect(
      await reasonOf(
        verifyRfc9421({ method: 'POST', url: URL_, headers, body: BODY, now: NOW, fetchKey: wrongKey }),
      ),
    ).toBe('bad_signature');
    const sig = headers.get('signature') ?? '';
    let refused = 0;
    for (let i = 6; i < sig.length - 3; i += 7) {
      const c = sig[i] === 'A' ? 'B' : 'A';
      const mutated = new Map(headers).set('signature', sig.slice(0, i) + c + sig.slice(i + 1));
      const r = await reasonOf(verify(mutated));
      if (r !== 'accepted') refused++;
    }
    expect(refused).toBe(Math.ceil((sig.length - 9) / 7));
    expect(await reasonOf(verify(headers, BODY, URL_, 'PUT'))).toBe('bad_signature');
    expect(await reasonOf(verify(headers, BODY, `${URL_}?x=1`))).toBe('bad_signature');
  });
});
