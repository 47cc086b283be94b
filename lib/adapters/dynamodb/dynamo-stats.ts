import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../domain/zod-messages.ts';
import type { EchoCounter, EchoStats } from '../../ports/stats.ts';
import { countAll } from './query-all.ts';
import { expiresAfter, key, MEMBERS_PK } from './schema.ts';

const counterItem = z.object({ sk: z.string(), n: z.number() });

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const hourOf = (d: Date) => d.toISOString().slice(11, 13);

/** Counter items expire after 40 days: the status page shows today and the last 24 hours. */
const KEEP_SECONDS = 40 * 24 * 3600;

export class DynamoStats implements EchoCounter, EchoStats {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async countEchoes(counts: Readonly<Record<string, number>>, at: Date): Promise<void> {
    const day = dayOf(at);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) return;
    const expiresAt = expiresAfter(at.getTime(), KEEP_SECONDS);
    const adds: Array<[string, number]> = [
      ...Object.entries(counts).filter(([, n]) => n > 0),
      [`hour#${hourOf(at)}`, total],
    ];
    await Promise.all(
      adds.map(([name, n]) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key.stats(day, name.startsWith('hour#') ? `echoes-${name}` : `echoes#${name}`),
            UpdateExpression: 'ADD n :n SET expiresAt = :e',
            ExpressionAttributeValues: { ':n': n, ':e': expiresAt },
          }),
        ),
      ),
    );
  }

  async memberCount(): Promise<number> {
    return countAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': MEMBERS_PK },
    });
  }

  async echoesOn(day: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const item of await this.dayItems(day)) {
      if (item.sk.startsWith('echoes#')) out[item.sk.slice('echoes#'.length)] = item.n;
    }
    return out;
  }

  async echoesByHour(now: Date): Promise<Array<{ hour: string; count: number }>> {
    const hours = Array.from({ length: 24 }, (_, i) => new Date(now.getTime() - (23 - i) * 3600_000));
    const days = [...new Set(hours.map(dayOf))];
    const counts = new Map<string, number>();
    for (const day of days) {
      for (const item of await this.dayItems(day)) {
        if (item.sk.startsWith('echoes-hour#')) counts.set(`${day}T${item.sk.slice(-2)}`, item.n);
      }
    }
    return hours.map((h) => {
      const hour = `${dayOf(h)}T${hourOf(h)}`;
      return { hour, count: counts.get(hour) ?? 0 };
    });
  }

  private async dayItems(day: string) {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.stats(day, '').pk },
      }),
    );
    return (out.Items ?? []).map((i) => counterItem.parse(i));
  }
}
