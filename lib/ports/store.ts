import type { Channel, Member, Post } from '../domain/types.ts';

/** A change an inbound message makes. The store applies a message's changes all-or-nothing. */
export type Mutation =
  /** Fails with `nick-taken` or `channel-taken`. */
  | { kind: 'createMember'; member: Member }
  /** `muted` = the member unfollowed the author (echo mode sends everything else). */
  | { kind: 'setMuted'; authorId: string; memberId: string; muted: boolean }
  /** Opt-out is per channel; strangers can opt out too (then `memberId` is absent). */
  | { kind: 'setOptOut'; channel: Channel; memberId?: string; optedOut: boolean }
  | { kind: 'putPost'; post: Post };

/** The de-duplication record of one provider message, with the reply it got. */
export interface InboundRecord {
  /** `provider:message id`, e.g. `twilio:SM123`. */
  key: string;
  reply?: string;
  at: string;
}

export type CommitResult = { ok: true } | { ok: false; reason: 'duplicate' | 'nick-taken' | 'channel-taken' };

export interface ChannelState {
  memberId?: string;
  optedOut: boolean;
}

export interface MemberPage {
  members: Member[];
  cursor?: string;
}

export interface Store {
  getInbound(key: string): Promise<InboundRecord | undefined>;
  /** Records the inbound message and applies its mutations atomically; a second commit of the same key is `duplicate`. */
  commit(inbound: InboundRecord, mutations: readonly Mutation[]): Promise<CommitResult>;
  channelState(channel: Channel): Promise<ChannelState | undefined>;
  memberById(id: string): Promise<Member | undefined>;
  memberByNick(nick: string): Promise<Member | undefined>;
  membersByIds(ids: readonly string[]): Promise<Map<string, Member>>;
  /** All members, a page at a time, in a stable order. */
  listMembers(cursor?: string): Promise<MemberPage>;
  /** Ids of the members who unfollowed this author. */
  mutedBy(authorId: string): Promise<Set<string>>;
  getPost(id: string): Promise<Post | undefined>;
}
