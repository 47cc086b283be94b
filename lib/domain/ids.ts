import { randomBytes } from 'node:crypto';

/**
 * Time-sortable ids: 10 chars of milliseconds in base 32 (Crockford), then 16 random chars.
 * Sorting ids sorts by creation time, which timelines and paging rely on.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (const byte of randomBytes(16)) rand += ALPHABET[byte % 32];
  return time + rand;
}
