import * as z from 'zod';
import type { Channel, Member, Post } from '../domain/types.ts';

/** Items read back from the table are validated once here; the domain then trusts them. */
const channelSchema = z.custom<Channel>((v) => typeof v === 'string' && /^[a-z]+:.+/.test(v));

const memberItem = z.object({
  sk: z.string(),
  nick: z.string(),
  channels: z.array(channelSchema),
  optedOut: z.set(channelSchema).optional(),
  joinedAt: z.string(),
  off: z.boolean().optional(),
  tracks: z.set(z.string()).optional(),
});

const postItem = z.object({
  id: z.string(),
  authorId: z.string(),
  authorNick: z.string(),
  text: z.string(),
  createdAt: z.string(),
});

export const channelItem = z.object({
  memberId: z.string().optional(),
  optedOut: z.boolean().default(false),
});
export const inboundItem = z.object({ reply: z.string().optional(), at: z.string() });
export const callbackItem = z.object({ url: z.string() });
export const emailCodeItem = z.object({
  memberId: z.string(),
  email: z.string(),
  code: z.string(),
  expiresAtIso: z.string(),
  attempts: z.number(),
  sentAt: z.array(z.string()),
});
export const linkCodeItem = z.object({ code: z.string(), memberId: z.string(), expiresAtIso: z.string() });

export function toMember(item: unknown): Member {
  const m = memberItem.parse(item);
  return {
    id: m.sk,
    nick: m.nick,
    channels: m.channels,
    optedOut: [...(m.optedOut ?? [])],
    joinedAt: m.joinedAt,
    ...(m.off ? { off: true } : {}),
    ...(m.tracks && m.tracks.size > 0 ? { tracks: [...m.tracks].sort() } : {}),
  };
}

export function toPost(item: unknown): Post {
  return postItem.parse(item);
}

export function memberToItem(member: Member) {
  return {
    nick: member.nick,
    channels: member.channels,
    ...(member.optedOut.length > 0 ? { optedOut: new Set(member.optedOut) } : {}),
    joinedAt: member.joinedAt,
  };
}

export function postToItem(post: Post) {
  return { type: 'post', ...post };
}
