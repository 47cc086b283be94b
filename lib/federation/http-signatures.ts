/**
 * HTTP Signatures as Mastodon sends and accepts them: draft-cavage-http-signatures-12 with
 * `rsa-sha256` (also `hs2019` with an RSA key, which Mastodon treats the same way), signing
 * `(request-target) host date digest`, and `Digest: SHA-256=<base64>` of the body.
 *
 * Why node:crypto and no library: the only cryptography needed is one RSA-SHA256 sign/verify,
 * which node:crypto does natively. Fedify (@fedify/fedify) implements the same draft plus
 * RFC 9421 with "double-knocking", but it is a whole framework (document loaders, JSON-LD,
 * Temporal, its own key model) for what is ~250 lines here; pulling it in would grow every
 * Lambda bundle and hide the rejection reasons the router maps to HTTP statuses. RFC 9421
 * lives next door (lib/federation/rfc9421.ts), built on `structured-headers`.
 *
 * Clock window (defaults, both configurable): a Date at most 1 hour old and at most 5 minutes
 * in the future. Mastodon accepts 12 hours past / 1 hour future, but every sender we know of
 * (Mastodon, Fedify, Misskey, our own deliver function) signs at each delivery attempt, so a
 * legitimate request is seconds old plus clock skew; retries re-sign. A shorter window bounds
 * how long a captured request can be replayed (activity ids are also de-duplicated), while
 * 1 hour still tolerates slow queues and a badly drifting peer clock. Future dates beyond
 * NTP-level skew are a misconfiguration or a pre-signed request, so 5 minutes is enough.
 *
 * Order of checks: everything cheap and local (format, algorithm, signed header set, clock,
 * digest) happens before the key is fetched, so a hostile request never costs a network call.
 */
