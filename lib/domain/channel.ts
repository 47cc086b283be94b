import type { Channel, ChannelKind } from './types.ts';

const KINDS: readonly ChannelKind[] = ['sms', 'telegram', 'im', 'email'];

export function channelOf(kind: ChannelKind, address: string): Channel {
  return `${kind}:${address}`;
}

export function splitChannel(channel: Channel): { kind: ChannelKind; address: string } {
  const at = channel.indexOf(':');
  const kind = channel.slice(0, at);
  const found = KINDS.find((k) => k === kind);
  if (!found) throw new Error(`unknown channel kind in ${channel}`);
  return { kind: found, address: channel.slice(at + 1) };
}

/** E.164: a plus and 8 to 15 digits. Twilio sends `From` in this form. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/** A `kind:address` string from storage or a queue -> a channel of a known kind, else throws. */
export function parseChannel(text: string): Channel {
  const at = text.indexOf(':');
  const found = KINDS.find((k) => k === text.slice(0, at));
  if (at < 1 || !found || at === text.length - 1) throw new Error(`not a channel: ${text}`);
  return channelOf(found, text.slice(at + 1));
}
