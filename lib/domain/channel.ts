import type { Channel, ChannelKind } from './types.ts';

const KINDS: readonly ChannelKind[] = ['sms'];

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
