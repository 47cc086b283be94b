import { assertPublicUrl, type Lookup, UnsafeUrlError } from './url-guard.ts';

/** How long one outside fetch (a remote key, an inbox delivery) may take; the http function's timeout leaves room for it. */
export const FETCH_TIMEOUT_MS = 10_000;

/**
 * `fetch` for talking to other servers: every hop (the first URL and each redirect) goes
 * through the SSRF guard, redirects are followed by hand (at most 3), each request has a
 * timeout, and response bodies are cut off at 1 MiB so a hostile server cannot exhaust memory.
 * Remaining gap, written down: the guard resolves the name and fetch resolves it again, so a
 * DNS answer that changes between the two (rebinding) is not caught; Lambda has no private
 * network of its own to reach, which bounds the damage deployed.
 */

export interface SafeFetchOptions {
  allowPrivate: boolean;
  lookup?: Lookup;
  timeoutMs?: number;
  /** Injected in tests; defaults to global fetch. */
  fetch?: typeof fetch;
}

export type SafeFetch = (url: string, init?: RequestInit) => Promise<SafeResponse>;

export interface SafeResponse {
  status: number;
  url: string;
  headers: Headers;
  text: string;
}

const MAX_REDIRECTS = 3;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const doFetch = options.fetch ?? fetch;
  return async (url, init = {}) => {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await assertPublicUrl(current, {
        allowPrivate: options.allowPrivate,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      });
      const res = await doFetch(current, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS),
      });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        // A redirected POST would need re-signing for the new target; only GETs follow.
        if ((init.method ?? 'GET').toUpperCase() !== 'GET') break;
        current = new URL(location, current).toString();
        continue;
      }
      return { status: res.status, url: current, headers: res.headers, text: await readLimited(res) };
    }
    throw new UnsafeUrlError(`too many redirects from ${url}`);
  };
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error(`response from ${res.url} is over ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
