import type { Channel, Member } from './types.ts';

/**
 * Which of a member's channels get an echo: every active (not opted-out) channel, but at most one
 * SMS channel (the earliest added that is still active), so linking a second phone never doubles
 * the operator's SMS bill. Telegram, IM and mail cost nothing per message and all get it.
 */
export function echoChannels(member: Member): Channel[] {
  const stopped = new Set(member.optedOut);
  let sms = false;
  return member.channels.filter((c) => {
    if (stopped.has(c)) return false;
    if (!c.startsWith('sms:')) return true;
    if (sms) return false;
    sms = true;
    return true;
  });
}