import { createHash, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { EchobotError } from '../domain/errors.ts';

export type SignatureErrorReason =
  /** The Signature header, or a header it lists or that must be signed, is absent from the request. */
  | 'missing_header'
  /** The Signature (or Digest/Date) header cannot be parsed. */
  | 'bad_format'
  | 'unsupported_algorithm'
  /** A header that must be covered ((request-target), host, date, digest with a body) is not signed. */
  | 'header_not_signed'
  | 'stale_date'
  | 'future_date'
  | 'digest_mismatch'
  /** The key id does not resolve to a key (actor gone, no such key). */
  | 'key_not_found'
  /** Fetching the key failed (network, 5xx): the sender should retry later. */
  | 'key_fetch_failed'
  | 'bad_signature';

/** Statuses: `key_fetch_failed` is a 503 (retry later), the rest 401 (lib/edges/http-errors.ts). */
export class SignatureError extends EchobotError {
  override readonly name = 'SignatureError';
  readonly reason: SignatureErrorReason;

  constructor(reason: SignatureErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export interface ParsedSignature {
  keyId: string;
  /** Lower-cased; undefined when the header has no algorithm parameter. */
  algorithm: string | undefined;
  /** Lower-cased signed header names in signing order; defaults to ["date"] as the draft says. */
  headers: readonly string[];
  signature: Buffer;
  created: number | undefined;
  expires: number | undefined;
}

const MAX_HEADER_LENGTH = 8192;
const MAX_KEY_ID_LENGTH = 2048;
const MAX_SIGNED_HEADERS = 32;
/** 1,024 base64 characters is an 8,192-bit RSA signature, the largest we accept. */
const MAX_SIGNATURE_CHARS = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TIMESTAMP = /^\d{1,12}$/;

export const ACCEPTED_ALGORITHMS: readonly string[] = ['rsa-sha256', 'hs2019'];
export const DEFAULT_MAX_PAST_SECONDS = 3600;
export const DEFAULT_MAX_FUTURE_SECONDS = 300;

function formatError(message: string): SignatureError {
  return new SignatureError('bad_format', `Signature header: ${message}`);
}

function isTokenChar(code: number): boolean {
  // RFC 7230 tchar without the characters that would make the grammar ambiguous here.
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x2b ||
    code === 0x2f ||
    code === 0x3a
  );
}

/** Decodes strict, canonical base64 (so two different strings never decode to the same bytes). */
export function decodeCanonicalBase64(value: string): Buffer | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

function parseParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const n = value.length;
  let i = 0;
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  skipSpace();
  while (i < n) {
    const start = i;
    while (i < n && isTokenChar(value.charCodeAt(i))) i++;
    if (i === start) throw formatError(`expected a parameter name at ${start}`);
    const name = value.slice(start, i).toLowerCase();
    skipSpace();
    if (value[i] !== '=') throw formatError(`expected "=" after ${JSON.stringify(name)}`);
    i++;
    skipSpace();
    let parsed = '';
    if (value[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = value.charCodeAt(i);
        if (c === 0x22) {
          closed = true;
          i++;
          break;
        }
        if (c === 0x5c) {
          i++;
          if (i >= n) break;
        }
        const escaped = value.charCodeAt(i);
        if (escaped < 0x20 || escaped === 0x7f) throw formatError('control character in a quoted value');
        parsed += value.charAt(i);
        i++;
      }
      if (!closed) throw formatError(`unterminated quoted value for ${JSON.stringify(name)}`);
    } else {
      const valueStart = i;
      while (i < n && isTokenChar(value.charCodeAt(i))) i++;
      if (i === valueStart) throw formatError(`empty value for ${JSON.stringify(name)}`);
      parsed = value.slice(valueStart, i);
    }
    if (params.has(name)) throw formatError(`duplicate parameter ${JSON.stringify(name)}`);
    params.set(name, parsed);
    skipSpace();
    if (i >= n) break;
    if (value[i] !== ',') throw formatError(`expected "," at ${i}`);
    i++;
    skipSpace();
    if (i >= n) throw formatError('trailing ","');
  }
  return params;
}

function parseTimestamp(params: Map<string, string>, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  if (!TIMESTAMP.test(raw)) throw formatError(`${name} is not a unix timestamp`);
  return Number(raw);
}

/**
 * Parses a `Signature` header value (or the part of `Authorization` after `Signature `).
 * Throws only SignatureError (reason `bad_format`), whatever the input.
 */
export function parseSignatureHeader(value: string): ParsedSignature {
  if (typeof value !== 'string') throw formatError('not a string');
  if (value.length > MAX_HEADER_LENGTH) throw formatError(`longer than ${MAX_HEADER_LENGTH} characters`);
  const params = parseParams(value);
  const keyId = params.get('keyid');
  if (keyId === undefined || keyId.length === 0) throw formatError('keyId is missing');
  if (keyId.length > MAX_KEY_ID_LENGTH) throw formatError('keyId is too long');
  const rawSignature = params.get('signature');
  if (rawSignature === undefined) throw formatError('signature is missing');
  if (rawSignature.length > MAX_SIGNATURE_CHARS) throw formatError('signature is too long');
  const signature = decodeCanonicalBase64(rawSignature);
  if (signature === undefined) throw formatError('signature is not canonical base64');
  const headers = (params.get('headers') ?? 'date')
    .toLowerCase()
    .split(/[ \t]+/)
    .filter((h) => h.length > 0);
  if (headers.length === 0) throw formatError('headers is empty');
  if (headers.length > MAX_SIGNED_HEADERS) throw formatError('too many signed headers');
  if (new Set(headers).size !== headers.length) throw formatError('a header is listed twice');
  return {
    keyId,
    algorithm: params.get('algorithm')?.toLowerCase(),
    headers,
    signature,
    created: parseTimestamp(params, 'created'),
    expires: parseTimestamp(params, 'expires'),
  };
}

type Body = string | Uint8Array;

/** `SHA-256=<base64>` of the body, the form Mastodon sends and requires. */
export function digestHeader(body: Body): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

function signingString(
  names: readonly string[],
  method: string,
  path: string,
  lookup: (name: string) => string | undefined,
  parsed?: Pick<ParsedSignature, 'created' | 'expires'>,
): string {
  return names
    .map((name) => {
      let value: string | undefined;
      if (name === '(request-target)') value = `${method.toLowerCase()} ${path}`;
      else if (name === '(created)') value = parsed?.created?.toString();
      else if (name === '(expires)') value = parsed?.expires?.toString();
      else value = lookup(name);
      if (value === undefined) throw new SignatureError('missing_header', `signed header ${name} is absent`);
      return `${name}: ${value}`;
    })
    .join('\n');
}

export interface SignRequestInput {
  method: string;
  url: string | URL;
  /** Headers the request already has; only used to reject a conflicting Host. */
  headers?: Readonly<Record<string, string>>;
  /** Omit (or null) for a request without a body, e.g. a signed GET. */
  body?: Body | null;
  keyId: string;
  privateKeyPem: string;
  now?: Date;
}

/** Headers to add to the request: Date, Host, Digest (when there is a body) and Signature. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const host = url.host;
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (name.toLowerCase() === 'host' && value !== host) {
      throw new Error(`signRequest: Host header ${value} does not match the URL host ${host}`);
    }
  }
  const added: Record<string, string> = {
    Host: host,
    Date: (input.now ?? new Date()).toUTCString(),
  };
  const names = ['(request-target)', 'host', 'date'];
  if (input.body !== undefined && input.body !== null) {
    added.Digest = digestHeader(input.body);
    names.push('digest');
  }
  const lower = new Map(Object.entries(added).map(([k, v]) => [k.toLowerCase(), v]));
  const base = signingString(names, input.method, `${url.pathname}${url.search}`, (n) => lower.get(n));
  const signature = createSign('RSA-SHA256').update(base).sign(input.privateKeyPem, 'base64');
  const keyId = input.keyId.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  added.Signature = `keyId="${keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
  return added;
}

export interface PublicKeyRecord {
  publicKeyPem: string;
  /** The actor owning the key; the caller must check it is the activity's actor. */
  actorId: string;
  /** False when just fetched from the origin: then a failed verification is not retried. */
  fromCache?: boolean;
}

