import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import type { Post } from '../domain/types.ts';

const s = z.object({ S: z.string() });

/** The NewImage of a post item as DynamoDB Streams delivers it (attribute-value JSON). */
const postImage = z.object({
  type: z.object({ S: z.literal('post') }),
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
    if (record.dynamodb?.NewImage?.type?.S === 'post')
      throw new Error(`malformed post item: ${image.error.message}`);
    return undefined;
  }
  const { id, authorId, authorNick, text, createdAt } = image.data;
  return { id: id.S, authorId: authorId.S, authorNick: authorNick.S, text: text.S, createdAt: createdAt.S };
}
