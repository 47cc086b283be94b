import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Consistent reads of up to 100 keys of one table in one BatchGetItem, retrying the unprocessed
 * keys DynamoDB may hand back (under throttling) with a short backoff.
 */
export async function batchGetConsistent(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  if (keys.length > 100) throw new Error(`BatchGetItem takes at most 100 keys, not ${keys.length}`);
  const items: Record<string, unknown>[] = [];
  let pending = [...keys];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    const out = await doc.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(out.Responses?.[table] ?? []));
    pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}
