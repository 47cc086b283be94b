import { echoChannels } from '../../domain/echo-channels.ts';
import { type FederationTask, formatRemoteEcho } from '../../domain/federation-task.ts';
import { toJobs } from '../../domain/recipients.ts';
import type { DeliveryJob, Post, Recipient } from '../../domain/types.ts';
import { actorOf, createActivity, deleteActivity } from '../../federation/activities.ts';
import type { FederationStore } from '../../ports/federation.ts';
import type { JobQueue } from '../../ports/queue.ts';
import type { Store } from '../../ports/store.ts';
import { fanoutRelayedNote } from './relay-fanout.ts';

export interface FederationFanoutDeps {
  store: Store;
  queue: JobQueue;
  federation: Pick<FederationStore, 'followersOf' | 'localFollowersOf'>;
}

/** The job that carries out a task (everything but remote notes, which fan out to members). */
export function federationJob(task: FederationTask): DeliveryJob {
  return {
    id: `fed:${task.id}`,
    postId: task.id,
    text: '',
    recipients: [],
    attempt: 0,
    kind: 'federation',
    federation: task,
  };
}

/** The base URL a local post id lives under (`<base>/posts/<id>`). */
function baseOf(postId: string): string {
  return postId.slice(0, postId.lastIndexOf('/posts/'));
}

/**
 * A local post -> one signed delivery per remote server: followers are grouped by shared
 * inbox (their own inbox when the server has none), so 1,000 followers on one Mastodon server
 * cost one POST. Job ids are deterministic (post id + inbox), so a re-run fanout is de-duplicated.
 */
export async function fanoutToRemoteFollowers(deps: FederationFanoutDeps, post: Post): Promise<number> {
  const inboxes = await inboxesOf(deps, post.authorId);
  if (inboxes.size === 0) return 0;
  const actor = actorOf(baseOf(post.id), post.authorNick);
  const activity = JSON.stringify(
    createActivity({ id: post.id, actor, text: post.text, published: post.createdAt, to: 'public' }),
  );
  const jobs = [...inboxes].map((inbox) =>
    federationJob({ type: 'deliver', id: `${post.id}|${inbox}`, inbox, activity, actor, postId: post.id }),
  );
  await deps.queue.enqueue(jobs);
  return jobs.length;
}

/** One inbox per remote server following the member (its shared inbox when it has one). */
async function inboxesOf(deps: FederationFanoutDeps, memberId: string): Promise<Set<string>> {
  const followers = await deps.federation.followersOf(memberId);
  return new Set(followers.map((f) => f.sharedInbox ?? f.inbox));
}

/**
 * A member's DELETE -> a `Delete` of a Tombstone to the same inboxes the Create went to (the
 * member's remote followers, grouped the same way). Job ids are deterministic, as the Create's.
 */
async function fanoutDelete(
  deps: FederationFanoutDeps,
  task: Extract<FederationTask, { type: 'deletePost' }>,
): Promise<number> {
  const inboxes = await inboxesOf(deps, task.memberId);
  if (inboxes.size === 0) return 0;
  const actor = actorOf(baseOf(task.postId), task.nick);
  const activity = JSON.stringify(deleteActivity(task.postId, actor));
  const jobs = [...inboxes].map((inbox) =>
    federationJob({ type: 'deliver', id: `${task.id}|${inbox}`, inbox, activity, actor }),
  );
  await deps.queue.enqueue(jobs);
  return jobs.length;
}

/**
 * A federation task from the stream: a remote note becomes ordinary echo jobs to the members
 * who follow its author (or, direct, to its addressees), read `carol@other.example: text`
 * (direct: `D carol@other.example: text`); anything else becomes one federation job.
 */
export async function fanoutFederationTask(
  deps: FederationFanoutDeps,
  task: FederationTask,
): Promise<number> {
  if (task.type === 'deletePost') return fanoutDelete(deps, task);
  if (task.type !== 'remoteNote') {
    await deps.queue.enqueue([federationJob(task)]);
    return 1;
  }
  if (task.relayed) return fanoutRelayedNote(deps, task);
  const direct = task.memberIds !== undefined;
  const ids = task.memberIds ?? (await deps.federation.localFollowersOf(task.handle));
  const members = await deps.store.membersByIds(ids);
  const recipients: Recipient[] = [];
  for (const id of ids) {
    const m = members.get(id);
    if (m) for (const channel of echoChannels(m)) recipients.push({ memberId: m.id, channel });
  }
  if (recipients.length === 0) return 0;
  const jobs = toJobs(task.noteId, formatRemoteEcho(task.handle, task.text, direct), recipients);
  await deps.queue.enqueue(jobs);
  return jobs.length;
}