export type FetchKey = (keyId: string, options: { refresh: boolean }) => Promise<PublicKeyRecord | null>;

export interface VerifyRequestInput {
  method: string;
  /** Path with query string, exactly as received; ignored when `url` is given. */
  path?: string;
  /**
   * The URL the request was addressed to, as its sender saw it: the public base URL, path and
   * query. When given, its host is the signed `host` and its path the `(request-target)`,
   * whatever Host header arrived (a CDN or proxy in front of a Function URL rewrites it).
   */
  url?: string;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  body?: Body | null;
  now?: Date;
  maxPastSeconds?: number;
  maxFutureSeconds?: number;
  fetchKey: FetchKey;
}

export interface VerifiedRequest {
  keyId: string;
  actorId: string;
}

function signatureValue(headers: Map<string, string>): string {
  const signature = headers.get('signature');
  if (signature !== undefined) return signature;
  const authorization = headers.get('authorization');
  if (authorization !== undefined && /^signature /i.test(authorization)) return authorization.slice(10);
  throw new SignatureError('missing_header', 'no Signature header');
}

function checkDate(
  dateHeader: string,
  parsed: ParsedSignature,
  now: Date,
  maxPast: number,
  maxFuture: number,
): void {
  const date = Date.parse(dateHeader);
  if (Number.isNaN(date)) throw new SignatureError('bad_format', 'Date header is not a date');
  const skew = (date - now.getTime()) / 1000;
  if (skew > maxFuture)
    throw new SignatureError('future_date', `Date is ${Math.round(skew)} s in the future`);
  if (-skew > maxPast) throw new SignatureError('stale_date', `Date is ${Math.round(-skew)} s old`);
  if (parsed.expires !== undefined && parsed.expires * 1000 < now.getTime()) {
    throw new SignatureError('stale_date', 'signature expired');
  }
}

function checkDigest(digest: string, body: Body): void {
  const expected = digestHeader(body).slice('SHA-256='.length);
  let found = false;
  for (const part of digest.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new SignatureError('bad_format', 'Digest header is malformed');
    if (part.slice(0, eq).trim().toLowerCase() !== 'sha-256') continue;
    found = true;
    if (part.slice(eq + 1).trim() !== expected) {
      throw new SignatureError('digest_mismatch', 'Digest does not match the body');
    }
  }
  if (!found) throw new SignatureError('bad_format', 'Digest has no SHA-256 value');
}

/**
 * Parsed public keys by PEM: parsing is about a third of a verification's CPU, and a server's
 * deliveries all carry the same few keys. Bounded (the oldest go first); a PEM is public data.
 */
