import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { BotMode } from '../../domain/member-commands.ts';
import type { SafetySettings } from '../../domain/quiet-hours.ts';
import type { TimelineEntry } from '../../domain/timeline.ts';
import { localEntry } from '../../domain/timeline.ts';
import type { Channel, Member, Post } from '../../domain/types.ts';
import '../../domain/zod-messages.ts';
import type {
  ChannelState,
  CommitResult,
  InboundRecord,
  IngestReads,
  LinkCode,
  MemberPage,
  Mutation,
  PendingEmail,
  Relations,
  Store,
} from '../../ports/store.ts';
import { type ChannelMutation, channelItems } from './channel-items.ts';
import { federationItems } from './dynamo-federation-store.ts';
import { readSafetySettings, readSmsPausedNoticed, readSmsUsed, safetyItems } from './dynamo-sms-safety.ts';
import { readTimelineEntry, timelineItems } from './dynamo-timeline.ts';
import { DynamoMemberReads, memberItems } from './member-items.ts';
import { peerAdminItems, remoteFollowItems } from './peer-items.ts';
import { postItems } from './post-items.ts';
import { queryAll } from './query-all.ts';
import {
  callbackItem,
  channelItem,
  conditionFailed,
  emailCodeItem,
  expiresAfter,
  INBOUND_TTL_SECONDS,
  inboundItem,
  key,
  linkCodeItem,
  MEMBERS_PK,
  memberToItem,
  postToItem,
  skItem,
  type TransactItem,
  toMember,
  toPost,
} from './schema.ts';

/** What each transaction item guards, so a cancellation maps back to a reason. */
type Guard = 'duplicate' | 'nick-taken' | 'channel-taken' | 'rate-limited' | undefined;

const cursorSchema = z.object({ pk: z.string(), sk: z.string() });
/** Channels whose member `ingestReads` remembers (a few hundred KB at most). */
const MEMBER_GUESSES = 10_000;
const epochItem = z.object({ n: z.int().check(z.gte(0)) });

/**
 * Whether a change can make a recipient already in a queued job undeliverable (what
 * `stillDeliverable` checks at send time): those bump the delivery epoch.
 */
function narrowsDelivery(m: Mutation): boolean {
  switch (m.kind) {
    case 'setOptOut':
      return m.optedOut;
    case 'setDeliveryOff':
      return m.off;
    case 'removeChannel':
    case 'removeMember':
      return true;
    default:
      return false;
  }
}

