import type { Mutation } from '../../ports/store.ts';
import { expiresAfter, ITEM_TYPE, key, type TransactItem } from './schema.ts';

/** The mutations of channels, codes and durable replies (kept apart from the echo pipeline's own). */
export type ChannelMutation = Extract<
  Mutation,
  {
    kind:
      | 'putOutbound'
      | 'setCallback'
      | 'addChannel'
      | 'removeChannel'
      | 'putEmailCode'
      | 'deleteEmailCode'
      | 'putLinkCode'
      | 'deleteLinkCode';
  }
>;

/** Codes are swept by TTL an hour after they stop working; reads check `expiresAtIso` themselves. */
const ttlOf = (iso: string) => expiresAfter(Date.parse(iso), 3600);

export function channelItems(
  TableName: string,
  m: ChannelMutation,
  add: (item: TransactItem, guard?: 'channel-taken') => void,
  /** The inbound record's expiry: an outbound message lives exactly as long as its de-duplication. */
  expiresAt: number,
): void {
  switch (m.kind) {
    case 'putOutbound': {
      const { id, channel, text, memberId } = m.outbound;
      add({
        Put: {
          TableName,
          Item: {
            ...key.outbound(id),
            type: ITEM_TYPE.reply,
            id,
            channel,
            text,
            ...(memberId ? { memberId } : {}),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      return;
    }
    case 'setCallback':
      add({ Put: { TableName, Item: { ...key.callback(m.channel), url: m.url } } });
      return;
    case 'addChannel':
      add(
        {
          Update: {
            TableName,
            Key: key.channel(m.channel),
            UpdateExpression: 'SET memberId = :id, optedOut = if_not_exists(optedOut, :f)',
            ConditionExpression: 'attribute_not_exists(memberId)',
            ExpressionAttributeValues: { ':id': m.memberId, ':f': false },
          },
        },
        'channel-taken',
      );
      add({
        Update: {
          TableName,
          Key: key.member(m.memberId),
          UpdateExpression: `SET channels = list_append(channels, :c)${m.optedOut ? ' ADD optedOut :s' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':c': [m.channel],
            ...(m.optedOut ? { ':s': new Set([m.channel]) } : {}),
          },
        },
      });
      return;
    case 'removeChannel': {
      const i = Math.trunc(m.index);
      add({
        Update: {
          TableName,
          Key: key.member(m.memberId),
          UpdateExpression: `REMOVE channels[${i}] DELETE optedOut :s`,
          ConditionExpression: `channels[${i}] = :c`,
          ExpressionAttributeValues: { ':c': m.channel, ':s': new Set([m.channel]) },
        },
      });
      add({
        Update: {
          TableName,
          Key: key.channel(m.channel),
          UpdateExpression: 'REMOVE memberId',
          ConditionExpression: 'memberId = :id',
          ExpressionAttributeValues: { ':id': m.memberId },
        },
      });
      return;
    }
    case 'putEmailCode': {
      const { expiresAt: iso, ...rest } = m.pending;
      add({
        Put: {
          TableName,
          Item: { ...key.emailCode(rest.memberId), ...rest, expiresAtIso: iso, expiresAt: ttlOf(iso) },
        },
      });
      return;
    }
    case 'deleteEmailCode':
      add({ Delete: { TableName, Key: key.emailCode(m.memberId) } });
      return;
    case 'putLinkCode': {
      const { expiresAt: iso, ...rest } = m.link;
      add({
        Put: {
          TableName,
          Item: { ...key.linkCode(rest.code), ...rest, expiresAtIso: iso, expiresAt: ttlOf(iso) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      return;
    }
    case 'deleteLinkCode':
      add({
        Delete: { TableName, Key: key.linkCode(m.code), ConditionExpression: 'attribute_exists(pk)' },
      });
      return;
  }
}
