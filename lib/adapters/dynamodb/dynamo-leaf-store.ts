import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../domain/zod-messages.ts';
import type { HeldItem, LeafRecord, LeafStore } from '../../ports/leaf-store.ts';
import { queryAll } from './query-all.ts';
import { expiresAfter, skItem, TTL_ATTRIBUTE } from './schema.ts';

/** How long a held item waits for its leaf: a laptop off for a week still gets everything. */
export const LEAF_RETENTION_SECONDS = 7 * 24 * 3600;
/** Most items held per leaf by default (`ECHOBOT_LEAF_QUEUE_MAX`); over it the oldest is dropped (and counted). */
export const LEAF_QUEUE_BOUND = 10_000;

const LEAF_PK = 'LEAF';
const leafKey = (url: string) => ({ pk: LEAF_PK, sk: url });
const heldPk = (url: string) => `LEAFQ#${url}`;
/** Zero-padded so the sort key orders like the number. */
const heldSk = (seq: number) => String(seq).padStart(12, '0');

const leafItem = z.object({
  sk: z.string(),
  publicKeyPem: z.string(),
  registeredAt: z.string(),
  lastSeq: z.optional(z.number()),
  dropped: z.optional(z.number()),
  lastPoll: z.optional(z.string()),
});
const heldItem = z.object({ seq: z.number(), body: z.string() });

function toLeaf(item: unknown): LeafRecord {
  const i = leafItem.parse(item);
  return {
    url: i.sk,
    publicKeyPem: i.publicKeyPem,
    registeredAt: i.registeredAt,
    lastSeq: i.lastSeq ?? 0,
    dropped: i.dropped ?? 0,
    ...(i.lastPoll ? { lastPoll: i.lastPoll } : {}),
  };
}

/**
 * Leaves in the table: `LEAF / <url>` (key, sequence counter, drop count) and their held items
 * `LEAFQ#<url> / <seq>` (7-day TTL, at most `bound` per leaf). Held items carry no `type`, so the
 * stream's filter never hands them to the fanout function.
 */
export class DynamoLeafStore implements LeafStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly bound = LEAF_QUEUE_BOUND,
  ) {}

  async getLeaf(url: string): Promise<LeafRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: leafKey(url), ConsistentRead: true }),
    );
    return Item ? toLeaf(Item) : undefined;
  }

  async registerLeaf(url: string, publicKeyPem: string, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...leafKey(url), publicKeyPem, registeredAt: at.toISOString(), lastSeq: 0, dropped: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      // Registered already: the first key stays (the route refuses a registration with another).
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async hold(url: string, body: string, at: Date): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: leafKey(url),
        UpdateExpression: 'ADD lastSeq :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = z.object({ lastSeq: z.number() }).parse(out.Attributes).lastSeq;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: heldPk(url),
          sk: heldSk(seq),
          seq,
          body,
          [TTL_ATTRIBUTE]: expiresAfter(at.getTime(), LEAF_RETENTION_SECONDS),
        },
      }),
    );
    // One in, at most one out: the queue never grows past the bound.
    if (seq > this.bound) {
      const gone = await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: heldPk(url), sk: heldSk(seq - this.bound) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (gone.Attributes)
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: leafKey(url),
            UpdateExpression: 'ADD dropped :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
    }
  }

  async heldAfter(url: string, cursor: number, limit: number): Promise<HeldItem[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: { ':pk': heldPk(url), ':after': heldSk(cursor) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return Items.map((i) => heldItem.parse(i));
  }

  async ack(url: string, cursor: number, at: Date): Promise<void> {
    if (cursor > 0) {
      const done = await queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk <= :upto',
        ExpressionAttributeValues: { ':pk': heldPk(url), ':upto': heldSk(cursor) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      });
      for (const item of done)
        await this.doc.send(
          new DeleteCommand({ TableName: this.table, Key: { pk: heldPk(url), sk: skItem.parse(item).sk } }),
        );
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: leafKey(url),
        UpdateExpression: 'SET lastPoll = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  async listLeaves(): Promise<LeafRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LEAF_PK },
      ConsistentRead: true,
    });
    return items.map(toLeaf);
  }

  async heldCount(url: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': heldPk(url) },
          Select: 'COUNT',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }
}
