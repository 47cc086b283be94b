/**
 * The commands that manage a member's channels: `EMAIL ...` (the mail gateway) and `LINK ...`
 * (one member, several channels). Parsed here and joined into `Command` in commands.ts.
 */
export type ChannelCommand =
  | { kind: 'email'; address: string }
  | { kind: 'emailConfirm'; code: string }
  | { kind: 'emailOff' }
  | { kind: 'link' }
  | { kind: 'linkUse'; code: string };

export const CHANNEL_USAGE = {
  EMAIL: 'EMAIL you@example.com - get echoes by mail too (then EMAIL CONFIRM <code>; EMAIL OFF to stop)',
  LINK: 'LINK - get a code; then text LINK <code> from another phone or chat to make it yours too',
} as const;

/** One-time LINK codes: 8 characters without look-alikes (0/O, 1/I/L), 32^8 ≈ 10^12 to guess from. */
export const LINK_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;

/** Deliberately plain: the address must survive SES and a phone keyboard, not RFC 5322 in full. */
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function parseChannelCommand(
  word: string,
  args: readonly string[],
): ChannelCommand | { kind: 'usage'; command: string; usage: string } | undefined {
  if (word === 'EMAIL') {
    const usage = { kind: 'usage', command: word, usage: CHANNEL_USAGE.EMAIL } as const;
    const [first = '', second] = args;
    if (args.length === 1 && first.toUpperCase() === 'OFF') return { kind: 'emailOff' };
    if (args.length === 2 && first.toUpperCase() === 'CONFIRM' && second && /^\d{6}$/.test(second))
      return { kind: 'emailConfirm', code: second };
    if (args.length === 1 && /^\d{6}$/.test(first)) return { kind: 'emailConfirm', code: first };
    if (args.length === 1 && EMAIL.test(first) && first.length <= 254)
      return { kind: 'email', address: first.toLowerCase() };
    return usage;
  }
  if (word === 'LINK') {
    if (args.length === 0) return { kind: 'link' };
    const code = args.join('').toUpperCase().replace(/-/g, '');
    if (
      args.length <= 2 &&
      code.length === LINK_CODE_LENGTH &&
      [...code].every((c) => LINK_ALPHABET.includes(c))
    )
      return { kind: 'linkUse', code };
    return { kind: 'usage', command: word, usage: CHANNEL_USAGE.LINK };
  }
  return undefined;
}
