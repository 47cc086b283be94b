import { DynamoJobClaims } from '../adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoStats } from '../adapters/dynamodb/dynamo-stats.ts';
import { DynamoTimeline } from '../adapters/dynamodb/dynamo-timeline.ts';
import {
  composeBase,
  composeFederationParts,
  composeSmsStores,
  type EchobotConfig,
  guardedFetch,
  type Platform,
  peeringKey,
  relayJoiner,
} from './core.ts';
import { composePeering } from './peering.ts';

/**
 * The whole bot: every store and the peer network, built once and shared by every handler of a
 * process. The local node runs all handlers in one process (and the smaller functions: digest,
 * the AWS SMS ones); the http, fanout and deliver functions build only their own parts
 * (lib/compose/http.ts, fanout.ts, deliver.ts) so their bundles hold nothing they do not use.
 */
export function composeCore(config: EchobotConfig, platform: Platform) {
  const base = composeBase(config, platform);
  const { doc } = platform;
  const { table } = config;
  const fed = { ...composeFederationParts(base), fetch: guardedFetch(base) };
  const timeline = new DynamoTimeline(doc, table);
  const peering = config.peering
    ? composePeering({
        url: config.peering.url,
        options: config.peering,
        key: peeringKey(platform.botKey),
        doc,
        table,
        store: base.store,
        timeline,
        now: platform.now,
        log: platform.log,
      })
    : undefined;
  return {
    ...base,
    ...fed,
    ...composeSmsStores(base),
    timeline,
    stats: new DynamoStats(doc, table),
    jobClaims: new DynamoJobClaims(doc, table),
    peering,
    joinRelays: relayJoiner(base, fed),
  };
}

export type Core = ReturnType<typeof composeCore>;
