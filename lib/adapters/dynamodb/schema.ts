import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Channel, Member, Post } from '../../domain/types.ts';
import '../../domain/zod-messages.ts';
import { ITEM_TYPE } from './item-types.ts';

export { ITEM_TYPE, type ItemType, TTL_ATTRIBUTE } from './item-types.ts';

/**
 * The one table's schema, for every DynamoDB adapter: key builders, item shapes read back, TTL and
 * transaction helpers. The `type` literals the stream filter picks are in ./item-types.ts (no
 * SDK imports there, so infra/ can share them).
 *
 * Single-table key design (attributes `pk`, `sk`; TTL attribute `expiresAt`).
 *
 * | item            | pk                      | sk            | holds                                   |
 * |-----------------|-------------------------|---------------|-----------------------------------------|
 * | member          | `MEMBERS`               | `<memberId>`  | nick, channels (list), optedOut (set)   |
 * | nick claim      | `NICK#<nick>`           | `NICK`        | memberId (makes nicks unique)           |
 * | channel         | `CHANNEL#<kind:addr>`   | `CHANNEL`     | memberId?, optedOut (strangers too)     |
 * | unfollow (mute) | `MUTED#<authorId>`      | `<memberId>`  | "this member unfollowed that author"    |
 * | post            | `POST#<postId>`         | `POST`        | type=post, author, text (the stream     |
 * |                 |                         |               | filter picks INSERTs with type=post)    |
 * | inbound dedup   | `INBOUND#<provider:id>` | `INBOUND`     | the reply sent; expires after 30 days   |
 * | outbound msg    | `OUTMSG#<id>`           | `OUTMSG`      | type=reply, channel, text: a reply or   |
 * |                 |                         |               | code the stream turns into a one-       |
 * |                 |                         |               | recipient job; expires after 30 days    |
 * | IM callback     | `CHANNEL#im:<sender>`   | `CALLBACK`    | url where echoes to that sender go      |
 * | email code      | `EMAILCODE#<memberId>`  | `EMAILCODE`   | address, code, attempts, sends (1 h)    |
 * | link code       | `LINKCODE#<code>`       | `LINKCODE`    | memberId; one use, 15 min               |
 * | timeline        | `TIMELINE`              | `<createdAt>#<postId>` | type=timeline, author, text: every  |
 * |                 |                         |               | public post, local and remote, newest   |
 * |                 |                         |               | first by a reverse Query                |
 * | author's posts  | `AUTHORPOSTS#<authorKey>` | `<createdAt>#<postId>` | the same, per author (member id |
 * |                 |                         |               | or remote handle)                       |
 * | counters        | `STATS#<YYYY-MM-DD>`    | `echoes#<channel kind>`, `echoes-hour#<HH>` | n: echoes sent |
 * | SMS budget      | `STATS#<YYYY-MM-DD>`    | `sms-parts`   | n: SMS parts sent that UTC day (the     |
 * |                 |                         |               | budget's atomic counter, conditional)   |
 * | budget skips    | `STATS#<YYYY-MM-DD>`    | `sms-skipped` | n: SMS not sent over the budget         |
 * | budget alert    | `STATS#<YYYY-MM-DD>`    | `sms-alerted` | the operator was alerted (once a day)   |
 * | post rate       | `RATE#<memberId>`       | `<YYYY-MM-DDTHH>` | n: posts that UTC hour; written in  |
 * |                 |                         |               | the post's transaction, n < limit check |
 * | safety settings | `SAFETY#<memberId>`     | `SAFETY`      | quietFrom, quietTo (hours), tz          |
 * | paused notice   | `SMSPAUSED#<YYYY-MM-DD>`| `<memberId>`  | "told SMS echoes are paused today"      |
 * | held echo       | `HELD#<memberId>#<channel>` | `<postId>` | text, heldAt: an SMS echo in quiet hours |
 * | digest due      | `DIGESTDUE`             | `<dueAt ISO>#<memberId>#<channel>` | the digest      |
 * |                 |                         |               | function queries sk <= now              |
 * | relation        | `REL#<authorId>`        | `<kind>#<memberId>` | kind: follow, unfollow, off or block: |
 * |                 |                         |               | what that member says about the author; |
 * |                 |                         |               | fanout reads one partition per post     |
 * | relation (mine) | `RELBY#<memberId>`      | `<kind>#<authorId>` | the same, per member (FOLLOWING,  |
 * |                 |                         |               | STATS); written in the same commit      |
 * | banned channel  | `CHANNEL#<kind:addr>`   | `BANNED`      | memberId, nick: BAN refuses its JOIN    |
 * | bot setting     | `CONFIG`                | `MODE`        | mode: echo (default) or follow          |
 * | opt-out marker  | `CONFIG`                | `DELIVERY-EPOCH` | n: bumped by every STOP, OFF, unlink |
 * |                 |                         |               | or removal, in its commit (deliver re-  |
 * |                 |                         |               | reads recipients only when it moved)    |
 * | job claim       | `JOBCLAIM`              | `<job id>`    | claimedBy, leaseUntil: one conditional  |
 * |                 |                         |               | put per delivery job; 7 days            |
 * | finished batch  | `JOBBATCH`              | `<batch id>`  | jobs: the job ids that batch finished;  |
 * |                 |                         |               | one put per deliver invocation; 7 days  |
 * | timeline ref    | `TLPOST#<postId>`       | `TLPOST`      | type=timeline, the entry: finds a post's |
 * |                 |                         |               | two index items to edit or remove them  |
 * | deleted post    | `GONE#<postId>`         | `GONE`        | at: the post was deleted (by its author |
 * |                 |                         |               | or its origin); deliver skips its echoes, |
 * |                 |                         |               | `/posts/<id>` answers 410; kept forever |
 *
 * A member item also holds `off` (OFF: no delivery at all) and `tracks` (a string set of TRACK
 * words), so fanout reads both with the member pages it reads anyway.
 *
 * Peer network (lib/adapters/dynamodb/dynamo-peer-store.ts):
 *
 * | item            | pk                      | sk            | holds                                   |
 * |-----------------|-------------------------|---------------|-----------------------------------------|
 * | peer            | `PEER`                  | `<base url>`  | source, interest stream state both ways |
 * |                 |                         |               | (epoch, seq), last route advert, health |
 * | wants           | `WANTS#<handle>`        | `member#<id>` / `peer#<url>` | type=wants, on: a member or |
 * |                 |                         |               | a peer wants that author's posts (kept  |
 * |                 |                         |               | with on=false on unfollow, so the NEW_IMAGE |
 * |                 |                         |               | stream sees the change)                 |
 * | peer's interest | `PEERWANTS#<url>`       | `<handle>`    | mirror of the peer's wants, for snapshots |
 * | known authors   | `AUTHORS`               | `<handle>`    | every handle ever wanted (snapshot candidates) |
 * | registered      | `SENT#<url>`            | `<handle>`    | we registered interest in it with that peer |
 * | control         | `PEERCTL#<url>`         | `<at>#<uuid>` | type=peerctl, action: work for fanout   |
 * |                 |                         |               | (connect, snapshot, ...); 1 day TTL     |
 * | relayed post    | `RELAY#<postId>`        | `RELAY`       | type=relay: a post from a peer; written |
 * |                 |                         |               | once (the de-duplication); 30 days      |
 * | relayed index   | `RELAYED`               | `<at>#<postId>` | the same, newest first (network view) |
 * | relayed delete  | `RELAYDEL#<postId>`     | `RELAYDEL`    | type=relaydel: a peer's delete of a     |
 * |                 |                         |               | post, written once with its tombstone   |
 *
 * ActivityPub (lib/adapters/dynamodb/dynamo-federation-store.ts):
 * | item                 | pk                        | sk           | holds                          |
 * |----------------------|---------------------------|--------------|--------------------------------|
 * | following (remote)   | `RFOLLOWING#<handle>`     | `<memberId>` | a member follows that handle   |
 * | remote follower      | `RFOLLOWER#<memberId>`    | `<actorId>`  | inbox, sharedInbox             |
 * | follower (reverse)   | `RFOLLOWS#<actorId>`      | `<memberId>` | written with the follower item |
 * | remote actor         | `RACTOR#<actorId>`        | `RACTOR`     | handle, inbox, sharedInbox     |
 * | handle -> actor      | `RHANDLE#<handle>`        | `RHANDLE`    | actorId                        |
 * | inbox de-duplication | `APSEEN#<activity id>`    | `APSEEN`     | expires after 30 days          |
 * | federation task      | `FEDTASK#<id>`            | `FEDTASK`    | type=fedtask, the task as JSON: the stream turns it into a job; expires after 30 days |
 * | host health          | `HOST#<host[:port]>`      | `HOST`       | failures, firstFailureAt, deadSince |
 *
 * All members share one partition so recipient resolution is one paged Query (reads scale
 * with pages of ~1 MB, not with recipients); a bot's join rate is far below a partition's
 * 1,000 writes/s. Unfollows are the exception list in echo mode, one partition per author.
 * The timeline items are written in the post's own transaction (local) or by the federation
 * side (remote), so pages read one partition newest-first with no GSI; a bot posts far below a
 * partition's write limit. Counters are one small item per day and channel kind or hour.
 */
