import type { FederationTask } from '../../domain/federation-task.ts';
import type { BotKeyPair } from '../../federation/bot-keys.ts';
import { createSafeFetch, type SafeFetch } from '../../federation/safe-fetch.ts';
import type { FederationStore } from '../../ports/federation.ts';
import type { InfoLog } from '../../ports/logger.ts';
import { type DeadHostPolicy, runFederationTask, type TaskOutcome } from './run-task.ts';

export interface FederationRuntimeOptions {
  /** This bot's public base URL (deliveries and tasks need it outside any request). */
  baseUrl: string;
  keys: BotKeyPair;
  store: FederationStore;
  allowPrivate: boolean;
  now: () => Date;
  log: InfoLog;
  deadHost?: DeadHostPolicy;
  fetch?: SafeFetch;
}

/** The deliver function's side of federation: runs tasks with the guarded, signing fetch. */
export function federationRunner(o: FederationRuntimeOptions): {
  run(task: FederationTask): Promise<TaskOutcome>;
} {
  const fetch = o.fetch ?? createSafeFetch({ allowPrivate: o.allowPrivate });
  return {
    run: (task) =>
      runFederationTask(
        {
          baseUrl: o.baseUrl.replace(/\/$/, ''),
          keys: o.keys,
          fetch,
          store: o.store,
          allowPrivate: o.allowPrivate,
          now: o.now,
          log: o.log,
          ...(o.deadHost ? { deadHost: o.deadHost } : {}),
        },
        task,
      ),
  };
}
