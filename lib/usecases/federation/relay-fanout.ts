/**
 * Relays (FEP-ae0c) in the fanout function. Out: a public post (a member's, or one relayed to us
 * by a peer) is announced to every server subscribed to our relay, once each, never to the
 * server it came from. In: a post that reached us through a relay we joined goes to the members
 * who follow its author and to TRACK matches, never to everyone.
 */
import { type FederationTask, formatRemoteEcho } from '../../domain/federation-task.ts';
import { postWords } from '../../domain/member-commands.ts';
import { echoRecipients, noRules, toJobs } from '../../domain/recipients.ts';
import { relayTargets } from '../../domain/relay.ts';
import type { DeliveryJob, Recipient } from '../../domain/types.ts';
import { botActorOf } from '../../federation/activities.ts';
import { relayAnnounceActivity } from '../../federation/relay-activities.ts';
import type { FederationStore } from '../../ports/federation.ts';
import type { JobQueue } from '../../ports/queue.ts';
import type { RelayStore } from '../../ports/relay-store.ts';
import type { Store } from '../../ports/store.ts';

/** A `deliver` task as its job (the shape of fanout-federation.ts's federationJob, which imports this module). */
function deliverJob(task: Extract<FederationTask, { type: 'deliver' }>): DeliveryJob {
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

export interface RelayForwardDeps {
  relay: Pick<RelayStore, 'subscribers'>;
  queue: JobQueue;
  /** This bot's public base URL: the Announce is by `<base>/actor`. */
  baseUrl: string;
}

/**
 * Announces `postId` to each relay subscriber's (shared) inbox. Job ids are the post id and the
 * inbox, so a re-run fanout (or the same post handed over twice) is de-duplicated by the deliver
 * function. `from`: the base URL or host of the peer that handed the post to us, if any.
 */
export async function announceToSubscribers(
  deps: RelayForwardDeps,
  post: { id: string; createdAt: string; from?: string },
): Promise<number> {
  const subscribers = await deps.relay.subscribers();
  if (subscribers.length === 0) return 0;
  const origins = [new URL(post.id).host];
  if (post.from) origins.push(URL.canParse(post.from) ? new URL(post.from).host : post.from);
  const base = deps.baseUrl.replace(/\/$/, '');
  const actor = botActorOf(base);
  const activity = JSON.stringify(relayAnnounceActivity(base, post.id, post.createdAt));
  const jobs = relayTargets(subscribers, origins).map((inbox) =>
    deliverJob({ type: 'deliver', id: `relay:${post.id}|${inbox}`, inbox, activity, actor }),
  );
  if (jobs.length > 0) await deps.queue.enqueue(jobs);
  return jobs.length;
}

export interface RelayedNoteDeps {
  store: Store;
  queue: JobQueue;
  federation: Pick<FederationStore, 'localFollowersOf'>;
}

/**
 * A post from a relay we joined: the members who follow its author or track one of its words
 * (follow-mode rules whatever the bot's mode: a relay carries strangers' posts). Reads the
 * members a page at a time, as a local post's fanout does.
 */
export async function fanoutRelayedNote(
  deps: RelayedNoteDeps,
  task: Extract<FederationTask, { type: 'remoteNote' }>,
): Promise<number> {
  const [followers, relations] = await Promise.all([
    deps.federation.localFollowersOf(task.handle),
    deps.store.relationsOf(task.handle),
  ]);
  const rules = {
    ...noRules('follow'),
    followers: new Set(followers),
    paused: relations.off,
    blockedBy: relations.block,
    words: postWords(task.text),
  };
  const recipients: Recipient[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listMembers(cursor);
    recipients.push(...echoRecipients(task.handle, page.members, rules));
    cursor = page.cursor;
  } while (cursor);
  if (recipients.length === 0) return 0;
  const jobs = toJobs(task.noteId, formatRemoteEcho(task.handle, task.text, false), recipients);
  await deps.queue.enqueue(jobs);
  return jobs.length;
}
