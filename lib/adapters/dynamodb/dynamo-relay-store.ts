import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FederationTask } from '../../domain/federation-task.ts';
import type { RelayMode } from '../../domain/relay.ts';
import '../../domain/zod-messages.ts';
import type { JoinedRelay, RelayStore, RelaySubscriber } from '../../ports/relay-store.ts';
import { taskItem } from './dynamo-federation-store.ts';
import { queryAll } from './query-all.ts';
import {
  conditionFailed,
  expiresAfter,
  fedKey,
  INBOUND_TTL_SECONDS,
  key,
  skItem,
  type TransactItem,
} from './schema.ts';

/**
 * Relay items (FEP-ae0c), beside the ActivityPub items of schema.ts:
 *
 * | item               | pk             | sk            | holds                                    |
 * |--------------------|----------------|---------------|------------------------------------------|
 * | relay subscriber   | `APRELAYSUB`   | `<actorId>`   | inbox, host, since: a server subscribed  |
 * |                    |                |               | to us (one partition, read per post)     |
 * | allowed host       | `APRELAYALLOW` | `<host>`      | RELAY ALLOW (allowlist mode)             |
 * | relay mode         | `CONFIG`       | `RELAYMODE`   | mode: open (default) or allowlist        |
 * | joined relay       | `APRELAYJOIN`  | `<actorId>`   | inbox, followId, state pending/accepted  |
 */
export const relayKey = {
  subscriber: (actorId: string) => ({ pk: 'APRELAYSUB', sk: actorId }),
  allowed: (host: string) => ({ pk: 'APRELAYALLOW', sk: host }),
  mode: () => key.config('RELAYMODE'),
  joined: fedKey.relayJoined,
} as const;

const subscriberItem = z.object({ sk: z.string(), inbox: z.string(), host: z.string(), since: z.string() });
const joinedItem = z.object({
  sk: z.string(),
  inbox: z.string(),
  followId: z.string(),
  state: z.enum(['pending', 'accepted']),
  since: z.string(),
});
const modeItem = z.object({ mode: z.enum(['open', 'allowlist']) });

const toJoined = (item: unknown): JoinedRelay => {
  const j = joinedItem.parse(item);
  return { actorId: j.sk, inbox: j.inbox, followId: j.followId, state: j.state, since: j.since };
};

export class DynamoRelayStore implements RelayStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private all(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
  }

  async subscribe(
    activityId: string,
    at: Date,
    subscriber: RelaySubscriber,
    accept: FederationTask,
  ): Promise<boolean> {
    const TableName = this.table;
    const expiresAt = expiresAfter(at.getTime(), INBOUND_TTL_SECONDS);
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: { ...fedKey.seen(activityId), at: at.toISOString(), expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName,
          Item: {
            ...relayKey.subscriber(subscriber.actorId),
            inbox: subscriber.inbox,
            host: subscriber.host,
            since: subscriber.since,
          },
        },
      },
      taskItem(TableName, accept, expiresAt),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      if (conditionFailed(err, 0)) return false;
      throw err;
    }
  }

  async unsubscribe(actorId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: relayKey.subscriber(actorId) }));
  }

  async subscribers(): Promise<RelaySubscriber[]> {
    return (await this.all(relayKey.subscriber('').pk)).map((item) => {
      const s = subscriberItem.parse(item);
      return { actorId: s.sk, inbox: s.inbox, host: s.host, since: s.since };
    });
  }

  async relayMode(): Promise<RelayMode> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: relayKey.mode(), ConsistentRead: true }),
    );
    return Item ? modeItem.parse(Item).mode : 'open';
  }

  async setRelayMode(mode: RelayMode): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...relayKey.mode(), mode } }));
  }

  async allowedHosts(): Promise<Set<string>> {
    return new Set((await this.all(relayKey.allowed('').pk)).map((item) => skItem.parse(item).sk));
  }

  async setHostAllowed(host: string, allowed: boolean): Promise<void> {
    const Key = relayKey.allowed(host.toLowerCase());
    if (allowed) await this.doc.send(new PutCommand({ TableName: this.table, Item: Key }));
    else await this.doc.send(new DeleteCommand({ TableName: this.table, Key }));
  }

  async startJoin(
    relay: Omit<JoinedRelay, 'state' | 'since'>,
    at: Date,
    follow: FederationTask,
  ): Promise<boolean> {
    const TableName = this.table;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: {
                  ...relayKey.joined(relay.actorId),
                  inbox: relay.inbox,
                  followId: relay.followId,
                  state: 'pending',
                  since: at.toISOString(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            taskItem(TableName, follow, expiresAfter(at.getTime(), INBOUND_TTL_SECONDS)),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err, 0)) return false;
      throw err;
    }
  }

  async markJoined(actorId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: relayKey.joined(actorId),
          UpdateExpression: 'SET #s = :accepted',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':accepted': 'accepted' },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async joinedRelays(): Promise<JoinedRelay[]> {
    return (await this.all(relayKey.joined('').pk)).map(toJoined);
  }

  async joinedRelay(actorId: string): Promise<JoinedRelay | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: relayKey.joined(actorId), ConsistentRead: true }),
    );
    return Item ? toJoined(Item) : undefined;
  }
}
