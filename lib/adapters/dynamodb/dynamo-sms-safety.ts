import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { SafetySettings } from '../../domain/quiet-hours.ts';
import type { Channel } from '../../domain/types.ts';
import '../../domain/zod-messages.ts';
import type { DueDigest, HeldEcho, SmsSafetyStore } from '../../ports/sms-safety.ts';
import type { SafetyMutation } from '../../ports/store.ts';
import { queryAll } from './query-all.ts';
import { DIGEST_DUE_PK, epochSeconds as epoch, key, type TransactItem } from './schema.ts';

/** Day counters live as long as the status page's (40 days); rate windows and notices a little past their hour/day. */
const KEEP_COUNTERS_SECONDS = 40 * 24 * 3600;
const HOUR_MS = 3600_000;

const channelSchema = z.custom<Channel>((v) => typeof v === 'string' && /^[a-z]+:.+/.test(v));
const settingsItem = z.object({
  quietFrom: z.optional(z.int().check(z.gte(0)).check(z.lte(23))),
  quietTo: z.optional(z.int().check(z.gte(0)).check(z.lte(23))),
  tz: z.optional(z.string()),
});
const counterItem = z.object({ n: z.number() });
const heldItem = z.object({
  memberId: z.string(),
  channel: channelSchema,
  postId: z.string(),
  text: z.string(),
  heldAt: z.string(),
});
const dueItem = z.object({ sk: z.string(), memberId: z.string(), channel: channelSchema, dueAt: z.string() });

/** The transaction items of the SMS-safety mutations, committed with the message that caused them. */
export function safetyItems(
  TableName: string,
  m: SafetyMutation,
  add: (item: TransactItem, guard?: 'rate-limited') => void,
): void {
  switch (m.kind) {
    case 'countPost': {
      const hourStart = Date.parse(`${m.hour}:00:00.000Z`);
      add(
        {
          Update: {
            TableName,
            Key: key.rate(m.memberId, m.hour),
            UpdateExpression: 'ADD n :one SET expiresAt = :e',
            ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': m.limit,
              ':e': epoch((Number.isFinite(hourStart) ? hourStart : Date.now()) + 2 * HOUR_MS),
            },
          },
        },
        'rate-limited',
      );
      return;
    }
    case 'setQuiet':
      add({
        Update: {
          TableName,
          Key: key.safety(m.memberId),
          ...(m.quiet
            ? {
                UpdateExpression: 'SET quietFrom = :f, quietTo = :t',
                ExpressionAttributeValues: { ':f': m.quiet.from, ':t': m.quiet.to },
              }
            : { UpdateExpression: 'REMOVE quietFrom, quietTo' }),
        },
      });
      return;
    case 'setTimeZone':
      add({
        Update: {
          TableName,
          Key: key.safety(m.memberId),
          UpdateExpression: 'SET tz = :z',
          ExpressionAttributeValues: { ':z': m.tz },
        },
      });
      return;
    case 'markSmsPausedNotice':
      add({
        Put: {
          TableName,
          Item: {
            ...key.smsPaused(m.day, m.memberId),
            expiresAt: epoch(Date.parse(`${m.day}T00:00:00.000Z`) + 48 * HOUR_MS),
          },
        },
      });
      return;
  }
}

export async function readSafetySettings(
  doc: DynamoDBDocumentClient,
  TableName: string,
  memberId: string,
): Promise<SafetySettings> {
  const { Item } = await doc.send(
    new GetCommand({ TableName, Key: key.safety(memberId), ConsistentRead: true }),
  );
  if (!Item) return {};
  const s = settingsItem.parse(Item);
  return {
    ...(s.quietFrom !== undefined && s.quietTo !== undefined
      ? { quiet: { from: s.quietFrom, to: s.quietTo } }
      : {}),
    ...(s.tz ? { tz: s.tz } : {}),
  };
}

export async function readSmsUsed(
  doc: DynamoDBDocumentClient,
  TableName: string,
  day: string,
): Promise<number> {
  const { Item } = await doc.send(
    new GetCommand({ TableName, Key: key.stats(day, 'sms-parts'), ConsistentRead: true }),
  );
  return Item ? counterItem.parse(Item).n : 0;
}

