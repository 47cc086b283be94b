import type { FederationTask } from '../../domain/federation-task.ts';
import {
  actorOf,
  createActivity,
  followActivity,
  keyIdOf,
  undoActivity,
} from '../../federation/activities.ts';
import { signedFetch } from '../../federation/double-knock.ts';
import type { InfoLog } from '../../ports/logger.ts';
import { type FederationNet, RemoteError, resolveHandle } from './remote-actors.ts';

/**
 * Dead hosts. A delivery that fails (network error, 5xx, 429) is retried by the queue: 30 s,
 * 1, 2, 4, 8, 15, 15 min (8 receives, then the DLQ, ~45 min in all). Each failure also counts
 * against the host; a host with `afterFailures` failures in a row spanning at least `afterMs`
 * is declared dead, and deliveries to it are skipped (logged, not retried) until it is
 * revived: by any verified request from it reaching our inbox, or by a successful explicit
 * FOLLOW / direct message of one of our members. One success resets the count.
 */
export interface DeadHostPolicy {
  afterFailures: number;
  afterMs: number;
}

export const DEFAULT_DEAD_HOST: DeadHostPolicy = { afterFailures: 20, afterMs: 24 * 3600 * 1000 };

export interface TaskRunnerDeps extends FederationNet {
  now: () => Date;
  log: InfoLog;
  deadHost?: DeadHostPolicy;
}

export type TaskOutcome = 'sent' | 'skipped-dead-host' | 'refused';

async function post(
  deps: TaskRunnerDeps,
  inbox: string,
  activity: string,
  actor: string,
  always: boolean,
): Promise<TaskOutcome> {
  const host = new URL(inbox).host;
  const health = await deps.store.hostHealth(host);
  if (health.deadSince && !always) {
    deps.log('delivery skipped: dead host', { host, inbox, deadSince: health.deadSince });
    return 'skipped-dead-host';
  }
  let status: number;
  try {
    // Double-knocked: draft-cavage first, RFC 9421 on a 400/401 (lib/federation/double-knock.ts).
    status = (
      await signedFetch(
        {
          fetch: deps.fetch,
          keyId: keyIdOf(actor),
          privateKeyPem: deps.keys.privateKeyPem,
          now: deps.now,
          ...(deps.schemes ? { memory: deps.schemes } : {}),
        },
        inbox,
        { method: 'POST', body: activity, headers: { 'content-type': 'application/activity+json' } },
      )
    ).status;
  } catch (err) {
    await failed(deps, host, `${inbox}: ${String(err)}`);
    throw err;
  }
  if (status >= 200 && status < 300) {
    if (health.failures > 0 || health.deadSince) await deps.store.reviveHost(host);
    return 'sent';
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    // Refused for good (bad signature, gone, forbidden): retrying would not help.
    deps.log('delivery refused', { inbox, status });
    return 'refused';
  }
  await failed(deps, host, `${inbox}: HTTP ${status}`);
  throw new RemoteError(`${inbox}: HTTP ${status}`, false);
}

async function failed(deps: TaskRunnerDeps, host: string, reason: string): Promise<void> {
  const policy = deps.deadHost ?? DEFAULT_DEAD_HOST;
  const now = deps.now();
  const health = await deps.store.recordHostFailure(host, now);
  const since = health.firstFailureAt ? now.getTime() - Date.parse(health.firstFailureAt) : 0;
  if (!health.deadSince && health.failures >= policy.afterFailures && since >= policy.afterMs) {
    await deps.store.markHostDead(host, now);
    deps.log('host declared dead', { host, failures: health.failures, reason });
  }
}

/**
 * Carries out one federation task (the deliver function calls this for `federation` jobs).
 * Throws to have the queue retry; a permanent refusal resolves with `refused` and is logged.
 */
export async function runFederationTask(deps: TaskRunnerDeps, task: FederationTask): Promise<TaskOutcome> {
  try {
    switch (task.type) {
      case 'deliver':
        return await post(deps, task.inbox, task.activity, task.actor, false);
      case 'follow':
      case 'unfollow': {
        const me = actorOf(deps.baseUrl, task.nick);
        const them =
          task.type === 'unfollow'
            ? ((await deps.store.actorByHandle(task.handle)) ?? (await resolveHandle(deps, task.handle)))
            : await resolveHandle(deps, task.handle);
        const follow = followActivity(`${me}#follows/${task.id}`, me, them.id);
        const activity =
          task.type === 'follow'
            ? follow
            : undoActivity(`${me}#undo/${task.id}`, me, { ...follow, '@context': undefined });
        return await post(deps, them.inbox, JSON.stringify(activity), me, true);
      }
      case 'direct': {
        const me = actorOf(deps.baseUrl, task.nick);
        const them =
          (await deps.store.actorByHandle(task.handle)) ?? (await resolveHandle(deps, task.handle));
        const activity = createActivity({
          id: task.noteId,
          actor: me,
          text: task.text,
          published: deps.now().toISOString(),
          to: [them.id],
        });
        return await post(deps, them.inbox, JSON.stringify(activity), me, true);
      }
      case 'remoteNote':
      case 'relayAnnounce':
      case 'deletePost':
        throw new RemoteError(`${task.type} tasks are fanned out, not delivered`, true);
    }
  } catch (err) {
    if (err instanceof RemoteError && err.permanent) {
      deps.log('federation task refused', { taskId: task.id, type: task.type, reason: err.message });
      return 'refused';
    }
    throw err;
  }
}
