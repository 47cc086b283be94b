import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FederationTask } from '../../domain/federation-task.ts';
import '../../domain/zod-messages.ts';
import type {
  FederationStore,
  HostHealth,
  InboundQuery,
  InboundView,
  InboxWrite,
  RemoteActor,
  RemoteFollower,
} from '../../ports/federation.ts';
import type { Mutation } from '../../ports/store.ts';
import { batchGetConsistent } from './batch-get.ts';
import { channelItems } from './channel-items.ts';
import { timelineItems } from './dynamo-timeline.ts';
import { remoteFollowItems } from './peer-items.ts';
import { postItems } from './post-items.ts';
import { queryAll } from './query-all.ts';
import {
  conditionFailed,
  expiresAfter,
  fedKey,
  INBOUND_TTL_SECONDS,
  ITEM_TYPE,
  key,
  skItem,
  type TransactItem,
} from './schema.ts';

export type FederationMutation = Extract<Mutation, { kind: 'setRemoteFollow' | 'putFederationTask' }>;

const expiry = (at: number) => expiresAfter(at, INBOUND_TTL_SECONDS);

/** The FEDTASK item: `type: ITEM_TYPE.fedtask` is what the stream filter picks. */
export function taskItem(TableName: string, task: FederationTask, expiresAt: number): TransactItem {
  return {
    Put: {
      TableName,
      Item: { ...fedKey.task(task.id), type: ITEM_TYPE.fedtask, task: JSON.stringify(task), expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Store mutations of members' remote follows and tasks, for DynamoStore.commit. */
export function federationItems(
  TableName: string,
  m: FederationMutation,
  add: (item: TransactItem) => void,
  expiresAt: number,
): void {
  if (m.kind === 'putFederationTask') {
    add(taskItem(TableName, m.task, expiresAt));
    return;
  }
  const Key = fedKey.following(m.handle, m.memberId);
  add(
    m.following
      ? { Put: { TableName, Item: { ...Key, at: new Date().toISOString() } } }
      : { Delete: { TableName, Key } },
  );
}

const actorItem = z.object({
  id: z.string(),
  handle: z.string(),
  inbox: z.string(),
  sharedInbox: z.optional(z.string()),
});
const followerItem = z.object({ sk: z.string(), inbox: z.string(), sharedInbox: z.optional(z.string()) });
const keyOf = z.object({ pk: z.string(), sk: z.string() });
const hostItem = z.object({
  failures: z._default(z.number(), 0),
  firstFailureAt: z.optional(z.string()),
  deadSince: z.optional(z.string()),
});

function toActor(item: unknown): RemoteActor {
  const a = actorItem.parse(item);
  return {
    id: a.id,
    handle: a.handle,
    inbox: a.inbox,
    ...(a.sharedInbox ? { sharedInbox: a.sharedInbox } : {}),
  };
}

export class DynamoFederationStore implements FederationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async inboundView(q: InboundQuery): Promise<InboundView> {
    const postIds = [...new Set(q.postIds)];
    if (postIds.length > 90) throw new Error(`inboundView reads at most 90 posts, not ${postIds.length}`);
    const host = fedKey.host(q.host);
    const actor = fedKey.actor(q.signer);
    const relay = fedKey.relayJoined(q.signer);
    const items = await batchGetConsistent(this.doc, this.table, [
      host,
      actor,
      relay,
      ...postIds.map((id) => key.gone(id)),
    ]);
    const view: InboundView = { hostFailing: false, joinedRelay: false, deletedPosts: new Set() };
    const is = (k: { pk: string; sk: string }, item: { pk: string; sk: string }) =>
      k.pk === item.pk && k.sk === item.sk;
    for (const item of items) {
      const k = keyOf.parse(item);
      if (is(host, k)) {
        const h = hostItem.parse(item);
        view.hostFailing = h.failures > 0 || h.deadSince !== undefined;
      } else if (is(actor, k)) view.signer = toActor(item);
      else if (is(relay, k)) view.joinedRelay = true;
      else if (k.sk === 'GONE') view.deletedPosts.add(k.pk.slice('GONE#'.length));
    }
    return view;
  }

  async applyInbound(activityId: string, at: Date, writes: readonly InboxWrite[]): Promise<boolean> {
    const TableName = this.table;
    const expiresAt = expiry(at.getTime());
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: { ...fedKey.seen(activityId), at: at.toISOString(), expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    const add = (item: TransactItem) => items.push(item);
    for (const w of writes) {
      switch (w.kind) {
        case 'putTask':
          add(taskItem(TableName, w.task, expiresAt));
          break;
        case 'recordTimeline':
          for (const Item of timelineItems(w.entry)) add({ Put: { TableName, Item } });
          break;
        case 'addFollower': {
          const { actorId, inbox, sharedInbox } = w.follower;
          add({
            Put: {
              TableName,
              Item: {
                ...fedKey.follower(w.memberId, actorId),
                inbox,
                ...(sharedInbox ? { sharedInbox } : {}),
              },
            },
          });
          add({ Put: { TableName, Item: { ...fedKey.followsOf(actorId, w.memberId) } } });
          break;
        }
        case 'removeFollower':
          add({ Delete: { TableName, Key: fedKey.follower(w.memberId, w.actorId) } });
          add({ Delete: { TableName, Key: fedKey.followsOf(w.actorId, w.memberId) } });
          break;
        case 'deletePost':
        case 'editPost':
          postItems(TableName, w, add);
          break;
        case 'setRemoteFollow':
          federationItems(TableName, w, add, expiresAt);
          break;
        case 'unfollowRemote':
          remoteFollowItems(TableName, w, add);
          break;
        case 'putOutbound':
          channelItems(TableName, w, add, expiresAt);
          break;
      }
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      // The first item is the de-duplication record: its condition failing means a replay.
      if (conditionFailed(err, 0)) return false;
      throw err;
    }
  }

  private queryAll(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
  }

  async followersOf(memberId: string): Promise<RemoteFollower[]> {
    return (await this.queryAll(fedKey.follower(memberId, '').pk)).map((item) => {
      const f = followerItem.parse(item);
      return { actorId: f.sk, inbox: f.inbox, ...(f.sharedInbox ? { sharedInbox: f.sharedInbox } : {}) };
    });
  }

  async followedBy(actorId: string): Promise<string[]> {
    return (await this.queryAll(fedKey.followsOf(actorId, '').pk)).map((item) => skItem.parse(item).sk);
  }

  async localFollowersOf(handle: string): Promise<string[]> {
    return (await this.queryAll(fedKey.following(handle, '').pk)).map((item) => skItem.parse(item).sk);
  }

  async followedLocally(handle: string): Promise<boolean> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': fedKey.following(handle, '').pk },
        ProjectionExpression: 'pk',
        Limit: 1,
      }),
    );
    return (Items ?? []).length > 0;
  }

  async isFollowingRemote(memberId: string, handle: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: fedKey.following(handle, memberId),
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async putActor(actor: RemoteActor): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...fedKey.actor(actor.id), ...actor } }),
    );
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...fedKey.handle(actor.handle), actorId: actor.id } }),
    );
  }

  async actorById(id: string): Promise<RemoteActor | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: fedKey.actor(id) }));
    return Item ? toActor(Item) : undefined;
  }

  async actorByHandle(handle: string): Promise<RemoteActor | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: fedKey.handle(handle) }),
    );
    if (!Item) return undefined;
    return this.actorById(z.object({ actorId: z.string() }).parse(Item).actorId);
  }

  async hostHealth(host: string): Promise<HostHealth> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: fedKey.host(host), ConsistentRead: true }),
    );
    if (!Item) return { host, failures: 0 };
    const h = hostItem.parse(Item);
    return {
      host,
      failures: h.failures,
      ...(h.firstFailureAt ? { firstFailureAt: h.firstFailureAt } : {}),
      ...(h.deadSince ? { deadSince: h.deadSince } : {}),
    };
  }

  async recordHostFailure(host: string, at: Date): Promise<HostHealth> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: fedKey.host(host),
        UpdateExpression: 'ADD failures :one SET firstFailureAt = if_not_exists(firstFailureAt, :at)',
        ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const h = hostItem.parse(out.Attributes ?? {});
    return {
      host,
      failures: h.failures,
      ...(h.firstFailureAt ? { firstFailureAt: h.firstFailureAt } : {}),
      ...(h.deadSince ? { deadSince: h.deadSince } : {}),
    };
  }

  async markHostDead(host: string, at: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: fedKey.host(host),
        UpdateExpression: 'SET deadSince = if_not_exists(deadSince, :at)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  async reviveHost(host: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: fedKey.host(host),
          UpdateExpression: 'SET failures = :zero REMOVE firstFailureAt, deadSince',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
      });
  }
}
