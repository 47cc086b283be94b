/**
 * The two kinds of address federation routes on, in canonical form so they compare as strings:
 * - a bot base URL: `https://bot.example` or `http://127.0.0.1:8081/echo` (http/https, lower-case
 *   host, default port dropped, no trailing slash, no query, fragment or credentials);
 * - an author handle: `nick@host[:port]`, lower-case, where `host[:port]` is the `URL.host` of the
 *   author's origin bot (its authority), so a handle tells which bot a post comes from.
 */
import * as z from 'zod/mini';
import './zod-messages.ts';

const NICK = '[a-z0-9_](?:[a-z0-9_.-]{0,62}[a-z0-9_])?';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const AUTHORITY = `${LABEL}(?:\\.${LABEL})*(?::[1-9][0-9]{0,4})?`;
const HANDLE_RE = new RegExp(`^${NICK}@${AUTHORITY}$`);
const AUTHORITY_RE = new RegExp(`^${AUTHORITY}$`);
const MAX_URL_LENGTH = 2048;

/** Canonical form of a bot base URL, or undefined when it is not one. */
export function canonicalBotUrl(input: string): string | undefined {
  if (input.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (!AUTHORITY_RE.test(url.host)) return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** `host[:port]` of a bot base URL: what follows the `@` in the handles of its members. */
export function authorityOfBot(botUrl: string): string {
  return new URL(botUrl).host;
}

/** `host[:port]` of a canonical handle. */
export function authorityOfHandle(handle: string): string {
  return handle.slice(handle.indexOf('@') + 1);
}

export function isCanonicalHandle(value: string): boolean {
  return value.length <= 320 && HANDLE_RE.test(value);
}

export const BotUrlSchema = z
  .string()
  .check(z.maxLength(MAX_URL_LENGTH))
  .check(z.refine((v) => canonicalBotUrl(v) === v, 'not a canonical bot base URL'));

export const HandleSchema = z
  .string()
  .check(z.maxLength(320))
  .check(z.refine(isCanonicalHandle, 'not a canonical nick@host handle'));

export const HttpUrlSchema = z
  .string()
  .check(z.maxLength(MAX_URL_LENGTH))
  .check(
    z.refine((v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    }, 'not an http(s) URL'),
  );
