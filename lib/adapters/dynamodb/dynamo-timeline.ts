import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { BadRequestError } from '../../domain/errors.ts';
import type { TimelineEntry, TimelinePage } from '../../domain/timeline.ts';
import '../../domain/zod-messages.ts';
import type { TimelineReader, TimelineWriter } from '../../ports/timeline.ts';
import { timelineKeys } from './post-items.ts';
import { countAll } from './query-all.ts';
import { ITEM_TYPE, key, TIMELINE_PK } from './schema.ts';

/** A timeline index item as stored (lib/adapters/dynamodb/member-items.ts reads the same items). */
export const timelineEntryItem = z.object({
  sk: z.string(),
  id: z.string(),
  author: z.string(),
  authorKey: z.string(),
  local: z.boolean(),
  text: z.string(),
  createdAt: z.string(),
});

/** The timeline entry of one post, by its id (consistent: a delete reads it to remove it). */
export async function readTimelineEntry(
  doc: DynamoDBDocumentClient,
  table: string,
  postId: string,
): Promise<TimelineEntry | undefined> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: table, Key: key.timelineRef(postId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { sk: _sk, ...entry } = timelineEntryItem.parse(Item);
  return entry;
}

/**
 * The index items of one post (the whole timeline, its author's list, and the lookup by id that
 * DELETE and a remote Delete/Update use), written as plain Puts so they can join the transaction
 * that stores the post. `type: ITEM_TYPE.timeline` keeps them out of the fanout stream filter
 * (which picks `type = post`).
 */
export function timelineItems(entry: TimelineEntry): Record<string, unknown>[] {
  const body = { type: ITEM_TYPE.timeline, ...entry };
  return timelineKeys(entry).map((k) => ({ ...k, ...body }));
}

function decodeCursor(before: string | undefined): string | undefined {
  if (before === undefined || before === '') return undefined;
  const sk = Buffer.from(before, 'base64url').toString('utf8');
  if (!/^\d{4}-\d\d-\d\dT[^#]*#.+/.test(sk)) throw new BadRequestError('the page cursor is not valid');
  return sk;
}

export class DynamoTimeline implements TimelineReader, TimelineWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(entry: TimelineEntry): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: timelineItems(entry).map((Item) => ({ Put: { TableName: this.table, Item } })),
      }),
    );
  }

  recent(options: { before?: string; limit: number }): Promise<TimelinePage> {
    return this.page(TIMELINE_PK, options);
  }

  byAuthor(authorKey: string, options: { before?: string; limit: number }): Promise<TimelinePage> {
    return this.page(key.authorPosts(authorKey, '').pk, options);
  }

  countOn(day: string, localOnly: boolean): Promise<number> {
    return countAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': TIMELINE_PK,
        ':from': `${day}T`,
        ':to': `${day}T~`,
        ...(localOnly ? { ':t': true } : {}),
      },
      ...(localOnly
        ? { FilterExpression: '#local = :t', ExpressionAttributeNames: { '#local': 'local' } }
        : {}),
    });
  }

  private async page(pk: string, options: { before?: string; limit: number }): Promise<TimelinePage> {
    const before = decodeCursor(options.before);
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
      ScanIndexForward: false,
      // One extra tells whether an older page exists without returning an empty last page.
      Limit: options.limit + 1,
    };
    const out = await this.doc.send(new QueryCommand(input));
    const items = (out.Items ?? []).map((i) => timelineEntryItem.parse(i));
    const shown = items.slice(0, options.limit);
    const last = shown.at(-1);
    const entries = shown.map(({ sk: _sk, ...entry }) => entry);
    return {
      entries,
      ...(items.length > options.limit && last ? { before: Buffer.from(last.sk).toString('base64url') } : {}),
    };
  }
}
