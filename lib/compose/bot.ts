import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFederationStore } from '../adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoJobClaims } from '../adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoRelayStore } from '../adapters/dynamodb/dynamo-relay-store.ts';
import { DynamoSmsReceipts } from '../adapters/dynamodb/dynamo-sms-receipts.ts';
import { DynamoSmsSafety } from '../adapters/dynamodb/dynamo-sms-safety.ts';
import { DynamoStats } from '../adapters/dynamodb/dynamo-stats.ts';
import { DynamoStore } from '../adapters/dynamodb/dynamo-store.ts';
import { DynamoTimeline } from '../adapters/dynamodb/dynamo-timeline.ts';
import type { SafetyConfig } from '../adapters/safety-env.ts';
import { newId } from '../domain/ids.ts';
import type { Channel } from '../domain/types.ts';
import { createDeliverHandler } from '../drivers/deliver-queue.ts';
import { createFanoutHandler } from '../drivers/fanout-stream.ts';
import { createHttpApp } from '../drivers/http-app.ts';
import type { Route } from '../edges/http-router.ts';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { createSafeFetch } from '../federation/safe-fetch.ts';
import type { Clock } from '../ports/clock.ts';
import type { InfoLog, Log } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import { noPeers } from '../ports/peers.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { QueueDepth } from '../ports/queue-depth.ts';
import type { Senders } from '../ports/sender.ts';
import type { SmsDeliverDeps } from '../usecases/deliver-sms.ts';
import { joinRelays } from '../usecases/federation/relay-join.ts';
import type { DeadHostPolicy } from '../usecases/federation/run-task.ts';
import { federationRunner } from '../usecases/federation/runtime.ts';
import type { IngestDeps } from '../usecases/ingest-deps.ts';
import type { RetryDelay } from '../usecases/retry-delay.ts';
import { SendPacer } from '../usecases/send-pacer.ts';
import type { SmsGate } from '../usecases/sms-gate.ts';
import type { SmsReceiptDeps } from '../usecases/sms-receipts.ts';
import { composePeering, type PeerOptions } from './peering.ts';
import type { SmsSettings } from './sms-env.ts';

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

/** The longest an SMS waits for its slot; later ones are re-enqueued (deliver's timeout is 60 s). */
const SMS_MAX_WAIT_MS = 20_000;

/** What the runtime hands in, each built once per process. */
export interface Platform {
  doc: DynamoDBDocumentClient;
  /** The bot's key pair, read once (SSM deployed, a file locally); undefined = the bot does not federate. */
  botKey?: BotKeyPair;
  log: Log;
  now: Clock;
  metrics?: Metrics;
}

/** The table's adapters and the peer network, built once and shared by every handler of a process. */
export function composeCore(config: EchobotConfig, platform: Platform) {
  const { doc, log, now, botKey } = platform;
  const { table } = config;
  const info: InfoLog = (event, fields) => log('info', event, fields);
  const store = new DynamoStore(doc, table);
  const timeline = new DynamoTimeline(doc, table);
  const key = botKey;
  const peering = config.peering
    ? composePeering({
        url: config.peering.url,
        options: config.peering,
        key: async () => {
          if (!key) throw new Error('the bot key is not loaded');
          return key;
        },
        doc,
        table,
        store,
        timeline,
        now,
        log,
      })
    : undefined;
  const relays = new DynamoRelayStore(doc, table);
  const fetch = createSafeFetch({ allowPrivate: config.allowPrivate });
  // Where our relay announces from, outside any request (the fanout function has no request).
  const relayBase = config.federationBaseUrl ?? config.publicUrl ?? config.peering?.url;
  const federation = new DynamoFederationStore(doc, table);
  return {
    config,
    platform,
    info,
    store,
    timeline,
    relays,
    relayOffered: config.peering?.relay ?? false,
    relayBase,
    /** Subscribes to the configured relays not yet joined (once per start; failures are logged, tried next start). */
    joinRelays: async () => {
      const urls = config.apRelays ?? [];
      if (urls.length === 0 || !key || !relayBase) return {};
      return joinRelays(
        {
          net: {
            baseUrl: relayBase.replace(/\/$/, ''),
            keys: key,
            fetch,
            store: federation,
            allowPrivate: config.allowPrivate,
          },
          relays,
          now,
          newId,
          log: info,
        },
        urls,
      );
    },
    stats: new DynamoStats(doc, table),
    federation,
    smsSafety: new DynamoSmsSafety(doc, table),
    smsReceipts: new DynamoSmsReceipts(doc, table),
    jobClaims: new DynamoJobClaims(doc, table),
    // One guarded fetch for inbox look-ups and outbound deliveries.
    fetch,
    peering,
  };
}

