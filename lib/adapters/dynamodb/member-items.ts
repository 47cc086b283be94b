import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { BotMode } from '../../domain/member-commands.ts';
import type { TimelineEntry } from '../../domain/timeline.ts';
import type { Channel } from '../../domain/types.ts';
import '../../domain/zod-messages.ts';
import type { MemberMutation, RelationKind, Relations } from '../../ports/store.ts';
import { timelineEntryItem } from './dynamo-timeline.ts';
import { countAll, queryAll } from './query-all.ts';
import { ITEM_TYPE, key, skItem, TIMELINE_PK, type TransactItem } from './schema.ts';

const RELATION_KINDS: readonly RelationKind[] = ['follow', 'unfollow', 'off', 'block'];

/** The command set's items: relations, delivery switches, tracked words, renames, kicks and the bot mode. */
export function memberItems(
  TableName: string,
  m: MemberMutation,
  add: (item: TransactItem, guard?: 'nick-taken') => void,
): void {
  switch (m.kind) {
    case 'setRelation': {
      // Two items: one per author (fanout reads it once per post), one per member (their lists).
      const items = [
        key.relation(m.authorId, m.relation, m.memberId),
        key.relationBy(m.memberId, m.relation, m.authorId),
      ];
      for (const k of items)
        add(
          m.on
            ? { Put: { TableName, Item: { ...k, type: ITEM_TYPE.relation } } }
            : { Delete: { TableName, Key: k } },
        );
      return;
    }
    case 'setDeliveryOff':
      add({
        Update: {
          TableName,
          Key: key.member(m.memberId),
          UpdateExpression: m.off ? 'SET #off = :t' : 'REMOVE #off',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#off': 'off' },
          ...(m.off ? { ExpressionAttributeValues: { ':t': true } } : {}),
        },
      });
      return;
    case 'setTrack':
      add({
        Update: {
          TableName,
          Key: key.member(m.memberId),
          UpdateExpression: `${m.tracked ? 'ADD' : 'DELETE'} tracks :w`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':w': new Set([m.word]) },
        },
      });
      return;
    case 'renameMember':
      add(
        {
          Put: {
            TableName,
            Item: { ...key.nick(m.to), memberId: m.memberId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        'nick-taken',
      );
      add({
        Delete: {
          TableName,
          Key: key.nick(m.from),
          ConditionExpression: 'memberId = :id',
          ExpressionAttributeValues: { ':id': m.memberId },
        },
      });
      add({
        Update: {
          TableName,
          Key: key.member(m.memberId),
          UpdateExpression: 'SET nick = :to',
          ConditionExpression: 'nick = :from',
          ExpressionAttributeValues: { ':to': m.to, ':from': m.from },
        },
      });
      return;
    case 'removeMember': {
      const { member } = m;
      add({
        Delete: { TableName, Key: key.member(member.id), ConditionExpression: 'attribute_exists(pk)' },
      });
      add({
        Delete: {
          TableName,
          Key: key.nick(member.nick),
          ConditionExpression: 'memberId = :id',
          ExpressionAttributeValues: { ':id': member.id },
        },
      });
      for (const channel of member.channels) {
        // The channel stays (with its opt-out), now a stranger's.
        add({
          Update: {
            TableName,
            Key: key.channel(channel),
            UpdateExpression: 'REMOVE memberId',
            ConditionExpression: 'memberId = :id',
            ExpressionAttributeValues: { ':id': member.id },
          },
        });
        if (m.ban)
          add({
            Put: { TableName, Item: { ...key.banned(channel), memberId: member.id, nick: member.nick } },
          });
      }
      return;
    }
    case 'setMode':
      add({ Put: { TableName, Item: { ...key.config('MODE'), mode: m.mode } } });
      return;
  }
}

const modeItem = z.object({ mode: z.enum(['echo', 'follow']) });
const entryItem = z.omit(timelineEntryItem, { sk: true });

const emptyRelations = (): Relations => ({
  follow: new Set(),
  unfollow: new Set(),
  off: new Set(),
  block: new Set(),
});

/** The reads behind the command set; `DynamoStore` delegates to these. */
export class DynamoMemberReads {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  relationsOf(authorId: string): Promise<Relations> {
    return this.relations(key.relation(authorId, 'follow', '').pk);
  }

  relationsBy(memberId: string): Promise<Relations> {
    return this.relations(key.relationBy(memberId, 'follow', '').pk);
  }

  async botMode(): Promise<BotMode> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.config('MODE'), ConsistentRead: true }),
    );
    return Item ? modeItem.parse(Item).mode : 'echo';
  }

  async isBanned(channel: Channel): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key.banned(channel), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async latestPost(authorKey: string): Promise<TimelineEntry | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.authorPosts(authorKey, '').pk },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? entryItem.parse(item) : undefined;
  }

  async countPosts(authorKey?: string): Promise<number> {
    const input: QueryCommandInput =
      authorKey === undefined
        ? {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: '#local = :t',
            ExpressionAttributeNames: { '#local': 'local' },
            ExpressionAttributeValues: { ':pk': TIMELINE_PK, ':t': true },
            Select: 'COUNT',
          }
        : {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': key.authorPosts(authorKey, '').pk },
            Select: 'COUNT',
          };
    return countAll(this.doc, input);
  }

  private async relations(pk: string): Promise<Relations> {
    const found = emptyRelations();
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    });
    for (const item of items) {
      const { sk } = skItem.parse(item);
      const at = sk.indexOf('#');
      const kind = RELATION_KINDS.find((k) => k === sk.slice(0, at));
      if (kind) found[kind].add(sk.slice(at + 1));
    }
    return found;
  }
}
