import type { FederationTask } from '../domain/federation-task.ts';
import type { BotMode } from '../domain/member-commands.ts';
import type { QuietHours, SafetySettings } from '../domain/quiet-hours.ts';
import type { TimelineEntry } from '../domain/timeline.ts';
import type { Channel, Member, Post } from '../domain/types.ts';

/** A change an inbound message makes. The store applies a message's changes all-or-nothing. */
export type Mutation =
  /** Fails with `nick-taken` or `channel-taken`. */
  | { kind: 'createMember'; member: Member }
  /** `muted` = the member unfollowed the author (echo mode sends everything else). */
  | { kind: 'setMuted'; authorId: string; memberId: string; muted: boolean }
  /** Opt-out is per channel; strangers can opt out too (then `memberId` is absent). */
  | { kind: 'setOptOut'; channel: Channel; memberId?: string; optedOut: boolean }
  | { kind: 'putPost'; post: Post }
  /** A durable outbound message (a reply on a non-inline channel, a confirmation code); the stream delivers it. */
  | { kind: 'putOutbound'; outbound: OutboundRecord }
  /** Where echoes to an IM bridge sender go (validated as a public URL before it gets here). */
  | { kind: 'setCallback'; channel: Channel; url: string }
  /** Joins a channel to a member (LINK, EMAIL CONFIRM). Fails with `channel-taken`. */
  | { kind: 'addChannel'; memberId: string; channel: Channel; optedOut: boolean }
  /** `index` is the channel's position in `member.channels` as read; the write checks it still is. */
  | { kind: 'removeChannel'; memberId: string; channel: Channel; index: number }
  | { kind: 'putEmailCode'; pending: PendingEmail }
  | { kind: 'deleteEmailCode'; memberId: string }
  | { kind: 'putLinkCode'; link: LinkCode }
  | { kind: 'deleteLinkCode'; code: string }
  | SafetyMutation
  | PostMutation
  | MemberMutation
  | FederationMutation
  | PeerMutation;

/** The SMS-safety changes (lib/adapters/dynamodb/dynamo-sms-safety.ts writes them). */
export type SafetyMutation =
  /** Counts one post in the member's hour window (`YYYY-MM-DDTHH`, UTC); fails with `rate-limited` at `limit`. */
  | { kind: 'countPost'; memberId: string; hour: string; limit: number }
  /** `null` turns quiet hours off. */
  | { kind: 'setQuiet'; memberId: string; quiet: QuietHours | null }
  | { kind: 'setTimeZone'; memberId: string; tz: string }
  /** Remembers that the member was told SMS echoes are paused on this UTC day (told once a day). */
  | { kind: 'markSmsPausedNotice'; memberId: string; day: string };

/**
 * Deleting and editing posts (lib/adapters/dynamodb/post-items.ts). `entry` is the post's timeline
 * entry as read (Store.timelineEntry), absent when the post never reached the timeline.
 */
export type PostMutation =
  /** Tombstones the post (deliver skips its echoes, `/posts/<id>` answers 410) and takes it off every page and feed. */
  | { kind: 'deletePost'; postId: string; entry?: TimelineEntry; at: string }
  /** New text on the pages and feeds (echoes already sent stay sent). */
  | { kind: 'editPost'; entry: TimelineEntry; text: string };

/**
 * What one member says about one author (`authorId`: a member id): `follow` (explicit FOLLOW, the
 * only way in follow mode), `unfollow` (mirrors `setMuted`, so FOLLOWING can list it), `off`
 * (`OFF <nick>`: paused, still a follower) and `block` (never reaches the member on any path).
 */
export type RelationKind = 'follow' | 'unfollow' | 'off' | 'block';

/** A relation kind -> the ids on the other side. */
export type Relations = Record<RelationKind, Set<string>>;

/** The command set's changes (written by lib/adapters/dynamodb/member-items.ts). */
export type MemberMutation =
  | { kind: 'setRelation'; relation: RelationKind; authorId: string; memberId: string; on: boolean }
  /** `OFF` / `ON`: all delivery for this member. */
  | { kind: 'setDeliveryOff'; memberId: string; off: boolean }
  | { kind: 'setTrack'; memberId: string; word: string; tracked: boolean }
  /** Fails with `nick-taken`; the old nick is freed in the same commit. */
  | { kind: 'renameMember'; memberId: string; from: string; to: string }
  /** KICK (and BAN when `ban`): the member goes, their channels become strangers (banned ones can't JOIN). */
  | { kind: 'removeMember'; member: Member; ban: boolean }
  | { kind: 'setMode'; mode: BotMode };

/** Federation's changes (written by lib/adapters/dynamodb/dynamo-federation-store.ts). */
export type FederationMutation =
  /** A member follows (or stops following) a remote author by handle. */
  | { kind: 'setRemoteFollow'; handle: string; memberId: string; following: boolean }
  /** Work for the open web (lib/domain/federation-task.ts); the stream turns it into a job. */
  | { kind: 'putFederationTask'; task: FederationTask };

