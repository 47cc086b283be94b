import { DynamoTimeline } from '../adapters/dynamodb/dynamo-timeline.ts';
import { createFanoutHandler } from '../drivers/fanout-stream.ts';
import type { JobQueue } from '../ports/queue.ts';
import {
  type Base,
  composeBase,
  composeFederationParts,
  composePeeringOf,
  type EchobotConfig,
  type FederationParts,
  type Platform,
} from './core.ts';
import type { Peering } from './peering.ts';

/**
 * The fanout function's stores: members, federation and relays, the peer network (which writes
 * posts from peers to the timeline). It never signs or sends anything itself, so no fetch, no
 * SMS stores, no job claims.
 */
export async function composeFanoutCore(config: EchobotConfig, platform: Platform) {
  const base = composeBase(config, platform);
  const timeline = config.peering ? new DynamoTimeline(platform.doc, config.table) : undefined;
  return {
    ...base,
    ...composeFederationParts(base),
    peering: await composePeeringOf(base, timeline),
  };
}

/** What the fanout handler reads (the whole bot's core has it too). */
export type FanoutCore = Base & FederationParts & { peering?: Peering | undefined };

/** The fanout function's stream handler. */
export function composeFanout(core: FanoutCore, queue: JobQueue) {
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
