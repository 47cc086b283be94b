import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLeafStore } from '../adapters/dynamodb/dynamo-leaf-store.ts';
import { DynamoPeerStore } from '../adapters/dynamodb/dynamo-peer-store.ts';
import { HttpPeerSender } from '../adapters/http-peer-sender.ts';
import { leafHoldingSender } from '../adapters/leaf-holding-sender.ts';
import { leafUplinkClient } from '../adapters/leaf-uplink-client.ts';
import { peerDirectory } from '../adapters/peer-directory.ts';
import { peerKeyLoader } from '../adapters/peer-key-loader.ts';
import { authorityOfBot, canonicalBotUrl } from '../domain/addresses.ts';
import { type LeafRouteDeps, leafKeyFetcher } from '../drivers/routes/leaf-routes.ts';
import type { PeerRouteDeps } from '../drivers/routes/peer-routes.ts';
import { assertPublicUrl } from '../edges/public-url.ts';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { createFollowVia } from '../federation/follow-route.ts';
import { createKeyCache } from '../federation/key-cache.ts';
import { LEAF_MAX_WAIT_SECONDS } from '../federation/leaf-messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/logger.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Store } from '../ports/store.ts';
import type { TimelineWriter } from '../ports/timeline.ts';
import type { OffsetStore } from '../ports/update-offset.ts';
import type { PeerDeliverDeps } from '../usecases/deliver-peer.ts';
import type { PeerCommandDeps } from '../usecases/ingest-deps.ts';
import { runLeafUplinkRounds, runLeafUplinks } from '../usecases/leaf-uplink.ts';
import { reroutePost, setPeerLive } from '../usecases/peer-failover.ts';
import { sendHeartbeats } from '../usecases/peer-heartbeat.ts';
import { freshAdvert, type PeerNetworkDeps } from '../usecases/peer-outbound.ts';

export const DEFAULT_HEARTBEAT_SECONDS = 30;

/** The peer network's settings, from the environment (lib/compose/peering-env.ts) or the local node's options. */
export interface PeerOptions {
  /** `ECHOBOT_PEERS`: base URLs of the bots to peer with. */
  peers?: readonly string[];
  /** `ECHOBOT_RELAY=1`: a super-peer. */
  relay?: boolean;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: peers on loopback/private addresses allowed. */
  allowPrivate?: boolean;
  /** `ECHOBOT_MAX_HOPS`: the hop limit our members' posts carry (default 10). */
  maxHops?: number;
  /** Attempts per peer job before the dead-letter queue (default 12). */
  maxAttempts?: number;
  /** `ECHOBOT_UPSTREAM`: super-peers this bot is a leaf of (it opens every connection itself). */
  upstreams?: readonly string[];
  /** `ECHOBOT_LEAF_ALLOW`: the only leaves this super-peer serves (unset: any that signs). */
  leafAllow?: readonly string[];
  /** `ECHOBOT_PEER_HEARTBEAT_SECONDS`: heartbeat interval of the local node (default 30). */
  heartbeatSeconds?: number;
  /** `ECHOBOT_LEAF_QUEUE_MAX`: most items held per leaf (default 10,000; the oldest go first). */
  leafQueueMax?: number;
  /** Longest an inbox poll is held open here (default 20 s; Lambda answers at once: 0). */
  leafMaxWaitSeconds?: number;
}

/**
 * `ECHOBOT_PEERS` as canonical bot URLs, this bot left out. One rule for every runtime: a value
 * that is not a bot base URL is a startup error naming it (the Lambda init fails, `npm start`
 * stops), never a peer silently skipped.
 */
export function configuredPeers(raw: readonly string[], self: string): string[] {
  const urls: string[] = [];
  for (const value of raw.map((p) => p.trim()).filter((p) => p.length > 0)) {
    const url = canonicalBotUrl(value);
    if (url === undefined) throw new Error(`ECHOBOT_PEERS: ${value} is not a bot base URL`);
    if (url !== self) urls.push(url);
  }
  return urls;
}

/**
 * The peer network's parts, built once per process and the same for the Lambda functions and the
 * local node; only where the key comes from differs (SSM deployed, a file locally).
 */
