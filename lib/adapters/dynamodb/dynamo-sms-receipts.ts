import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { SmsProviderName } from '../../domain/sms-outcomes.ts';
import type { DeliveryReceipt } from '../../domain/sms-receipts.ts';
import type { Channel } from '../../domain/types.ts';
import '../../domain/zod-messages.ts';
import type {
  ReceiptRecorded,
  SentSms,
  SmsDayCounts,
  SmsDeliveryState,
  SmsReceiptStore,
} from '../../ports/sms-receipts.ts';
import { queryAll } from './query-all.ts';

/**
 * Delivery receipts in the single table. These keys join the table's schema module at the
 * merge; until then they live here, next to the only code that reads them.
 *
 * | item            | pk                               | sk                   | holds                          |
 * |-----------------|----------------------------------|----------------------|--------------------------------|
 * | sent SMS        | `SMSOUT#<provider>#<message id>` | `SMSOUT`             | echoId, memberId, channel,     |
 * |                 |                                  |                      | parts, at, state (sent, then   |
 * |                 |                                  |                      | delivered or failed), errorCode|
 * |                 |                                  |                      | 40 days                        |
 * | day counters    | `STATS#<YYYY-MM-DD>`             | `smsr#sent`, `smsr#delivered`, `smsr#failed`, | n, by the |
 * |                 |                                  | `smsr#code#<code>`   | day the SMS was sent; 40 days  |
 * | failure streak  | `CHANNEL#<kind:addr>`            | `SMSFAILS`           | n: permanent failures in a row |
 *
 * A receipt is applied in one transaction: the sent item's state moves from `sent` (the
 * condition, so a duplicate or a second final receipt changes nothing), the day's counters and
 * the number's streak move with it.
 */
const smsKey = {
  sent: (provider: string, messageId: string) => ({ pk: `SMSOUT#${provider}#${messageId}`, sk: 'SMSOUT' }),
  day: (day: string, name: string) => ({ pk: `STATS#${day}`, sk: `smsr#${name}` }),
  streak: (channel: string) => ({ pk: `CHANNEL#${channel}`, sk: 'SMSFAILS' }),
} as const;

/** As long as the status page keeps day counters. */
const KEEP_SECONDS = 40 * 24 * 3600;
const epoch = (ms: number) => Math.floor(ms / 1000);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const channelSchema = z.custom<Channel>((v) => typeof v === 'string' && /^[a-z]+:.+/.test(v));
const sentItem = z.object({
  echoId: z.string(),
  memberId: z.string(),
  channel: channelSchema,
  provider: z.enum(['aws', 'twilio']),
  messageId: z.string(),
  parts: z.number(),
  at: z.string(),
  state: z.enum(['sent', 'delivered', 'failed']),
  errorCode: z.optional(z.string()),
});
const counter = z.object({ sk: z.string(), n: z.number() });

function toState(item: unknown): SmsDeliveryState {
  const s = sentItem.parse(item);
  return { ...s, ...(s.errorCode === undefined ? {} : { errorCode: s.errorCode }) };
}

/** Cancelled by our condition, or by a concurrent transaction on the same item (TransactionConflict). */
function cancelled(err: unknown): boolean {
  return err instanceof TransactionCanceledException;
}

export class DynamoSmsReceipts implements SmsReceiptStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private add(day: string, name: string, expiresAt: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: smsKey.day(day, name),
        UpdateExpression: 'ADD n :one SET expiresAt = :e',
        ExpressionAttributeValues: { ':one': 1, ':e': expiresAt },
      },
    };
  }

  async recordSent(sms: SentSms): Promise<void> {
    const sentAt = Date.parse(sms.at);
    if (!Number.isFinite(sentAt)) throw new Error(`not a time: ${sms.at}`);
    const expiresAt = epoch(sentAt) + KEEP_SECONDS;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...smsKey.sent(sms.provider, sms.messageId), ...sms, state: 'sent', expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.add(sms.at.slice(0, 10), 'sent', expiresAt),
          ],
        }),
      );
    } catch (err) {
      // Already recorded (a retried call): nothing to do. A conflict with nothing written: retry.
      if (!cancelled(err) || !(await this.sentSms(sms.provider, sms.messageId))) throw err;
    }
  }

  async sentSms(provider: SmsProviderName, messageId: string): Promise<SmsDeliveryState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: smsKey.sent(provider, messageId), ConsistentRead: true }),
    );
    return Item ? toState(Item) : undefined;
  }

  async recordReceipt(receipt: DeliveryReceipt): Promise<ReceiptRecorded> {
    const sms = await this.sentSms(receipt.provider, receipt.messageId);
    if (!sms) return { result: 'unknown' };
    if (receipt.state === 'pending') return { result: 'pending', sms };
    if (sms.state !== 'sent') return { result: 'duplicate', sms };

    const day = sms.at.slice(0, 10);
    const expiresAt = epoch(Date.parse(sms.at)) + KEEP_SECONDS;
    const parts = receipt.parts ?? sms.parts;
    const errorCode = receipt.state === 'failed' ? (receipt.errorCode ?? 'unknown') : undefined;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: smsKey.sent(sms.provider, sms.messageId),
          UpdateExpression: `SET #state = :state, parts = :parts${errorCode ? ', errorCode = :code' : ''}`,
          ConditionExpression: '#state = :sent',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': receipt.state,
            ':parts': parts,
            ':sent': 'sent',
            ...(errorCode ? { ':code': errorCode } : {}),
          },
        },
      },
      this.add(day, receipt.state, expiresAt),
    ];
    if (errorCode) items.push(this.add(day, `code#${errorCode}`, expiresAt));
    if (receipt.state === 'delivered')
      items.push({
        Put: { TableName: this.table, Item: { ...smsKey.streak(sms.channel), n: 0 } },
      });
    else if (receipt.permanent)
      items.push({
        Update: {
          TableName: this.table,
          Key: smsKey.streak(sms.channel),
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (!cancelled(err)) throw err;
      // Another copy of this receipt (or another final receipt) got there first; if not, the
      // cancellation was a conflict and the caller's retry (the provider's, the queue's) applies it.
      const now = await this.sentSms(sms.provider, sms.messageId);
      if (now && now.state !== 'sent') return { result: 'duplicate', sms: now };
      throw err;
    }
    const now: SmsDeliveryState = {
      ...sms,
      state: receipt.state,
      parts,
      ...(errorCode ? { errorCode } : {}),
    };
    return {
      result: 'recorded',
      sms: now,
      failStreak: await this.consecutiveFailures(sms.channel),
      extraParts: parts - sms.parts,
    };
  }

  async dayCounts(day: string, top = 5): Promise<SmsDayCounts> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': smsKey.day(day, '').pk, ':p': 'smsr#' },
    });
    const counts = { sent: 0, delivered: 0, failed: 0 };
    const codes: Array<{ code: string; count: number }> = [];
    for (const raw of items) {
      const { sk, n } = counter.parse(raw);
      const name = sk.slice('smsr#'.length);
      if (name.startsWith('code#')) codes.push({ code: name.slice('code#'.length), count: n });
      else if (name === 'sent' || name === 'delivered' || name === 'failed') counts[name] = n;
    }
    codes.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
    return { ...counts, topFailures: codes.slice(0, Math.max(0, top)) };
  }

  async consecutiveFailures(channel: Channel): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: smsKey.streak(channel), ConsistentRead: true }),
    );
    return Item ? z.object({ n: z.number() }).parse(Item).n : 0;
  }

  async resetFailures(channel: Channel): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...smsKey.streak(channel), n: 0 } }));
  }
}
