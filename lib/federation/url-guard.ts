import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { EchobotError } from '../domain/errors.ts';
import { isPrivateAddress } from '../edges/public-url.ts';

/**
 * The guard every outbound federation request passes (WebFinger, actor and key fetches,
 * deliveries, and each redirect hop): the URL must be http(s), carry no credentials, and its
 * host must be, or resolve only to, public addresses. Loopback, private (10/8, 172.16/12,
 * 192.168/16, 100.64/10), link-local (169.254/16, the cloud metadata service), unique-local
 * (fc00::/7), unspecified and IPv4-mapped IPv6 forms of those are refused, unless the operator
 * allows private peers (`ECHOBOT_ALLOW_PRIVATE=1`, which local runs and tests set).
 * Numeric tricks (`2130706433`, `0177.0.0.1`) are normalised by the WHATWG URL parser first.
 */
export class UnsafeUrlError extends EchobotError {
  override readonly name = 'UnsafeUrlError';
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface UrlGuardOptions {
  allowPrivate: boolean;
  /** Replaces DNS in tests. */
  lookup?: Lookup;
}

const systemLookup: Lookup = async (host) => dnsLookup(host, { all: true });

export async function assertPublicUrl(raw: string, options: UrlGuardOptions): Promise<void> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new UnsafeUrlError(`not an http(s) URL: ${raw.slice(0, 200)}`);
  if (url.username || url.password) throw new UnsafeUrlError('a URL with credentials is refused');
  if (options.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await (options.lookup ?? systemLookup)(host)).map((a) => a.address);
  } catch {
    throw new UnsafeUrlError(`host ${host} does not resolve`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    throw new UnsafeUrlError(`${host} is a private, loopback or link-local address`);
}
