/**
 * A TTL + LRU cache in front of a public-key fetcher, with the refresh semantics verifyRequest
 * relies on: `refresh: true` bypasses the cache (the sender may have rotated its key), but at
 * most once per `minRefreshIntervalMs` per key, so a stream of badly signed requests cannot
 * make us hammer the sender's server. Concurrent look-ups of one key share a single fetch.
 * Failures (a thrown error) and "not found" (null) are not cached.
 */
import type { FetchKey, PublicKeyRecord } from './http-signatures.ts';

export type KeyLoader = (keyId: string) => Promise<Omit<PublicKeyRecord, 'fromCache'> | null>;

export interface KeyCacheOptions {
  load: KeyLoader;
  /** How long a fetched key is trusted without refetching. Default 1 hour. */
  ttlMs?: number;
  /** Most keys kept; the least recently used is evicted first. Default 1,000. */
  maxEntries?: number;
  /** A refresh within this long of the last fetch returns that fetch's result. Default 30 s. */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

export interface KeyCache {
  fetchKey: FetchKey;
  invalidate(keyId: string): void;
  readonly size: number;
}

interface Entry {
  key: Omit<PublicKeyRecord, 'fromCache'>;
  fetchedAt: number;
}

export function createKeyCache(options: KeyCacheOptions): KeyCache {
  const ttl = options.ttlMs ?? 3_600_000;
  const maxEntries = Math.max(1, options.maxEntries ?? 1000);
  const minRefresh = options.minRefreshIntervalMs ?? 30_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Omit<PublicKeyRecord, 'fromCache'> | null>>();

  const touch = (keyId: string, entry: Entry): void => {
    entries.delete(keyId);
    entries.set(keyId, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  const load = (keyId: string): Promise<Omit<PublicKeyRecord, 'fromCache'> | null> => {
    const pending = inFlight.get(keyId);
    if (pending !== undefined) return pending;
    const promise = options
      .load(keyId)
      .then((key) => {
        if (key === null) entries.delete(keyId);
        else touch(keyId, { key, fetchedAt: now() });
        return key;
      })
      .finally(() => inFlight.delete(keyId));
    inFlight.set(keyId, promise);
    return promise;
  };

  const fetchKey: FetchKey = async (keyId, { refresh }) => {
    const entry = entries.get(keyId);
    if (entry !== undefined) {
      const age = now() - entry.fetchedAt;
      if (!refresh && age < ttl) {
        touch(keyId, entry);
        return { ...entry.key, fromCache: true };
      }
      if (refresh && age < minRefresh) return { ...entry.key, fromCache: false };
    }
    const key = await load(keyId);
    return key === null ? null : { ...key, fromCache: false };
  };

  return {
    fetchKey,
    invalidate: (keyId) => {
      entries.delete(keyId);
    },
    get size() {
      return entries.size;
    },
  };
}
