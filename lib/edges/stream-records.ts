import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { ITEM_TYPE } from '../adapters/dynamodb/item-types.ts';
import { parseChannel } from '../domain/channel.ts';
import type { FederationTask } from '../domain/federation-task.ts';
import type { Post } from '../domain/types.ts';
import '../domain/zod-messages.ts';
import type { OutboundRecord } from '../ports/store.ts';
import { FederationTaskSchema } from './job-message.ts';

const s = z.object({ S: z.string() });

/** The NewImage of a post item as DynamoDB Streams delivers it (attribute-value JSON). */
const postImage = z.object({
  type: z.object({ S: z.literal(ITEM_TYPE.post) }),
  id: s,
  authorId: s,
  authorNick: s,
  text: s,
  createdAt: s,
});

/** A new-post stream record -> the post; anything else is not ours (the event filter should have dropped it). */
export function postFromStreamRecord(record: DynamoDBRecord): Post | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = postImage.safeParse(record.dynamodb?.NewImage);
  if (!image.success) {
    if (record.dynamodb?.NewImage?.type?.S === ITEM_TYPE.post)
      throw new Error(`malformed post item: ${image.error.message}`);
    return undefined;
  }
  const { id, authorId, authorNick, text, createdAt } = image.data;
  return { id: id.S, authorId: authorId.S, authorNick: authorNick.S, text: text.S, createdAt: createdAt.S };
}

/** The NewImage of a durable outbound message (`OUTMSG#...`, type=reply). */
const outboundImage = z.object({
  type: z.object({ S: z.literal(ITEM_TYPE.reply) }),
  id: s,
  channel: s,
  text: s,
  memberId: z.optional(s),
});

/** A new outbound-message stream record -> the message; anything else is undefined. */
export function outboundFromStreamRecord(record: DynamoDBRecord): OutboundRecord | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  if (record.dynamodb?.NewImage?.type?.S !== ITEM_TYPE.reply) return undefined;
  const image = outboundImage.safeParse(record.dynamodb?.NewImage);
  if (!image.success) throw new Error(`malformed outbound item: ${image.error.message}`);
  const { id, channel, text, memberId } = image.data;
  return {
    id: id.S,
    channel: parseChannel(channel.S),
    text: text.S,
    ...(memberId ? { memberId: memberId.S } : {}),
  };
}

/** A new federation task item (`FEDTASK#...`, type=fedtask): the task, validated. */
export function federationTaskFromStreamRecord(record: DynamoDBRecord): FederationTask | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage;
  if (image?.type?.S !== ITEM_TYPE.fedtask) return undefined;
  const raw = image.task?.S;
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '');
  } catch {
    throw new Error('malformed federation task item: not JSON');
  }
  const task: FederationTask = FederationTaskSchema.parse(value);
  return task;
}