export class DynamoStore implements Store {
  private readonly memberReads: DynamoMemberReads;
  /**
   * Whose channel each recent sender's is (channel -> member id), so `ingestReads` can ask for
   * the member in the same round trip. Only a guess: the channel item read with it decides.
   */
  private readonly memberOfChannel = new Map<Channel, string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    /** Members per page; unset lets DynamoDB fill 1 MB pages. Tests set it small to exercise paging. */
    private readonly pageSize?: number,
  ) {
    this.memberReads = new DynamoMemberReads(doc, table);
  }

  async getInbound(k: string): Promise<InboundRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.inbound(k), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const rec = inboundItem.parse(Item);
    return { key: k, at: rec.at, ...(rec.reply !== undefined ? { reply: rec.reply } : {}) };
  }

  async commit(inbound: InboundRecord, mutations: readonly Mutation[]): Promise<CommitResult> {
    const items: TransactItem[] = [];
    const guards: Guard[] = [];
    const add = (item: TransactItem, guard?: Guard) => {
      items.push(item);
      guards.push(guard);
    };
    const receivedAt = Date.parse(inbound.at);
    const expiresAt = expiresAfter(
      Number.isFinite(receivedAt) ? receivedAt : Date.now(),
      INBOUND_TTL_SECONDS,
    );
    add(
      {
        Put: {
          TableName: this.table,
          Item: { ...key.inbound(inbound.key), reply: inbound.reply, at: inbound.at, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      'duplicate',
    );
    for (const m of mutations) this.toItems(m, add, expiresAt);
    // One bump per commit (a transaction may touch an item once), in the same transaction as the
    // change, so no job resolved before it can miss it.
    if (mutations.some(narrowsDelivery))
      add({
        Update: {
          TableName: this.table,
          Key: key.deliveryEpoch(),
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (err) {
      // The first guarded item whose condition failed names the reason (a taken nick, a rate limit, ...).
      for (const [i, guard] of guards.entries())
        if (guard && conditionFailed(err, i)) return { ok: false, reason: guard };
      throw err;
    }
  }

  private toItems(m: Mutation, add: (item: TransactItem, guard?: Guard) => void, expiresAt: number): void {
    const TableName = this.table;
    switch (m.kind) {
      case 'createMember': {
        const { member } = m;
        add(
          {
            Put: {
              TableName,
              Item: { ...key.nick(member.nick), memberId: member.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          'nick-taken',
        );
        for (const channel of member.channels) {
          add(
            {
              Update: {
                TableName,
                Key: key.channel(channel),
                UpdateExpression: 'SET memberId = :id, optedOut = if_not_exists(optedOut, :f)',
                ConditionExpression: 'attribute_not_exists(memberId)',
                ExpressionAttributeValues: { ':id': member.id, ':f': false },
              },
            },
            'channel-taken',
          );
        }
        add({
          Put: {
            TableName,
            Item: { ...key.member(member.id), ...memberToItem(member) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        return;
      }
      case 'setMuted': {
        const k = key.muted(m.authorId, m.memberId);
        add(
          m.muted
            ? { Put: { TableName, Item: { ...k, at: new Date().toISOString() } } }
            : { Delete: { TableName, Key: k } },
        );
        return;
      }
      case 'setOptOut': {
        add({
          Update: {
            TableName,
            Key: key.channel(m.channel),
            UpdateExpression: 'SET optedOut = :o',
            ExpressionAttributeValues: { ':o': m.optedOut },
          },
        });
        if (m.memberId) {
          add({
            Update: {
              TableName,
              Key: key.member(m.memberId),
              UpdateExpression: m.optedOut ? 'ADD optedOut :c' : 'DELETE optedOut :c',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':c': new Set([m.channel]) },
            },
          });
        }
        return;
      }
      case 'putPost':
        add({
          Put: {
            TableName,
            Item: { ...key.post(m.post.id), ...postToItem(m.post) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        // The public timeline's index items commit with the post, so pages never miss one.
        for (const Item of timelineItems(localEntry(m.post))) add({ Put: { TableName, Item } });
        return;
      case 'deletePost':
      case 'editPost':
        postItems(TableName, m, add);
        return;
      case 'countPost':
      case 'setQuiet':
      case 'setTimeZone':
      case 'markSmsPausedNotice':
        safetyItems(TableName, m, add);
        return;
      case 'setRelation':
      case 'setDeliveryOff':
      case 'setTrack':
      case 'renameMember':
      case 'removeMember':
      case 'setMode':
        memberItems(TableName, m, add);
        break;
      case 'setRemoteFollow':
      case 'putFederationTask':
        federationItems(TableName, m, add, expiresAt);
        return;
      case 'followRemote':
      case 'unfollowRemote':
        remoteFollowItems(TableName, m, add);
        return;
      case 'addPeer':
      case 'removePeer':
        peerAdminItems(TableName, m, add);
        return;
      default:
        channelItems(TableName, m satisfies ChannelMutation, add, expiresAt);
    }
  }

  relationsOf(authorId: string): Promise<Relations> {
    return this.memberReads.relationsOf(authorId);
  }

  relationsBy(memberId: string): Promise<Relations> {
    return this.memberReads.relationsBy(memberId);
  }

  botMode(): Promise<BotMode> {
    return this.memberReads.botMode();
  }

  isBanned(channel: Channel): Promise<boolean> {
    return this.memberReads.isBanned(channel);
  }

  latestPost(authorKey: string): Promise<TimelineEntry | undefined> {
    return this.memberReads.latestPost(authorKey);
  }

  countPosts(authorKey?: string): Promise<number> {
    return this.memberReads.countPosts(authorKey);
  }

  async channelState(channel: string): Promise<ChannelState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.channel(channel), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const c = channelItem.parse(Item);
    return { optedOut: c.optedOut, ...(c.memberId ? { memberId: c.memberId } : {}) };
  }

  async memberById(id: string): Promise<Member | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.member(id), ConsistentRead: true }),
    );
    return Item ? toMember(Item) : undefined;
  }

  async memberByNick(nick: string): Promise<Member | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.nick(nick), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { memberId } = z.object({ memberId: z.string() }).parse(Item);
    return this.memberById(memberId);
  }

  async membersByIds(ids: readonly string[]): Promise<Map<string, Member>> {
    const found = new Map<string, Member>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100)
      for (const item of await this.batchGet(unique.slice(i, i + 100).map((id) => key.member(id)))) {
        const m = toMember(item);
        found.set(m.id, m);
      }
    return found;
  }

  async ingestReads(inboundKey: string, channel: Channel): Promise<IngestReads> {
    const guess = this.memberOfChannel.get(channel);
    const keys = [key.inbound(inboundKey), key.channel(channel), ...(guess ? [key.member(guess)] : [])];
    const items = await this.batchGet(keys);
    const find = (k: { pk: string; sk: string }) =>
      items.find((item) => item.pk === k.pk && item.sk === k.sk);
    const inbound = find(key.inbound(inboundKey));
    if (inbound) {
      const rec = inboundItem.parse(inbound);
      return {
        prior: { key: inboundKey, at: rec.at, ...(rec.reply !== undefined ? { reply: rec.reply } : {}) },
      };
    }
    const channelFound = find(key.channel(channel));
    if (!channelFound) {
      this.memberOfChannel.delete(channel);
      return {};
    }
    const c = channelItem.parse(channelFound);
    const state: ChannelState = { optedOut: c.optedOut, ...(c.memberId ? { memberId: c.memberId } : {}) };
    if (!c.memberId) {
      this.memberOfChannel.delete(channel);
      return { state };
    }
    // The channel item is the truth; the guess only saved a round trip when it was right.
    const memberFound = c.memberId === guess ? find(key.member(guess)) : undefined;
    const member = memberFound ? toMember(memberFound) : await this.memberById(c.memberId);
    this.remember(channel, c.memberId);
    return { state, ...(member ? { member } : {}) };
  }

  private remember(channel: Channel, memberId: string) {
    this.memberOfChannel.delete(channel);
    this.memberOfChannel.set(channel, memberId);
    // Oldest first out: a Map iterates in insertion order.
    if (this.memberOfChannel.size > MEMBER_GUESSES) {
      const oldest = this.memberOfChannel.keys().next();
      if (!oldest.done) this.memberOfChannel.delete(oldest.value);
    }
  }

  /** Consistent BatchGetItem of up to 100 keys; unprocessed keys (throttling) are asked again with a short backoff. */
  private async batchGet(
    keys: ReadonlyArray<{ pk: string; sk: string }>,
  ): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = [...keys];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const out = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[this.table] ?? []));
      pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return found;
  }

  async deliveryEpoch(): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.deliveryEpoch(), ConsistentRead: true }),
    );
    return Item ? epochItem.parse(Item).n : 0;
  }

  /** Consistent: a job's epoch is read before its member pages, which must then show every change up to it. */
  async listMembers(cursor?: string): Promise<MemberPage> {
    const start = cursor
      ? cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
      : undefined;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': MEMBERS_PK },
        ConsistentRead: true,
        ...(this.pageSize ? { Limit: this.pageSize } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const members = (out.Items ?? []).map(toMember);
    const next = out.LastEvaluatedKey
      ? Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url')
      : undefined;
    return { members, ...(next ? { cursor: next } : {}) };
  }

  async mutedBy(authorId: string): Promise<Set<string>> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': key.muted(authorId, '').pk },
      ProjectionExpression: 'sk',
    });
    return new Set(items.map((item) => skItem.parse(item).sk));
  }

  async channelCallback(channel: string): Promise<string | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.callback(channel), ConsistentRead: true }),
    );
    return Item ? callbackItem.parse(Item).url : undefined;
  }

  async pendingEmail(memberId: string): Promise<PendingEmail | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.emailCode(memberId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { expiresAtIso, ...rest } = emailCodeItem.parse(Item);
    return { ...rest, expiresAt: expiresAtIso };
  }

  async linkCode(code: string): Promise<LinkCode | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.linkCode(code), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { expiresAtIso, ...rest } = linkCodeItem.parse(Item);
    return { ...rest, expiresAt: expiresAtIso };
  }

  safetySettings(memberId: string): Promise<SafetySettings> {
    return readSafetySettings(this.doc, this.table, memberId);
  }

  smsUsedOn(day: string): Promise<number> {
    return readSmsUsed(this.doc, this.table, day);
  }

  smsPausedNoticed(memberId: string, day: string): Promise<boolean> {
    return readSmsPausedNoticed(this.doc, this.table, memberId, day);
  }

  timelineEntry(postId: string): Promise<TimelineEntry | undefined> {
    return readTimelineEntry(this.doc, this.table, postId);
  }

  async deletedPosts(postIds: readonly string[]): Promise<Set<string>> {
    const gone = new Set<string>();
    const unique = [...new Set(postIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((id) => key.gone(id));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? []) {
          const { pk } = z.object({ pk: z.string() }).parse(item);
          gone.add(pk.slice('GONE#'.length));
        }
        keys = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return gone;
  }

  async getPost(id: string): Promise<Post | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.post(id) }));
    return Item ? toPost(Item) : undefined;
  }
}