export type Core = ReturnType<typeof composeCore>;

/** What ingest needs, the same whichever way a message arrives (webhooks, AWS two-way SMS). */
export function ingestDepsOf(core: Core): Omit<IngestDeps, 'baseUrl'> {
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

/** The http function's app (and the local node's): every route, from the core and the secrets. */
export function composeHttpApp(
  core: Core,
  input: {
    twilioAuthToken: () => Promise<string>;
    telegramSecretToken: () => Promise<string | undefined>;
    imSecret: () => Promise<string | undefined>;
    adminToken: () => Promise<string | undefined>;
    queueDepth: QueueDepth;
    extraRoutes?: readonly Route[];
    /** The SMS provider's receipts (`/webhooks/twilio/status`, /status figures); absent = no provider. */
    smsReceipts?: SmsReceiptDeps & { provider: string };
  },
): ReturnType<typeof createHttpApp> {
  const { config, store, timeline, peering } = core;
  const { botKey, log, now } = core.platform;
  return createHttpApp(
    {
      ingest: ingestDepsOf(core),
      ...(peering ? { peers: peering.routes, leaves: peering.leafRoutes } : {}),
      ...(input.smsReceipts ? { smsReceipts: input.smsReceipts } : {}),
      twilioAuthToken: input.twilioAuthToken,
      telegramSecretToken: input.telegramSecretToken,
      imSecret: input.imSecret,
      allowPrivateCallbacks: config.allowPrivate,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      log,
      pages: { store, timeline, now },
      ...(botKey
        ? {
            federation: {
              keys: botKey,
              fetch: core.fetch,
              store: core.federation,
              members: store,
              timeline,
              allowPrivate: config.allowPrivate,
              now,
              newId,
              log,
              authorizedFetch: config.authorizedFetch ?? false,
              relay: { store: core.relays, offered: core.relayOffered },
            },
          }
        : {}),
      status: {
        adminToken: input.adminToken,
        stats: core.stats,
        timeline,
        queueDepth: input.queueDepth,
        peers: peering?.directory ?? noPeers,
        ...(config.safety.smsDailyBudget !== undefined
          ? { smsDailyBudget: config.safety.smsDailyBudget }
          : {}),
        smsUsedOn: (day) => store.smsUsedOn(day),
        now,
        ...(input.smsReceipts
          ? {
              smsDelivery: {
                provider: input.smsReceipts.provider,
                dayCounts: (day: string, top?: number) => core.smsReceipts.dayCounts(day, top),
              },
            }
          : {}),
      },
    },
    input.extraRoutes ?? [],
  );
}

/** The fanout function's stream handler. */
export function composeFanout(core: Core, queue: JobQueue) {
  return createFanoutHandler({
    store: core.store,
    queue,
    log: core.info,
    ...(core.platform.metrics ? { metrics: core.platform.metrics } : {}),
    federation: core.federation,
    ...(core.peering ? { peerNetwork: core.peering.network(queue) } : {}),
    // Our relay announces members' posts and posts relayed from peers to its subscribers.
    ...(core.relayOffered && core.relayBase
      ? { relay: { relay: core.relays, baseUrl: core.relayBase } }
      : {}),
  });
}

/** The deliver function's queue handler. */
export function composeDeliver(
  core: Core,
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
