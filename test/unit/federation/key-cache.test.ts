import { describe, expect, it, vi } from 'vitest';
import { createKeyCache, type KeyLoader } from '../../../lib/federation/key-cache.ts';

const key = (n: number) => ({ publicKeyPem: `pem-${n}`, actorId: 'https://a.example/actor' });

function setup(options: { ttlMs?: number; maxEntries?: number; minRefreshIntervalMs?: number } = {}) {
  let clock = 0;
  let version = 0;
  const load = vi.fn<KeyLoader>(async () => key(++version));
  const cache = createKeyCache({ load, now: () => clock, ...options });
  return {
    cache,
    load,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('createKeyCache', () => {
  it('serves cached keys within the TTL and marks them as cached', async () => {
    const { cache, load, advance } = setup({ ttlMs: 1000 });
    expect(await cache.fetchKey('k', { refresh: false })).toEqual({ ...key(1), fromCache: false });
    advance(999);
    expect(await cache.fetchKey('k', { refresh: false })).toEqual({ ...key(1), fromCache: true });
    advance(1);
    expect(await cache.fetchKey('k', { refresh: false })).toEqual({ ...key(2), fromCache: false });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('refresh bypasses the cache, at most once per minimum interval', async () => {
    const { cache, load, advance } = setup({ minRefreshIntervalMs: 100 });
    await cache.fetchKey('k', { refresh: false });
    advance(100);
    expect(await cache.fetchKey('k', { refresh: true })).toEqual({ ...key(2), fromCache: false });
    advance(50);
    expect(await cache.fetchKey('k', { refresh: true })).toEqual({ ...key(2), fromCache: false });
    expect(await cache.fetchKey('k', { refresh: false })).toEqual({ ...key(2), fromCache: true });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used key', async () => {
    const { cache, load } = setup({ maxEntries: 2 });
    await cache.fetchKey('a', { refresh: false });
    await cache.fetchKey('b', { refresh: false });
    await cache.fetchKey('a', { refresh: false });
    await cache.fetchKey('c', { refresh: false });
    expect(cache.size).toBe(2);
    await cache.fetchKey('a', { refresh: false });
    expect(load).toHaveBeenCalledTimes(3);
    await cache.fetchKey('b', { refresh: false });
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('shares one fetch between concurrent look-ups and caches neither null nor errors', async () => {
    const { cache, load } = setup();
    await Promise.all([cache.fetchKey('k', { refresh: false }), cache.fetchKey('k', { refresh: false })]);
    expect(load).toHaveBeenCalledTimes(1);

    load.mockResolvedValueOnce(null);
    expect(await cache.fetchKey('gone', { refresh: false })).toBeNull();
    expect(cache.size).toBe(1);
    load.mockRejectedValueOnce(new Error('timeout'));
    await expect(cache.fetchKey('flaky', { refresh: false })).rejects.toThrow('timeout');
    expect(await cache.fetchKey('flaky', { refresh: false })).toMatchObject({ fromCache: false });

    cache.invalidate('k');
    expect(await cache.fetchKey('k', { refresh: false })).toMatchObject({ fromCache: false });
  });
});
