/**
 * The outbound-URL guard (lib/federation/url-guard.ts).
 * Contract: `assertPublicUrl(url, { allowPrivate, lookup? })` resolves for a URL whose host
 * resolves only to public addresses, and rejects (a typed error) when any address is
 * loopback, private, link-local, unique-local, unspecified, or an IPv4-mapped IPv6 form of
 * those, unless `allowPrivate` is true. `lookup` replaces DNS in tests. Redirects are checked
 * hop by hop by the fetcher, each hop through this same guard.
 */
import { describe, expect, it } from 'vitest';
import { assertPublicUrl } from '../../../lib/federation/url-guard.ts';

type Lookup = (host: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
const guard = assertPublicUrl;

const resolvesTo =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const REFUSED: Array<[string, string, string[]]> = [
  ['loopback literal', 'http://127.0.0.1/inbox', []],
  ['loopback range', 'http://127.8.9.10/inbox', []],
  ['localhost name', 'http://localhost/inbox', ['127.0.0.1']],
  ['IPv6 loopback', 'http://[::1]/inbox', []],
  ['unspecified', 'http://0.0.0.0/inbox', []],
  ['private 10/8', 'https://peer.example/inbox', ['10.1.2.3']],
  ['private 172.16/12', 'https://peer.example/inbox', ['172.20.0.1']],
  ['private 192.168/16', 'https://peer.example/inbox', ['192.168.1.1']],
  ['carrier-grade NAT 100.64/10', 'https://peer.example/inbox', ['100.64.0.1']],
  ['link-local metadata', 'http://169.254.169.254/latest/meta-data/', []],
  ['metadata by name', 'http://metadata.example/', ['169.254.169.254']],
  ['IPv6 link-local', 'https://peer.example/inbox', ['fe80::1']],
  ['IPv6 unique-local', 'https://peer.example/inbox', ['fd00::1']],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/inbox', []],
  ['IPv4-mapped metadata (hex)', 'http://[::ffff:a9fe:a9fe]/', []],
  ['one bad address among good ones', 'https://peer.example/inbox', ['93.184.216.34', '10.0.0.1']],
  ['decimal-encoded loopback', 'http://2130706433/inbox', []],
  ['octal-encoded loopback', 'http://0177.0.0.1/inbox', []],
  ['not http(s)', 'file:///etc/passwd', []],
];

describe('SSRF guard for peer and key URLs', () => {
  it.each(REFUSED)('refuses %s (%s)', async (_what, url, addresses) => {
    await expect(guard(url, { allowPrivate: false, lookup: resolvesTo(...addresses) })).rejects.toThrow();
  });

  it('allows a public address', async () => {
    await expect(
      guard('https://peer.example/inbox', { allowPrivate: false, lookup: resolvesTo('93.184.216.34') }),
    ).resolves.toBeUndefined();
  });

  it.each(REFUSED.filter(([, url]) => url.startsWith('http')))(
    'allows %s when private peers are explicitly allowed',
    async (_what, url, addresses) => {
      await expect(
        guard(url, { allowPrivate: true, lookup: resolvesTo(...addresses) }),
      ).resolves.toBeUndefined();
    },
  );

  it('a redirect to a private address is refused at the hop (each hop goes through the guard)', async () => {
    const hops = ['https://peer.example/actor', 'http://169.254.169.254/latest/meta-data/'];
    const results = await Promise.allSettled(
      hops.map((u) =>
        guard(u, {
          allowPrivate: false,
          lookup: resolvesTo(u.includes('peer') ? '93.184.216.34' : '169.254.169.254'),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });
});