export function composePeering(input: {
  /** This bot's base URL: its identity to its peers. */
  url: string;
  options: PeerOptions;
  key: () => Promise<BotKeyPair>;
  doc: DynamoDBDocumentClient;
  table: string;
  store: Store;
  timeline?: TimelineWriter;
  now: Clock;
  log: Log;
}) {
  const self = canonicalBotUrl(input.url);
  if (self === undefined) throw new Error(`not a usable bot URL: ${input.url}`);
  const { maxHops, maxAttempts } = input.options;
  const relay = input.options.relay ?? false;
  const allowPrivate = input.options.allowPrivate ?? false;
  const upstreams = configuredPeers(input.options.upstreams ?? [], self);
  const listed = [...new Set([...configuredPeers(input.options.peers ?? [], self), ...upstreams])];
  const peers = new DynamoPeerStore(input.doc, input.table);
  const leaves = new DynamoLeafStore(input.doc, input.table, input.options.leafQueueMax);
  const leafAllow = input.options.leafAllow?.map((u) => canonicalBotUrl(u.trim()) ?? u.trim());
  const { now } = input;
  const info = (event: string, fields: Record<string, unknown>) => input.log('info', event, fields);
  const commands: PeerCommandDeps = {
    store: peers,
    self,
    allowPrivate,
    followVia: createFollowVia(self, () => peers.listPeers()),
  };
  const routes: PeerRouteDeps = {
    self,
    relay,
    publicKeyPem: async () => (await input.key()).publicKeyPem,
    peers,
    // A leaf's key was registered with us (nothing can fetch it from the leaf).
    fetchKey: leafKeyFetcher(leaves, createKeyCache({ load: peerKeyLoader({ allowPrivate }) }).fetchKey),
    leaves,
    now,
    log: input.log,
  };
  const leafRoutes: LeafRouteDeps = {
    self,
    relay,
    ...(leafAllow && leafAllow.length > 0 ? { allow: leafAllow } : {}),
    leaves,
    peers,
    maxWaitSeconds: input.options.leafMaxWaitSeconds ?? LEAF_MAX_WAIT_SECONDS,
    now,
    log: input.log,
  };
  const network = (queue: JobQueue): PeerNetworkDeps => ({
    self,
    relay,
    ...(maxHops && Number.isInteger(maxHops) ? { maxHops } : {}),
    ...(upstreams.length > 0 ? { upstreams } : {}),
    peers,
    store: input.store,
    queue,
    ...(input.timeline ? { timeline: input.timeline } : {}),
    now,
    log: info,
  });
  const failoverDeps = { self, relay, peers, now, log: info };
  const http = new HttpPeerSender({ self, key: input.key, allowPrivate });
  const deliver: PeerDeliverDeps = {
    sender: leafHoldingSender(leaves, http, now),
    store: peers,
    ...(maxAttempts ? { maxAttempts } : {}),
    freshen: (peer, body) => freshAdvert({ self, relay, peers }, peer, body),
    failover: {
      up: (peer) => setPeerLive(failoverDeps, peer, true),
      down: (peer) => setPeerLive(failoverDeps, peer, false),
      reroute: (queue, peer, body) => reroutePost(failoverDeps, queue, peer, body),
    },
  };
  const failover = deliver.failover;
  /** One round of heartbeats to every peer but leaves (lib/usecases/peer-heartbeat.ts). */
  const heartbeat = () =>
    failover
      ? sendHeartbeats({ self, relay, peers, log: info, sender: http, failover })
      : Promise.resolve({ sent: 0, failed: 0 });
  /**
   * Adds the `ECHOBOT_PEERS` (idempotent: existing peers are left alone; a new one is connected by
   * the stream). A private address without `ECHOBOT_ALLOW_PRIVATE=1` is refused naming the URL.
   * `upstreams: false` leaves the `ECHOBOT_UPSTREAM` to the uplink, which adds each one once it is
   * registered as that super-peer's leaf (deployed, where the uplink is another function and may
   * run later: a peer message reaching a super-peer first makes us an ordinary peer there).
   */
  const connectConfigured = async (options: { upstreams?: boolean } = {}) => {
    for (const url of listed) {
      await assertPublicUrl(url, { allowPrivate });
      if (options.upstreams === false && upstreams.includes(url)) continue;
      if (await peers.addPeer(url, 'config', now())) info('peer added', { peer: url });
    }
  };
  // What a leaf's loops and its deployed rounds share.
  const uplinkDeps = () => ({
    self,
    upstreams,
    uplink: leafUplinkClient({ self, key: input.key, selfAuthority: authorityOfBot(self) }),
    peers,
    now,
    log: input.log,
  });
  /** A leaf's loops, one per upstream (none when `ECHOBOT_UPSTREAM` is empty); run until `signal` aborts. */
  const runUplinks = (run: { cursors: (upstream: string) => OffsetStore; signal: AbortSignal }) =>
    runLeafUplinks({ ...uplinkDeps(), cursors: run.cursors, signal: run.signal });
  /** A deployed leaf's one bounded round per upstream (a scheduled function), until `until` (epoch ms). */
  const runUplinkRounds = (run: { cursors: (upstream: string) => OffsetStore; until: number }) =>
    runLeafUplinkRounds({ ...uplinkDeps(), cursors: run.cursors, until: run.until });
  return {
    self,
    relay,
    runUplinks,
    runUplinkRounds,
    peers,
    commands,
    routes,
    leafRoutes,
    leaves,
    upstreams,
    network,
    deliver,
    directory: peerDirectory(peers, leaves),
    connectConfigured,
    heartbeat,
    /** `ECHOBOT_PEER_HEARTBEAT_SECONDS`: how often the local node sends heartbeats. */
    heartbeatSeconds: input.options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
  };
}

export type Peering = ReturnType<typeof composePeering>;