export const key = {
  member: (id: string) => ({ pk: 'MEMBERS', sk: id }),
  nick: (nick: string) => ({ pk: `NICK#${nick}`, sk: 'NICK' }),
  channel: (channel: string) => ({ pk: `CHANNEL#${channel}`, sk: 'CHANNEL' }),
  muted: (authorId: string, memberId: string) => ({ pk: `MUTED#${authorId}`, sk: memberId }),
  post: (id: string) => ({ pk: `POST#${id}`, sk: 'POST' }),
  inbound: (k: string) => ({ pk: `INBOUND#${k}`, sk: 'INBOUND' }),
  outbound: (id: string) => ({ pk: `OUTMSG#${id}`, sk: 'OUTMSG' }),
  callback: (channel: string) => ({ pk: `CHANNEL#${channel}`, sk: 'CALLBACK' }),
  emailCode: (memberId: string) => ({ pk: `EMAILCODE#${memberId}`, sk: 'EMAILCODE' }),
  linkCode: (code: string) => ({ pk: `LINKCODE#${code}`, sk: 'LINKCODE' }),
  authorPosts: (authorKey: string, sk: string) => ({ pk: `AUTHORPOSTS#${authorKey}`, sk }),
  stats: (day: string, sk: string) => ({ pk: `STATS#${day}`, sk }),
  rate: (memberId: string, hour: string) => ({ pk: `RATE#${memberId}`, sk: hour }),
  safety: (memberId: string) => ({ pk: `SAFETY#${memberId}`, sk: 'SAFETY' }),
  smsPaused: (day: string, memberId: string) => ({ pk: `SMSPAUSED#${day}`, sk: memberId }),
  held: (memberId: string, channel: string, postId: string) => ({
    pk: `HELD#${memberId}#${channel}`,
    sk: postId,
  }),
  digestDue: (dueAt: string, memberId: string, channel: string) => ({
    pk: DIGEST_DUE_PK,
    sk: `${dueAt}#${memberId}#${channel}`,
  }),
  relation: (authorId: string, kind: string, memberId: string) => ({
    pk: `REL#${authorId}`,
    sk: `${kind}#${memberId}`,
  }),
  relationBy: (memberId: string, kind: string, authorId: string) => ({
    pk: `RELBY#${memberId}`,
    sk: `${kind}#${authorId}`,
  }),
  banned: (channel: string) => ({ pk: `CHANNEL#${channel}`, sk: 'BANNED' }),
  config: (name: string) => ({ pk: 'CONFIG', sk: name }),
  deliveryEpoch: () => ({ pk: 'CONFIG', sk: 'DELIVERY-EPOCH' }),
  jobClaim: (jobId: string) => ({ pk: 'JOBCLAIM', sk: jobId }),
  jobBatch: (batchId: string) => ({ pk: 'JOBBATCH', sk: batchId }),
  timelineRef: (postId: string) => ({ pk: `TLPOST#${postId}`, sk: 'TLPOST' }),
  gone: (postId: string) => ({ pk: `GONE#${postId}`, sk: 'GONE' }),
} as const;

