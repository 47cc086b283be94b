/**
 * One entry point for inbound signatures: RFC 9421 when the request has `Signature-Input`
 * (Mastodon chooses the same way), else draft-cavage. Both are checked against `url`, the URL
 * the sender addressed (the bot's public base URL + path + query), never the Host header that
 * happened to arrive: behind CloudFront or any proxy a Function URL sees its own host.
 */
import { type FetchKey, type VerifiedRequest, verifyRequest } from './http-signatures.ts';
import { verifyRfc9421 } from './rfc9421.ts';

export type SignatureScheme = 'draft-cavage' | 'rfc9421';

export interface SignedRequest {
  method: string;
  /** Public base URL + path + query (lib/edges/http-request.ts `publicUrlOf`). */
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  body?: string | Uint8Array | null;
  now?: Date;
  maxPastSeconds?: number;
  maxFutureSeconds?: number;
  fetchKey: FetchKey;
}

export function schemeOf(headers: Readonly<Record<string, string | undefined>>): SignatureScheme {
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && name.toLowerCase() === 'signature-input') return 'rfc9421';
  return 'draft-cavage';
}

export async function verifySignedRequest(
  input: SignedRequest,
): Promise<VerifiedRequest & { scheme: SignatureScheme }> {
  const scheme = schemeOf(input.headers);
  if (scheme === 'draft-cavage') return { ...(await verifyRequest(input)), scheme };
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers))
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  // A covered `host` field (Fedify covers it) is the public host too, like `@authority`.
  if (URL.canParse(input.url)) headers.set('host', new URL(input.url).host);
  return { ...(await verifyRfc9421({ ...input, headers })), scheme };
}
