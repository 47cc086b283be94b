/** Nicks are 2-15 of a-z, 0-9 and _, compared case-insensitively (stored lower-case). */
export const NICK_PATTERN = /^[a-z0-9_]{2,15}$/;

export function normalizeNick(raw: string): string | undefined {
  const nick = raw.trim().replace(/^@/, '').toLowerCase();
  return NICK_PATTERN.test(nick) ? nick : undefined;
}
