/**
 * Signed requests to other servers with "double-knocking" (the ActivityPub HTTP Signature
 * report's upgrade path, which Mastodon and Fedify follow): sign with one scheme; when the
 * server answers 400 or 401, sign again with the other; remember per origin which one worked.
 *
 * First knock: draft-cavage, as Mastodon 4.7 does. Every fediverse server accepts it today
 * (GoToSocial, Misskey and Akkoma accept nothing else), so leading with RFC 9421, as Fedify does,
 * would cost most servers a refused request before the first success of each process.
 *
 * Memory: per process, in a bounded map (least recently used origin evicted first). A Lambda
 * container lives for minutes to hours and its deliveries mostly go to the same few servers, so
 * a cold container pays at most one extra request per RFC 9421-only server; nothing is stored.
 */
import { signRequest } from './http-signatures.ts';
import { signRfc9421 } from './rfc9421.ts';
import type { SafeFetch, SafeResponse } from './safe-fetch.ts';
import type { SignatureScheme } from './verify-signature.ts';

export const FIRST_KNOCK: SignatureScheme = 'draft-cavage';

export interface SchemeMemory {
  get(origin: string): SignatureScheme | undefined;
  remember(origin: string, scheme: SignatureScheme): void;
}

export function createSchemeMemory(maxOrigins = 10_000): SchemeMemory {
  const known = new Map<string, SignatureScheme>();
  return {
    get(origin) {
      const scheme = known.get(origin);
      if (scheme !== undefined) {
        known.delete(origin);
        known.set(origin, scheme);
      }
      return scheme;
    },
    remember(origin, scheme) {
      known.delete(origin);
      known.set(origin, scheme);
      if (known.size > maxOrigins) {
        const oldest = known.keys().next().value;
        if (oldest !== undefined) known.delete(oldest);
      }
    },
  };
}

/** The process-wide memory every signer shares unless given its own (tests). */
export const processSchemeMemory: SchemeMemory = createSchemeMemory();

export interface SignedFetchDeps {
  fetch: SafeFetch;
  keyId: string;
  privateKeyPem: string;
  now: () => Date;
  memory?: SchemeMemory;
}

export interface SignedFetchInit {
  method: 'GET' | 'POST';
  body?: string;
  /** Extra headers (accept, content-type); never Host or signature headers. */
  headers?: Record<string, string>;
}

const refused = (status: number) => status === 400 || status === 401;

function sign(deps: SignedFetchDeps, scheme: SignatureScheme, url: string, init: SignedFetchInit) {
  const input = {
    method: init.method,
    url,
    keyId: deps.keyId,
    privateKeyPem: deps.privateKeyPem,
    now: deps.now(),
    ...(init.body !== undefined ? { body: init.body } : {}),
  };
  return scheme === 'rfc9421' ? signRfc9421(input) : signRequest(input);
}

/**
 * A signed request with double-knocking. Resolves with the last answer and the scheme that
 * produced it; throws what the fetch throws (network, SSRF guard).
 */
export async function signedFetch(
  deps: SignedFetchDeps,
  url: string,
  init: SignedFetchInit,
): Promise<SafeResponse & { scheme: SignatureScheme }> {
  const memory = deps.memory ?? processSchemeMemory;
  const origin = new URL(url).origin;
  const first = memory.get(origin) ?? FIRST_KNOCK;
  const send = async (scheme: SignatureScheme) => {
    const res = await deps.fetch(url, {
      method: init.method,
      headers: { ...init.headers, ...sign(deps, scheme, url, init) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    if (res.status >= 200 && res.status < 300) memory.remember(origin, scheme);
    return { ...res, scheme };
  };
  const res = await send(first);
  if (!refused(res.status)) return res;
  return send(first === 'rfc9421' ? 'draft-cavage' : 'rfc9421');
}
