import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import type { TimelineEntry } from '../../domain/timeline.ts';
import '../../domain/zod-messages.ts';
import { INTEREST_HOLD_DOWN_MS } from '../../federation/interest.ts';
import type {
  PeerControlAction,
  PeerRecord,
  PeerSource,
  PeerStore,
  RelayedDelete,
  RelayedPost,
  StreamState,
  Wants,
} from '../../ports/peer-store.ts';
import { readTimelineEntry } from './dynamo-timeline.ts';
import { controlItem, newPeerItem, ttl } from './peer-items.ts';
import { postItems } from './post-items.ts';
import { queryAll } from './query-all.ts';
import {
  conditionFailed,
  INBOUND_TTL_SECONDS,
  ITEM_TYPE,
  peerKey,
  skItem,
  type TransactItem,
} from './schema.ts';

const peerItem = z.object({
  url: z.string(),
  source: z.enum(['config', 'admin', 'inbound', 'leaf']),
  addedAt: z.string(),
  outEpoch: z.string(),
  outSeq: z.number(),
  inEpoch: z.optional(z.string()),
  inSeq: z.optional(z.number()),
  awaitingSnapshot: z.optional(z.boolean()),
  routes: z.optional(z.record(z.string(), z.number())),
  healthy: z.optional(z.boolean()),
  down: z.optional(z.boolean()),
  lastSeen: z.optional(z.string()),
  lastError: z.optional(z.string()),
});

const wantsItem = z.object({ sk: z.string(), on: z.boolean(), offAt: z.optional(z.string()) });
const relayItem = z.object({
  postId: z.string(),
  author: z.string(),
  text: z.string(),
  createdAt: z.string(),
  envelope: z.string(),
  from: z.string(),
  receivedAt: z.string(),
});

/** How long relayed-post records stay (the de-duplication window for post ids). */
const RELAY_TTL_SECONDS = INBOUND_TTL_SECONDS;

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

