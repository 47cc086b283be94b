import type { TimelineEntry } from '../../domain/timeline.ts';
import type { PostMutation } from '../../ports/store.ts';
import { ITEM_TYPE } from './item-types.ts';
import { key, TIMELINE_PK, type TransactItem } from './schema.ts';

/** The sort key of a post's two timeline index items. */
export const timelineSk = (entry: Pick<TimelineEntry, 'createdAt' | 'id'>) =>
  `${entry.createdAt}#${entry.id}`;

/** The three items that hold a timeline entry: the whole timeline, its author's list, the id lookup. */
export function timelineKeys(entry: TimelineEntry): Record<string, string>[] {
  const sk = timelineSk(entry);
  return [{ pk: TIMELINE_PK, sk }, key.authorPosts(entry.authorKey, sk), key.timelineRef(entry.id)];
}

/**
 * Items for deleting or editing a post, for DynamoStore.commit and the inbox's applyInbound. A
 * delete is idempotent (the tombstone is a plain Put, removals of missing items succeed); an edit
 * only touches index items that exist (a concurrent delete wins).
 */
export function postItems(TableName: string, m: PostMutation, add: (item: TransactItem) => void): void {
  if (m.kind === 'deletePost') {
    // type=gone (and the nick, for a local post) so the stream tells peers of a member's delete.
    const nick = m.entry?.local ? { nick: m.entry.author } : {};
    add({ Put: { TableName, Item: { ...key.gone(m.postId), type: ITEM_TYPE.gone, at: m.at, ...nick } } });
    add({ Delete: { TableName, Key: key.post(m.postId) } });
    if (m.entry) for (const Key of timelineKeys(m.entry)) add({ Delete: { TableName, Key } });
    return;
  }
  for (const Key of timelineKeys(m.entry))
    add({
      Update: {
        TableName,
        Key,
        UpdateExpression: 'SET #text = :text',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#text': 'text' },
        ExpressionAttributeValues: { ':text': m.text },
      },
    });
}
