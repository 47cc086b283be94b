import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.ts';

/** Largest webhook body accepted. Twilio's are ~1 KB; 64 KiB leaves room for any IM provider. */
export const MAX_BODY_BYTES = 64 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The raw body as text: size-checked, base64-decoded when the URL front-end encoded it, strict UTF-8. */
export function bodyText(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(`body is over ${MAX_BODY_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestError('body is not valid UTF-8');
  }
}

export function requireContentType(event: APIGatewayProxyEventV2, type: string): void {
  const given = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (given !== type) throw new UnsupportedMediaTypeError(`content-type must be ${type}`);
}

/** The URL the caller used, as providers sign it: the configured public base URL, else the request's host. */
export function publicUrlOf(event: APIGatewayProxyEventV2, publicBaseUrl: string | undefined): string {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const base = publicBaseUrl?.replace(/\/$/, '') ?? `https://${event.requestContext.domainName}`;
  return `${base}${event.rawPath}${query}`;
}

/** The bot's public base URL: configured, else the host the request came to. */
export function baseUrlOf(event: Parameters<typeof publicUrlOf>[0], publicUrl: string | undefined): string {
  return (publicUrl ?? `https://${event.requestContext.domainName}`).replace(/\/$/, '');
}