const parsedKeys = new Map<string, KeyObject>();
const PARSED_KEYS_MAX = 1000;

function publicKeyOf(pem: string): KeyObject {
  const known = parsedKeys.get(pem);
  if (known) return known;
  const key = createPublicKey(pem);
  if (parsedKeys.size >= PARSED_KEYS_MAX) parsedKeys.delete(parsedKeys.keys().next().value ?? '');
  parsedKeys.set(pem, key);
  return key;
}

function verifyWith(publicKeyPem: string, base: string, signature: Buffer): boolean {
  try {
    const key = publicKeyOf(publicKeyPem);
    if (key.asymmetricKeyType !== 'rsa') return false;
    return createVerify('RSA-SHA256').update(base).verify(key, signature);
  } catch {
    return false;
  }
}

async function getKey(fetchKey: FetchKey, keyId: string, refresh: boolean): Promise<PublicKeyRecord> {
  let key: PublicKeyRecord | null;
  try {
    key = await fetchKey(keyId, { refresh });
  } catch (cause) {
    throw new SignatureError('key_fetch_failed', `could not fetch key ${keyId}`, { cause });
  }
  if (key === null) throw new SignatureError('key_not_found', `no key ${keyId}`);
  return key;
}

/**
 * RSASSA-PKCS1-v1_5 SHA-256 over `base` with the key `keyId` names (both schemes use it; an
 * RSA key allows nothing else). A signature that fails with a cached key is retried once with a
 * freshly fetched key (the sender may have rotated it).
 */
export async function verifyWithRefetch(
  fetchKey: FetchKey,
  keyId: string,
  base: string,
  signature: Buffer,
): Promise<VerifiedRequest> {
  const first = await getKey(fetchKey, keyId, false);
  if (verifyWith(first.publicKeyPem, base, signature)) return { keyId, actorId: first.actorId };
  if (first.fromCache === false) throw new SignatureError('bad_signature', 'signature does not verify');
  const fresh = await getKey(fetchKey, keyId, true);
  if (verifyWith(fresh.publicKeyPem, base, signature)) return { keyId, actorId: fresh.actorId };
  throw new SignatureError('bad_signature', 'signature does not verify, even with a refetched key');
}

/**
 * Verifies a draft-cavage signed request. Resolves with the key id and its owner, or rejects
 * with a SignatureError naming the reason. Inbound requests go through `verifySignedRequest`
 * (lib/federation/verify-signature.ts), which picks this or RFC 9421.
 */
export async function verifyRequest(input: VerifyRequestInput): Promise<VerifiedRequest> {
  const headers = new Map<string, string>();
  let path = input.path ?? '/';
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  }
  if (input.url !== undefined) {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch (cause) {
      throw new SignatureError('bad_format', `not a URL: ${input.url}`, { cause });
    }
    headers.set('host', url.host);
    path = `${url.pathname}${url.search}`;
  }
  const parsed = parseSignatureHeader(signatureValue(headers));
  if (parsed.algorithm !== undefined && !ACCEPTED_ALGORITHMS.includes(parsed.algorithm)) {
    throw new SignatureError('unsupported_algorithm', `algorithm ${parsed.algorithm} is not supported`);
  }
  const body = input.body ?? undefined;
  const required = ['(request-target)', 'host', 'date'];
  if (body !== undefined && body.length > 0) required.push('digest');
  for (const name of required) {
    if (!parsed.headers.includes(name))
      throw new SignatureError('header_not_signed', `${name} is not signed`);
  }
  for (const name of required) {
    if (!name.startsWith('(') && !headers.has(name)) {
      throw new SignatureError('missing_header', `no ${name} header`);
    }
  }
  const base = signingString(parsed.headers, input.method, path, (n) => headers.get(n), parsed);
  checkDate(
    headers.get('date') ?? '',
    parsed,
    input.now ?? new Date(),
    input.maxPastSeconds ?? DEFAULT_MAX_PAST_SECONDS,
    input.maxFutureSeconds ?? DEFAULT_MAX_FUTURE_SECONDS,
  );
  const digest = headers.get('digest');
  if (digest !== undefined) checkDigest(digest, body ?? '');

  return verifyWithRefetch(input.fetchKey, parsed.keyId, base, parsed.signature);
}
