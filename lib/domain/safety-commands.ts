import { parseQuietRange, parseZone, type QuietHours } from './quiet-hours.ts';

/**
 * The commands that protect a member's nights: `QUIET 22-7`, `QUIET OFF` and `TZ <zone>`.
 * Parsed here and joined into `Command` in commands.ts.
 */
export type SafetyCommand =
  | { kind: 'quiet'; quiet: QuietHours }
  | { kind: 'quietOff' }
  | { kind: 'quietShow' }
  | { kind: 'timeZone'; tz: string };

export const SAFETY_USAGE = {
  QUIET:
    'QUIET 22-7 - no SMS from 22:00 to 07:00 your time; what arrives then comes as one text after (QUIET OFF to end)',
  TZ: 'TZ <zone> - your time zone for QUIET, e.g. TZ Europe/Berlin or TZ -5',
} as const;

export function parseSafetyCommand(
  word: string,
  args: readonly string[],
): SafetyCommand | { kind: 'usage'; command: string; usage: string } | undefined {
  if (word === 'QUIET') {
    if (args.length === 0) return { kind: 'quietShow' };
    const joined = args.join('');
    if (joined.toUpperCase() === 'OFF') return { kind: 'quietOff' };
    // "QUIET 22 - 7" and "QUIET 22 to 7" read the same as "QUIET 22-7".
    const quiet = parseQuietRange(joined.replace(/to/i, '-'));
    if (quiet) return { kind: 'quiet', quiet };
    return { kind: 'usage', command: word, usage: SAFETY_USAGE.QUIET };
  }
  if (word === 'TZ') {
    const tz = args.length === 1 && args[0] !== undefined ? parseZone(args[0]) : undefined;
    if (tz) return { kind: 'timeZone', tz };
    return { kind: 'usage', command: word, usage: SAFETY_USAGE.TZ };
  }
  return undefined;
}