export async function readSmsPausedNoticed(
  doc: DynamoDBDocumentClient,
  TableName: string,
  memberId: string,
  day: string,
): Promise<boolean> {
  const { Item } = await doc.send(
    new GetCommand({ TableName, Key: key.smsPaused(day, memberId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/** The SMS budget counter, held echoes and digest markers in the one table. */
export class DynamoSmsSafety implements SmsSafetyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  safetySettings(memberId: string): Promise<SafetySettings> {
    return readSafetySettings(this.doc, this.table, memberId);
  }

  async reserveSmsParts(day: string, parts: number, budget: number): Promise<number | undefined> {
    if (parts > budget) return undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key.stats(day, 'sms-parts'),
          UpdateExpression: 'ADD n :p SET expiresAt = :e',
          ConditionExpression: 'attribute_not_exists(n) OR n <= :room',
          ExpressionAttributeValues: { ':p': parts, ':room': budget - parts, ':e': this.dayExpiry(day) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return counterItem.parse(out.Attributes).n;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async releaseSmsParts(day: string, parts: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key.stats(day, 'sms-parts'),
        UpdateExpression: 'ADD n :p',
        ConditionExpression: 'attribute_exists(n)',
        ExpressionAttributeValues: { ':p': -parts },
      }),
    );
  }

  async countBudgetSkips(day: string, n: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key.stats(day, 'sms-skipped'),
        UpdateExpression: 'ADD n :n SET expiresAt = :e',
        ExpressionAttributeValues: { ':n': n, ':e': this.dayExpiry(day) },
      }),
    );
  }

  async claimBudgetAlert(day: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key.stats(day, 'sms-alerted'),
            // `n` like every item of the day's counters partition (the status page reads them all).
            n: 1,
            at: new Date().toISOString(),
            expiresAt: this.dayExpiry(day),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async holdEcho(echo: HeldEcho, dueAt: Date): Promise<void> {
    const due = dueAt.toISOString();
    // Kept a week past the digest: a digest that keeps failing must not keep them forever.
    const expiresAt = epoch(dueAt.getTime() + 7 * 24 * HOUR_MS);
    // Both or neither: a held echo without its due marker would never reach a digest.
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...key.held(echo.memberId, echo.channel, echo.postId), ...echo, expiresAt },
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: {
                ...key.digestDue(due, echo.memberId, echo.channel),
                memberId: echo.memberId,
                channel: echo.channel,
                dueAt: due,
                expiresAt,
              },
            },
          },
        ],
      }),
    );
  }

  async dueDigests(now: Date): Promise<DueDigest[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk <= :until',
      ExpressionAttributeValues: { ':pk': DIGEST_DUE_PK, ':until': `${now.toISOString()}#~` },
      ConsistentRead: true,
    });
    return items.map((item) => {
      const d = dueItem.parse(item);
      return { memberId: d.memberId, channel: d.channel, dueAt: d.dueAt };
    });
  }

  async heldEchoes(memberId: string, channel: Channel): Promise<HeldEcho[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': key.held(memberId, channel, '').pk },
      ConsistentRead: true,
    });
    return items
      .map((item) => heldItem.parse(item))
      .sort((a, b) => a.heldAt.localeCompare(b.heldAt) || a.postId.localeCompare(b.postId));
  }

  async clearDigest(due: DueDigest, held: readonly HeldEcho[]): Promise<void> {
    const keys = [
      ...held.map((h) => key.held(h.memberId, h.channel, h.postId)),
      key.digestDue(due.dueAt, due.memberId, due.channel),
    ];
    for (let i = 0; i < keys.length; i += 25) {
      let batch: Array<{ DeleteRequest: { Key: Record<string, unknown> } }> = keys
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchWriteItem kept returning unprocessed items');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const res = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: batch } }));
        batch = (res.UnprocessedItems?.[this.table] ?? []).flatMap((w) =>
          w.DeleteRequest?.Key ? [{ DeleteRequest: { Key: w.DeleteRequest.Key } }] : [],
        );
      }
    }
  }

  private dayExpiry(day: string): number {
    return epoch(Date.parse(`${day}T00:00:00.000Z`)) + KEEP_COUNTERS_SECONDS;
  }
}
