import { EchobotError } from '../domain/errors.ts';
import { assertPublicUrl as assertPublic } from '../edges/public-url.ts';

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

/** The same rule as IM callbacks (lib/edges/public-url.ts), refusing with an `UnsafeUrlError`. */
export async function assertPublicUrl(raw: string, options: UrlGuardOptions): Promise<void> {
  const lookup = options.lookup;
  await assertPublic(raw, {
    allowPrivate: options.allowPrivate,
    ...(lookup ? { resolve: async (host: string) => (await lookup(host)).map((a) => a.address) } : {}),
    refuse: (reason) => new UnsafeUrlError(`outbound URL ${reason}`),
  });
}
