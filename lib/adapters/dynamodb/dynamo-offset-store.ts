import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../domain/zod-messages.ts';
import type { OffsetStore } from '../../ports/update-offset.ts';

const CURSOR_PK = 'CURSOR';
const CursorItem = z.object({ offset: z.int().check(z.nonnegative()) });

/**
 * OffsetStore as one item in the bot's table: `CURSOR / <name>` holding `offset` (a deployed
 * leaf keeps one per upstream, `leaf-cursor#<upstream url>`). No `type`, so the stream's filter
 * never hands it to fanout; read strongly consistent, so a round right after another sees its
 * last write. The file adapter (lib/adapters/file-offset-store.ts) is the same contract locally.
 */
export function dynamoOffsetStore(doc: DynamoDBDocumentClient, table: string, name: string): OffsetStore {
  const Key = { pk: CURSOR_PK, sk: name };
  return {
    async read() {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }));
      if (Item === undefined) return undefined;
      const parsed = CursorItem.safeParse(Item);
      if (!parsed.success)
        throw new Error(`cursor ${name} is not an offset: ${z.prettifyError(parsed.error)}`);
      return parsed.data.offset;
    },
    async write(offset) {
      if (!Number.isInteger(offset) || offset < 0) throw new Error(`not an offset: ${offset}`);
      await doc.send(new PutCommand({ TableName: table, Item: { ...Key, offset } }));
    },
  };
}

/** The name of a deployed leaf's cursor for one upstream. */
export const leafCursorName = (upstream: string) => `leaf-cursor#${upstream}`;