/** The peer network's changes (written by lib/adapters/dynamodb/dynamo-peer-store.ts). */
export type PeerMutation =
  /** A member follows (or stops following) a remote author `nick@host`: the interest peers are told. */
  | { kind: 'followRemote'; memberId: string; handle: string }
  | { kind: 'unfollowRemote'; memberId: string; handle: string }
  /** PEER ADD / PEER DEL (admins). `at` is an ISO time. */
  | { kind: 'addPeer'; url: string; at: string }
  | { kind: 'removePeer'; url: string; at: string };

/** One message for one channel, written with the change that caused it and sent by the deliver function. */
export interface OutboundRecord {
  /** Unique and deterministic (derived from the inbound key), so a retried webhook cannot write a second one. */
  id: string;
  channel: Channel;
  text: string;
  memberId?: string;
}

/** An email address waiting for its confirmation code. */
export interface PendingEmail {
  memberId: string;
  email: string;
  code: string;
  /** ISO time after which the code is refused. */
  expiresAt: string;
  /** Wrong codes tried so far. */
  attempts: number;
  /** When codes were sent within the last hour (the rate limit). */
  sentAt: string[];
}

/** A one-time LINK code: sent from another channel, it joins that channel to `memberId`. */
export interface LinkCode {
  code: string;
  memberId: string;
  expiresAt: string;
}

/** The de-duplication record of one provider message, with the reply it got. */
export interface InboundRecord {
  /** `provider:message id`, e.g. `twilio:SM123`. */
  key: string;
  reply?: string;
  at: string;
}

export type CommitResult =
  | { ok: true }
  | { ok: false; reason: 'duplicate' | 'nick-taken' | 'channel-taken' | 'rate-limited' };

export interface ChannelState {
  memberId?: string;
  optedOut: boolean;
}

export interface MemberPage {
  members: Member[];
  cursor?: string;
}

/** What ingesting a message reads before deciding (see `Store.ingestReads`). */
export interface IngestReads {
  /** The message was seen before: its record (then nothing else is read). */
  prior?: InboundRecord;
  state?: ChannelState;
  /** The channel's member, when it has one. */
  member?: Member;
}

export interface Store {
  getInbound(key: string): Promise<InboundRecord | undefined>;
  /**
   * The message's de-duplication record, its channel and the channel's member, all consistent,
   * in one round trip when the store already knows whose channel it is (a repeat sender), two
   * otherwise (the member's id is on the channel).
   */
  ingestReads(inboundKey: string, channel: Channel): Promise<IngestReads>;
  /** Records the inbound message and applies its mutations atomically; a second commit of the same key is `duplicate`. */
  commit(inbound: InboundRecord, mutations: readonly Mutation[]): Promise<CommitResult>;
  channelState(channel: Channel): Promise<ChannelState | undefined>;
  memberById(id: string): Promise<Member | undefined>;
  memberByNick(nick: string): Promise<Member | undefined>;
  membersByIds(ids: readonly string[]): Promise<Map<string, Member>>;
  /**
   * The opt-out change marker: a counter that every change able to make a queued recipient
   * undeliverable bumps in its own commit (STOP or a carrier opt-out, OFF, a channel unlinked, a
   * member removed). A job carries the value read before its recipients were; deliver re-reads the
   * recipients only when it has moved since. A consistent read; 0 before the first such change.
   */
  deliveryEpoch(): Promise<number>;
  /** All members, a page at a time, in a stable order. */
  listMembers(cursor?: string): Promise<MemberPage>;
  /** Ids of the members who unfollowed this author. */
  mutedBy(authorId: string): Promise<Set<string>>;
  getPost(id: string): Promise<Post | undefined>;
  /** The callback URL an IM bridge gave for this channel, if any. */
  channelCallback(channel: Channel): Promise<string | undefined>;
  pendingEmail(memberId: string): Promise<PendingEmail | undefined>;
  linkCode(code: string): Promise<LinkCode | undefined>;
  /** A member's quiet hours and time zone (`{}` when never set). */
  safetySettings(memberId: string): Promise<SafetySettings>;
  /** SMS parts sent on a UTC day (`YYYY-MM-DD`), the counter the daily budget checks. */
  smsUsedOn(day: string): Promise<number>;
  /** Whether the member was already told on this UTC day that SMS echoes are paused. */
  smsPausedNoticed(memberId: string, day: string): Promise<boolean>;
  /** How members relate to this author (who follows, unfollowed, paused or blocked them): one paged read. */
  relationsOf(authorId: string): Promise<Relations>;
  /** How this member relates to authors (whom they follow, unfollowed, paused or blocked). */
  relationsBy(memberId: string): Promise<Relations>;
  /** `echo` until an admin sends MODE FOLLOW. */
  botMode(): Promise<BotMode>;
  /** Whether BAN refused this channel. */
  isBanned(channel: Channel): Promise<boolean>;
  /** An author's newest post on the timeline (`authorKey`: a member id). */
  latestPost(authorKey: string): Promise<TimelineEntry | undefined>;
  /** Posts by one author, or every local post when `authorKey` is absent. */
  countPosts(authorKey?: string): Promise<number>;
  /** A post's timeline entry by its id (local or remote), if it is on the timeline. */
  timelineEntry(postId: string): Promise<TimelineEntry | undefined>;
  /** Which of these post ids were deleted (one batched read). */
  deletedPosts(postIds: readonly string[]): Promise<Set<string>>;
}