export class DynamoPeerStore implements PeerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.table, ...input, ConsistentRead: true });
  }

  private async sortKeys(pk: string): Promise<string[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'sk',
    });
    return items.map((i) => skItem.parse(i).sk);
  }

  async listPeers(): Promise<PeerRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': peerKey.peer('').pk },
    });
    return items.map((i) => peerItem.parse(strip(i)));
  }

  async getPeer(url: string): Promise<PeerRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: peerKey.peer(url), ConsistentRead: true }),
    );
    return Item ? peerItem.parse(strip(Item)) : undefined;
  }

  async addPeer(url: string, source: PeerSource, at: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: newPeerItem(url, source, at),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: controlItem(url, 'connect', at) } },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async nextOutSeq(url: string): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: peerKey.peer(url),
        UpdateExpression: 'ADD outSeq :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return z.object({ outSeq: z.number() }).parse(out.Attributes).outSeq;
  }

  async setInboundState(url: string, state: StreamState, expectedSeq: number | undefined): Promise<void> {
    try {
      await this.writeInboundState(url, state, expectedSeq);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        throw new ConcurrentUpdateError(`interest stream of ${url} changed meanwhile`);
      throw err;
    }
  }

  private async writeInboundState(url: string, state: StreamState, expectedSeq: number | undefined) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: peerKey.peer(url),
        UpdateExpression: 'SET inEpoch = :e, inSeq = :s, awaitingSnapshot = :a',
        ConditionExpression:
          expectedSeq === undefined
            ? 'attribute_exists(pk) AND attribute_not_exists(inSeq)'
            : 'attribute_exists(pk) AND inSeq = :old',
        ExpressionAttributeValues: {
          ':e': state.epoch,
          ':s': state.seq,
          ':a': state.awaitingSnapshot,
          ...(expectedSeq === undefined ? {} : { ':old': expectedSeq }),
        },
      }),
    );
  }

  async setRoutes(url: string, routes: Record<string, number>): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: peerKey.peer(url),
        UpdateExpression: 'SET routes = :r',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':r': routes },
      }),
    );
  }

  async markHealth(url: string, ok: boolean, at: Date, detail?: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: peerKey.peer(url),
          UpdateExpression: ok
            ? 'SET healthy = :t, lastSeen = :at REMOVE lastError'
            : 'SET healthy = :f, lastError = :d',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: ok
            ? { ':t': true, ':at': at.toISOString() }
            : { ':f': false, ':d': (detail ?? 'unreachable').slice(0, 300) },
        }),
      );
    } catch (err) {
      // A peer removed meanwhile has no health to record.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async setDown(url: string, down: boolean, at: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: peerKey.peer(url),
          // Conditional, so of two deliveries that saw the same failure only one reports the flip.
          UpdateExpression: down ? 'SET down = :t' : 'SET down = :f, lastSeen = :at',
          ConditionExpression: down
            ? 'attribute_exists(pk) AND (attribute_not_exists(down) OR down = :f)'
            : 'attribute_exists(pk) AND down = :t',
          ExpressionAttributeValues: down
            ? { ':t': true, ':f': false }
            : { ':t': true, ':f': false, ':at': at.toISOString() },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async wantsOf(author: string, at: Date = new Date()): Promise<Wants> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': peerKey.wants(author, '').pk },
    });
    const members: string[] = [];
    const peers: string[] = [];
    const leaving: string[] = [];
    const heldSince = at.getTime() - INTEREST_HOLD_DOWN_MS;
    for (const raw of items) {
      const item = wantsItem.parse(raw);
      if (item.sk.startsWith('member#')) {
        if (item.on) members.push(item.sk.slice('member#'.length));
      } else if (item.sk.startsWith('peer#')) {
        const peer = item.sk.slice('peer#'.length);
        if (item.on) peers.push(peer);
        else if (item.offAt !== undefined && Date.parse(item.offAt) > heldSince) leaving.push(peer);
      }
    }
    const wants: Wants = { members, peers, leaving };
    return wants;
  }

  async setPeerWants(peer: string, author: string, wants: boolean, at: Date = new Date()): Promise<void> {
    const TableName = this.table;
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              // A withdrawal keeps its time: the peer is held down (still sent posts) for a while.
              Item: {
                ...peerKey.wants(author, `peer#${peer}`),
                type: ITEM_TYPE.wants,
                author,
                on: wants,
                ...(wants ? {} : { offAt: at.toISOString() }),
              },
            },
          },
          wants
            ? { Put: { TableName, Item: peerKey.peerWants(peer, author) } }
            : { Delete: { TableName, Key: peerKey.peerWants(peer, author) } },
          ...(wants ? [{ Put: { TableName, Item: peerKey.author(author) } }] : []),
        ],
      }),
    );
  }

  peerInterest(peer: string): Promise<string[]> {
    return this.sortKeys(peerKey.peerWants(peer, '').pk);
  }

  knownAuthors(): Promise<string[]> {
    return this.sortKeys(peerKey.author('').pk);
  }

  async markSent(peer: string, author: string, sent: boolean): Promise<boolean> {
    try {
      if (sent)
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: peerKey.sent(peer, author),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      else
        await this.doc.send(
          new DeleteCommand({
            TableName: this.table,
            Key: peerKey.sent(peer, author),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
    return true;
  }

  async hasSent(peer: string, author: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: peerKey.sent(peer, author), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  sentTo(peer: string): Promise<string[]> {
    return this.sortKeys(peerKey.sent(peer, '').pk);
  }

  async control(peer: string, action: PeerControlAction, at: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: controlItem(peer, action, at) }));
  }

  async putRelayed(post: RelayedPost): Promise<boolean> {
    const at = new Date(post.receivedAt);
    const expiresAt = ttl(at, RELAY_TTL_SECONDS);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...peerKey.relay(post.postId), type: ITEM_TYPE.relay, ...post, expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...peerKey.relayed(`${post.receivedAt}#${post.postId}`), ...post, expiresAt },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  timelineEntry(postId: string): Promise<TimelineEntry | undefined> {
    return readTimelineEntry(this.doc, this.table, postId);
  }

  async putRelayedDelete(del: RelayedDelete, entry: TimelineEntry | undefined): Promise<boolean> {
    const expiresAt = ttl(new Date(del.receivedAt), RELAY_TTL_SECONDS);
    const TransactItems: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...peerKey.relayDelete(del.postId), type: ITEM_TYPE.relaydel, ...del, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    postItems(
      this.table,
      { kind: 'deletePost', postId: del.postId, at: del.at, ...(entry ? { entry } : {}) },
      (i) => TransactItems.push(i),
    );
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems }));
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async forgetPeer(url: string): Promise<void> {
    for (const author of await this.peerInterest(url)) await this.setPeerWants(url, author, false);
    for (const author of await this.sentTo(url)) await this.markSent(url, author, false);
  }

  async recentRelayed(limit: number): Promise<RelayedPost[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': peerKey.relayed('').pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => relayItem.parse(strip(i)));
  }
}
