import { DynamoFederationStore } from '../adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoJobClaims } from '../adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoStats } from '../adapters/dynamodb/dynamo-stats.ts';
import { createDeliverHandler } from '../drivers/deliver-queue.ts';
import type { SafeFetch } from '../federation/safe-fetch.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Senders } from '../ports/sender.ts';
import type { SmsDeliverDeps } from '../usecases/deliver-sms.ts';
import type { DeadHostPolicy } from '../usecases/federation/run-task.ts';
import { federationRunner } from '../usecases/federation/runtime.ts';
import type { RetryDelay } from '../usecases/retry-delay.ts';
import { SendPacer } from '../usecases/send-pacer.ts';
import type { SmsGate } from '../usecases/sms-gate.ts';
import {
  type Base,
  composeBase,
  composePeeringOf,
  composeSmsStores,
  type EchobotConfig,
  guardedFetch,
  type Platform,
  type SmsStores,
} from './core.ts';
import type { Peering } from './peering.ts';

/** The longest an SMS waits for its slot; later ones are re-enqueued (deliver's timeout is 60 s). */
const SMS_MAX_WAIT_MS = 20_000;

/**
 * The deliver function's stores: members, job claims (a job runs once), echo counts, the SMS
 * budget and receipts, federation tasks, the peer network's senders. No timeline, no relays.
 */
export async function composeDeliverCore(config: EchobotConfig, platform: Platform) {
  const base = composeBase(config, platform);
  const { doc } = platform;
  return {
    ...base,
    ...composeSmsStores(base),
    federation: new DynamoFederationStore(doc, config.table),
    fetch: guardedFetch(base),
    jobClaims: new DynamoJobClaims(doc, config.table),
    stats: new DynamoStats(doc, config.table),
    peering: await composePeeringOf(base),
  };
}

/** What the deliver handler reads (the whole bot's core has it too). */
export type DeliverCore = Base &
  SmsStores & {
    federation: DynamoFederationStore;
    fetch: SafeFetch;
    jobClaims: DynamoJobClaims;
    stats: DynamoStats;
    peering?: Peering | undefined;
  };

/** The deliver function's queue handler. */
export function composeDeliver(
  core: DeliverCore,
  input: {
    queue: JobQueue;
    senders: Senders;
    smsGate: SmsGate;
    retryDelay?: RetryDelay;
    deadHost?: DeadHostPolicy;
    /** The SMS provider (lib/compose/sms-runtime.ts); absent = `senders.sms` (outbox, or a refusal). */
    sms?: SmsDeliverDeps;
  },
) {
  const { config, peering } = core;
  const { botKey, metrics, now } = core.platform;
  const baseUrl = config.federationBaseUrl;
  return createDeliverHandler({
    store: core.store,
    queue: input.queue,
    senders: input.senders,
    claims: core.jobClaims,
    log: core.info,
    echoCounter: core.stats,
    smsGate: input.smsGate,
    ...(input.sms ? { sms: input.sms } : {}),
    ...(config.smsPerSecond ? { smsPacer: new SendPacer(config.smsPerSecond, SMS_MAX_WAIT_MS) } : {}),
    ...(metrics ? { metrics } : {}),
    ...(input.retryDelay ? { retryDelay: input.retryDelay } : {}),
    // Without the key (or the base URL) federation jobs fail and retry until the operator sets it.
    ...(botKey && baseUrl
      ? {
          federation: federationRunner({
            baseUrl,
            keys: botKey,
            store: core.federation,
            allowPrivate: config.allowPrivate,
            fetch: core.fetch,
            now,
            log: core.info,
            ...(input.deadHost ? { deadHost: input.deadHost } : {}),
          }),
        }
      : {}),
    ...(peering ? { peers: peering.deliver } : {}),
  });
}
