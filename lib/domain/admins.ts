import { E164, parseChannel } from './channel.ts';
import type { Channel } from './types.ts';

/**
 * `ECHOBOT_ADMINS`: comma-separated phone numbers (`+15550001111`) or channels
 * (`telegram:42`, `im:ops`). Phone numbers are the common case, so a bare E.164 means SMS.
 * Throws on an entry that is neither, so a typo fails at start-up, not at the first MODE.
 */
export function parseAdmins(value: string | undefined): Channel[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry): Channel => {
      if (E164.test(entry)) return `sms:${entry}`;
      try {
        return parseChannel(entry);
      } catch {
        throw new Error(
          `ECHOBOT_ADMINS: "${entry}" is neither a phone number (+15550001111) nor a channel (telegram:42)`,
        );
      }
    });
}
