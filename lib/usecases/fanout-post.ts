import { formatEcho } from '../domain/format.ts';
import { postWords } from '../domain/member-commands.ts';
import { type EchoRules, echoRecipients, RECIPIENTS_PER_JOB, toJobs } from '../domain/recipients.ts';
import type { Post, Recipient } from '../domain/types.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Store } from '../ports/store.ts';

export interface FanoutDeps {
  store: Store;
  queue: JobQueue;
  /**
   * The store's delivery epoch, read once per stream batch by the driver (absent: read per post).
   * It must be read before the member pages, so the pages show every change up to it.
   */
  deliveryEpoch?: () => Promise<number>;
}

/** Jobs go out ten at a time, each SendMessageBatch full: 1,000 recipients per SQS call. */
const FLUSH_AT = RECIPIENTS_PER_JOB * 10;

/**
 * Turns one post into delivery jobs: reads the rules once (mode, unfollows, follows, pauses,
 * blocks), resolves recipients page by page (OFF and TRACK live on the member items), and enqueues
 * many recipients per job. Sends nothing itself. Safe to re-run: job ids are deterministic
 * and the deliver side de-duplicates them.
 */
export async function fanoutPost(
  deps: FanoutDeps,
  post: Post,
): Promise<{ recipients: number; jobs: number }> {
  const [mode, muted, relations, epoch] = await Promise.all([
    deps.store.botMode(),
    deps.store.mutedBy(post.authorId),
    deps.store.relationsOf(post.authorId),
    deps.deliveryEpoch ? deps.deliveryEpoch() : deps.store.deliveryEpoch(),
  ]);
  const rules: EchoRules = {
    mode,
    muted,
    followers: relations.follow,
    paused: relations.off,
    blockedBy: relations.block,
    words: postWords(post.text),
  };
  const text = formatEcho(post.authorNick, post.text);
  let buffer: Recipient[] = [];
  let chunk = 0;
  let recipients = 0;
  const flush = async (all: boolean) => {
    const take = all ? buffer.length : Math.floor(buffer.length / FLUSH_AT) * FLUSH_AT;
    if (take === 0) return;
    const jobs = toJobs(post.id, text, buffer.slice(0, take), chunk, epoch);
    await deps.queue.enqueue(jobs);
    chunk += jobs.length;
    buffer = buffer.slice(take);
  };
  let cursor: string | undefined;
  do {
    const page = await deps.store.listMembers(cursor);
    const found = echoRecipients(post.authorId, page.members, rules);
    recipients += found.length;
    buffer.push(...found);
    await flush(false);
    cursor = page.cursor;
  } while (cursor);
  await flush(true);
  return { recipients, jobs: chunk };
}