export const peerKey = {
  peer: (url: string) => ({ pk: 'PEER', sk: url }),
  wants: (handle: string, who: string) => ({ pk: `WANTS#${handle}`, sk: who }),
  peerWants: (peer: string, handle: string) => ({ pk: `PEERWANTS#${peer}`, sk: handle }),
  author: (handle: string) => ({ pk: 'AUTHORS', sk: handle }),
  sent: (peer: string, handle: string) => ({ pk: `SENT#${peer}`, sk: handle }),
  control: (peer: string, sk: string) => ({ pk: `PEERCTL#${peer}`, sk }),
  relay: (postId: string) => ({ pk: `RELAY#${postId}`, sk: 'RELAY' }),
  relayDelete: (postId: string) => ({ pk: `RELAYDEL#${postId}`, sk: 'RELAYDEL' }),
  relayed: (sk: string) => ({ pk: 'RELAYED', sk }),
} as const;

export const fedKey = {
  following: (handle: string, memberId: string) => ({ pk: `RFOLLOWING#${handle}`, sk: memberId }),
  follower: (memberId: string, actorId: string) => ({ pk: `RFOLLOWER#${memberId}`, sk: actorId }),
  /** The reverse of `follower`: which members a remote actor follows (Delete of the actor, Block). */
  followsOf: (actorId: string, memberId: string) => ({ pk: `RFOLLOWS#${actorId}`, sk: memberId }),
  actor: (id: string) => ({ pk: `RACTOR#${id}`, sk: 'RACTOR' }),
  handle: (handle: string) => ({ pk: `RHANDLE#${handle}`, sk: 'RHANDLE' }),
  seen: (id: string) => ({ pk: `APSEEN#${id}`, sk: 'APSEEN' }),
  task: (id: string) => ({ pk: `FEDTASK#${id}`, sk: 'FEDTASK' }),
  host: (host: string) => ({ pk: `HOST#${host}`, sk: 'HOST' }),
  /** A relay this bot joined (written by dynamo-relay-store.ts; read here with an inbox delivery). */
  relayJoined: (actorId: string) => ({ pk: 'APRELAYJOIN', sk: actorId }),
} as const;

