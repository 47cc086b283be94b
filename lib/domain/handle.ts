/**
 * A remote author's handle as members type it: `carol@other.example`, `@carol@other.example`,
 * `alice@127.0.0.1:8787`, any case. Canonical form: lower-case, no leading `@`, `nick@host[:port]`
 * where `host[:port]` is the authority of the author's server (the same grammar as
 * lib/domain/addresses.ts, repeated here because the domain imports nothing above it).
 */
const NICK = '[a-z0-9_](?:[a-z0-9_.-]{0,62}[a-z0-9_])?';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HANDLE_RE = new RegExp(`^${NICK}@${LABEL}(?:\\.${LABEL})*(?::[1-9][0-9]{0,4})?$`);

export function normalizeHandle(raw: string): string | undefined {
  const handle = raw.trim().replace(/^@/, '').toLowerCase();
  return handle.length <= 320 && HANDLE_RE.test(handle) ? handle : undefined;
}

/** `host[:port]` of a canonical handle. */
export function handleAuthority(handle: string): string {
  return handle.slice(handle.indexOf('@') + 1);
}

/** The nick part of a canonical handle. */
export function handleNick(handle: string): string {
  return handle.slice(0, handle.indexOf('@'));
}
