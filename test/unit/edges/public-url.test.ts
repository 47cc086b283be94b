import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPrivateAddress } from '../../../lib/edges/public-url.ts';

const resolvesTo = (...addresses: string[]) => ({ resolve: async () => addresses });

describe('assertPublicUrl (where the bot may be told to POST)', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::ffff:7f00:1',
  ])('calls %s private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    'calls %s public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('refuses literal private hosts, including bracketed IPv6 and mapped forms', async () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'https://10.0.0.5/hook',
    ])
      await expect(assertPublicUrl(url), url).rejects.toThrow(/private, loopback or link-local/);
  });

  it('refuses a name that resolves to any private address (DNS checked, not just the literal)', async () => {
    await expect(
      assertPublicUrl('https://bridge.example/cb', resolvesTo('93.184.216.34', '10.0.0.1')),
    ).rejects.toThrow(/private/);
    await expect(assertPublicUrl('https://bridge.example/cb', resolvesTo())).rejects.toThrow(/private/);
    const failing = { resolve: async () => Promise.reject(new Error('ENOTFOUND')) };
    await expect(assertPublicUrl('https://nowhere.example/', failing)).rejects.toThrow(/does not resolve/);
  });

  it('refuses other schemes and URLs with credentials; accepts public http(s)', async () => {
    await expect(assertPublicUrl('ftp://bridge.example/')).rejects.toThrow(/http\(s\)/);
    await expect(assertPublicUrl('file:///etc/passwd')).rejects.toThrow(/http\(s\)/);
    await expect(assertPublicUrl('https://u:p@bridge.example/', resolvesTo('93.184.216.34'))).rejects.toThrow(
      /credentials/,
    );
    const ok = await assertPublicUrl('https://bridge.example/cb?x=1', resolvesTo('93.184.216.34'));
    expect(ok.href).toBe('https://bridge.example/cb?x=1');
  });

  it('lets private addresses through only when told to (local runs and tests)', async () => {
    const url = await assertPublicUrl('http://127.0.0.1:9/cb', { allowPrivate: true });
    expect(url.hostname).toBe('127.0.0.1');
    await expect(assertPublicUrl('gopher://127.0.0.1/', { allowPrivate: true })).rejects.toThrow(/http\(s\)/);
  });
});
