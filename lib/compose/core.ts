import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFederationStore } from '../adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoRelayStore } from '../adapters/dynamodb/dynamo-relay-store.ts';
import { DynamoSmsReceipts } from '../adapters/dynamodb/dynamo-sms-receipts.ts';
import { DynamoSmsSafety } from '../adapters/dynamodb/dynamo-sms-safety.ts';
import { DynamoStore } from '../adapters/dynamodb/dynamo-store.ts';
import type { SafetyConfig } from '../adapters/safety-env.ts';
import { newId } from '../domain/ids.ts';
import type { Channel } from '../domain/types.ts';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { createSafeFetch, type SafeFetch } from '../federation/safe-fetch.ts';
import type { Clock } from '../ports/clock.ts';
import type { InfoLog, Log } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { TimelineWriter } from '../ports/timeline.ts';
import { type JoinOutcome, joinRelays } from '../usecases/federation/relay-join.ts';
import type { IngestDeps } from '../usecases/ingest-deps.ts';
import type { Peering, PeerOptions } from './peering.ts';
import type { SmsSettings } from './sms-env.ts';

/*
 * The small builders every composition shares. Each Lambda function has its own composition
 * (lib/compose/http.ts, fanout.ts, deliver.ts) that builds only the stores it uses, so its bundle
 * holds only those; lib/compose/bot.ts builds them all (the local node, the smaller functions).
 */

/** What a bot is, whatever runs it: read from the environment (functions/) or the local node's options. */
export interface EchobotConfig {
  table: string;
  /** Public base URL providers call (`PUBLIC_URL`); undefined = the host a request came to. */
  publicUrl?: string;
  /** Base URL federation tasks sign and deliver as, outside any request (`ECHOBOT_BASE_URL`). */
  federationBaseUrl?: string;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: federation and IM callbacks may reach loopback/private addresses. */
  allowPrivate: boolean;
  /** `ECHOBOT_AUTHORIZED_FETCH=1`: actor, collection and post JSON answer signed GETs only. */
  authorizedFetch?: boolean;
  /** `ECHOBOT_ADMINS`. */
  admins: readonly Channel[];
  safety: SafetyConfig;
  /** `ECHOBOT_SMS_PROVIDER` and its settings (lib/compose/sms-env.ts); absent = the outbox. */
  sms?: SmsSettings;
  /** The peer network; undefined = none (needs the bot's URL, `peering.url`). */
  peering?: PeerOptions & { url: string };
  /**
   * `ECHOBOT_AP_RELAYS` (context `apRelays`): relay actor (or inbox) URLs this bot subscribes to
   * at start-up. Our own relay is offered by super-peers (`peering.relay`, `ECHOBOT_RELAY=1`).
   */
  apRelays?: readonly string[];
  /**
   * SMS this process may send per second: the number's rate (`ECHOBOT_SMS_PER_SECOND`) shared
   * among `ECHOBOT_DELIVER_CONCURRENCY` invocations; undefined = not paced.
   */
  smsPerSecond?: number;
}

/** What the runtime hands in, each built once per process. */
export interface Platform {
  doc: DynamoDBDocumentClient;
  /** The bot's key pair, read once (SSM deployed, a file locally); undefined = the bot does not federate. */
  botKey?: BotKeyPair;
  log: Log;
  now: Clock;
  metrics?: Metrics;
}

/** What every function has: its config and platform, the info log, the members' store. */
export function composeBase(config: EchobotConfig, platform: Platform) {
  const { log, doc } = platform;
  const info: InfoLog = (event, fields) => log('info', event, fields);
  return { config, platform, info, store: new DynamoStore(doc, config.table) };
}

export type Base = ReturnType<typeof composeBase>;

/** ActivityPub's stores and whether this bot offers its own relay, and where from. */
export function composeFederationParts({ config, platform }: Base) {
  const { doc } = platform;
  return {
    federation: new DynamoFederationStore(doc, config.table),
    relays: new DynamoRelayStore(doc, config.table),
    relayOffered: config.peering?.relay ?? false,
    // Where our relay announces from, outside any request (the fanout function has no request).
    relayBase: config.federationBaseUrl ?? config.publicUrl ?? config.peering?.url,
  };
}

export type FederationParts = ReturnType<typeof composeFederationParts>;

/** One guarded fetch for inbox look-ups and outbound deliveries (http and deliver; fanout sends nothing). */
export const guardedFetch = ({ config }: Base) => createSafeFetch({ allowPrivate: config.allowPrivate });

/** The SMS provider's stores: the daily budget and digests, and the delivery receipts. */
export function composeSmsStores({ config, platform }: Base) {
  return {
    smsSafety: new DynamoSmsSafety(platform.doc, config.table),
    smsReceipts: new DynamoSmsReceipts(platform.doc, config.table),
  };
}

export type SmsStores = ReturnType<typeof composeSmsStores>;

/**
 * The peer network when it is configured (`config.peering`), else undefined. Its code is a
 * separate chunk, read only by a bot that peers: `await import` rather than a static import.
 */
export async function composePeeringOf(base: Base, timeline?: TimelineWriter): Promise<Peering | undefined> {
  const { config, platform, store } = base;
  if (!config.peering) return undefined;
  const { composePeering } = await import('./peering.ts');
  return composePeering({
    url: config.peering.url,
    options: config.peering,
    key: peeringKey(platform.botKey),
    doc: platform.doc,
    table: config.table,
    store,
    ...(timeline ? { timeline } : {}),
    now: platform.now,
    log: platform.log,
  });
}

/** The peer network signs with the bot key; without one its sends fail (and retry) naming why. */
export function peeringKey(key: BotKeyPair | undefined): () => Promise<BotKeyPair> {
  return async () => {
    if (!key) throw new Error('the bot key is not loaded');
    return key;
  };
}

/** Subscribes to the configured relays not yet joined (once per start; failures are logged, tried next start). */
export function relayJoiner(
  base: Base,
  fed: FederationParts & { fetch: SafeFetch },
): () => Promise<Record<string, JoinOutcome>> {
  const { config, platform, info } = base;
  return async () => {
    const urls = config.apRelays ?? [];
    const key = platform.botKey;
    if (urls.length === 0 || !key || !fed.relayBase) return {};
    return joinRelays(
      {
        net: {
          baseUrl: fed.relayBase.replace(/\/$/, ''),
          keys: key,
          fetch: fed.fetch,
          store: fed.federation,
          allowPrivate: config.allowPrivate,
        },
        relays: fed.relays,
        now: platform.now,
        newId,
        log: info,
      },
      urls,
    );
  };
}

/** What ingestDepsOf reads: the http function's core and the whole bot's both have it. */
export type IngestCore = Base &
  Pick<FederationParts, 'federation' | 'relays' | 'relayOffered'> & { peering?: Peering | undefined };

/** What ingest needs, the same whichever way a message arrives (webhooks, AWS two-way SMS). */
export function ingestDepsOf(core: IngestCore): Omit<IngestDeps, 'baseUrl'> {
  const { config, store, peering } = core;
  const { postRateLimit, smsDailyBudget } = config.safety;
  return {
    store,
    now: core.platform.now,
    newId,
    admins: config.admins,
    ...(postRateLimit !== undefined ? { postRateLimit } : {}),
    ...(smsDailyBudget !== undefined ? { smsDailyBudget } : {}),
    ...(core.platform.botKey ? { federation: core.federation } : {}),
    ...(core.platform.botKey ? { relay: { store: core.relays, offered: core.relayOffered } } : {}),
    ...(peering ? { peers: peering.commands } : {}),
  };
}
