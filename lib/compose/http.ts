import { DynamoStats } from '../adapters/dynamodb/dynamo-stats.ts';
import { DynamoTimeline } from '../adapters/dynamodb/dynamo-timeline.ts';
import { newId } from '../domain/ids.ts';
import { createHttpApp } from '../drivers/http-app.ts';
import type { Route } from '../edges/http-router.ts';
import { noPeers } from '../ports/peers.ts';
import type { QueueDepth } from '../ports/queue-depth.ts';
import type { SmsReceiptDeps } from '../usecases/sms-receipts.ts';
import {
  composeBase,
  composeFederationParts,
  composePeeringOf,
  composeSmsStores,
  type EchobotConfig,
  guardedFetch,
  ingestDepsOf,
  type Platform,
  relayJoiner,
} from './core.ts';

/**
 * The http function's stores and peer network (the local node's whole bot has the same parts):
 * members, timeline, federation and relays, stats for /status, the SMS provider's receipts.
 */
export async function composeHttpCore(config: EchobotConfig, platform: Platform) {
  const base = composeBase(config, platform);
  const fed = { ...composeFederationParts(base), fetch: guardedFetch(base) };
  const timeline = new DynamoTimeline(platform.doc, config.table);
  return {
    ...base,
    ...fed,
    ...composeSmsStores(base),
    timeline,
    stats: new DynamoStats(platform.doc, config.table),
    peering: await composePeeringOf(base, timeline),
    joinRelays: relayJoiner(base, fed),
  };
}

export type HttpCore = Awaited<ReturnType<typeof composeHttpCore>>;

/** The http function's app (and the local node's): every route, from the core and the secrets. */
export function composeHttpApp(
  core: HttpCore,
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
