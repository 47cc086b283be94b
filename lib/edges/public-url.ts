import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { BadRequestError } from '../domain/errors.ts';

/*
 * Where the bot may be told to POST (IM bridge callbacks, peers' inboxes): never into the
 * operator's own network. Node's BlockList does the range matching; the ranges are the
 * IANA special-purpose ones a server-side request must not reach.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including the instance metadata service 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** An IPv4-mapped (`::ffff:10.0.0.1`) or -compatible IPv6 address, as the IPv4 address it carries. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m?.[1]) return { address: m[1], family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] && hex[2]) {
    const n = (Number.parseInt(hex[1], 16) << 16) | Number.parseInt(hex[2], 16);
    return { address: [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 4 ? 'ipv4' : 'ipv6' };
}

export function isPrivateAddress(address: string): boolean {
  const a = unmapped(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  return blocked.check(a.address, a.family);
}

export interface PublicUrlOptions {
  /** Local runs and tests talk to loopback: `ECHOBOT_ALLOW_PRIVATE=1`. */
  allowPrivate?: boolean;
  /** Injected in tests; defaults to the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
  /** The error a refusal throws; default a 400 about an IM callback (`callback must ...`). */
  refuse?: (reason: string) => Error;
}

const refuseCallback = (reason: string) => new BadRequestError(`callback ${reason}`);

const systemResolve = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * Refuses a URL the bot must not call: not http(s), credentials in it, or a host that is or
 * resolves to a private, loopback, link-local or otherwise special address. Returns the URL.
 */
export async function assertPublicUrl(raw: string, options: PublicUrlOptions = {}): Promise<URL> {
  const refuse = options.refuse ?? refuseCallback;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw refuse('must be an http(s) URL');
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? systemResolve)(host);
  } catch {
    throw refuse(`host ${host} does not resolve`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    throw refuse('must not point at a private, loopback or link-local address');
  return url;
}