export const MEMBERS_PK = 'MEMBERS';
export const DIGEST_DUE_PK = 'DIGESTDUE';
export const TIMELINE_PK = 'TIMELINE';

/** One item of a TransactWriteItems call. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A transaction refused by a condition (an item exists, a counter is at its limit); throttling and
 * the rest are not. `index` asks about one item of the transaction only, otherwise any.
 */
export function conditionFailed(err: unknown, index?: number): err is TransactionCanceledException {
  if (!(err instanceof TransactionCanceledException)) return false;
  const reasons = err.CancellationReasons ?? [];
  if (index !== undefined) return reasons[index]?.Code === 'ConditionalCheckFailed';
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

/** Inbound de-duplication records, outbound messages, federation tasks and relayed posts: 30 days. */
export const INBOUND_TTL_SECONDS = 30 * 24 * 3600;

/** Epoch seconds of a time in milliseconds (what the TTL attribute holds). */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The TTL value for an item that may go `seconds` after `atMs` (milliseconds). */
export function expiresAfter(atMs: number, seconds: number): number {
  return epochSeconds(atMs) + seconds;
}

/** An item read for its sort key only (`ProjectionExpression: 'sk'`). */
export const skItem = z.object({ sk: z.string() });

/** Items read back from the table are validated once here; the domain then trusts them. */
const channelSchema = z.custom<Channel>((v) => typeof v === 'string' && /^[a-z]+:.+/.test(v));

const memberItem = z.object({
  sk: z.string(),
  nick: z.string(),
  channels: z.array(channelSchema),
  optedOut: z.optional(z.set(channelSchema)),
  joinedAt: z.string(),
  off: z.optional(z.boolean()),
  tracks: z.optional(z.set(z.string())),
});

const postItem = z.object({
  id: z.string(),
  authorId: z.string(),
  authorNick: z.string(),
  text: z.string(),
  createdAt: z.string(),
});

export const channelItem = z.object({
  memberId: z.optional(z.string()),
  optedOut: z._default(z.boolean(), false),
});
export const inboundItem = z.object({ reply: z.optional(z.string()), at: z.string() });
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
  return { type: ITEM_TYPE.post, ...post };
}
