import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { createFollowVia } from '../federation/follow-route.ts';
import { createKeyCache } from '../federation/key-cache.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { Store } from '../ports/store.ts';
import type { TimelineWriter } from '../ports/timeline.ts';
import type { PeerCommandDeps } from '../usecases/commands/peers.ts';
import type { PeerDeliverDeps } from '../usecases/deliver-peer.ts';
import type { PeerNetworkDeps } from '../usecases/peer-network.ts';
import type { PeerRouteDeps } from '../usecases/routes/peer-routes.ts';
import { DynamoPeerStore } from './dynamodb/dynamo-peer-store.ts';
import { HttpPeerSender } from './http-peer-sender.ts';
import { peerDirectory } from './peer-directory.ts';
import { peerKeyLoader } from './peer-key-loader.ts';

export interface PeerNetworkSettings {
  /** This bot's canonical base URL: its identity to its peers. */
  self: string;
  /** `ECHOBOT_RELAY=1`: a super-peer. */
  relay: boolean;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: peers on loopback/private addresses allowed. */
  allowPrivate: boolean;
  /** `ECHOBOT_MAX_HOPS`: the hop limit our members' posts carry. */
  maxHops?: number;
  /** Attempts per peer job before the dead-letter queue. */
  maxAttempts?: number;
}

/**
 * The peer network's parts, the same for the Lambda functions and the local node; only where the
 * key comes from differs (SSM deployed, a file locally).
 */
export function peerNetworkParts(input: {
  settings: PeerNetworkSettings;
  key: () => Promise<BotKeyPair>;
  doc: DynamoDBDocumentClient;
  table: string;
  store: Store;
  timeline?: TimelineWriter;
  log: (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;
}) {
  const { self, relay, allowPrivate, maxHops, maxAttempts } = input.settings;
  const peers = new DynamoPeerStore(input.doc, input.table);
  const now = () => new Date();
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
    fetchKey: createKeyCache({ load: peerKeyLoader({ allowPrivate }) }).fetchKey,
    now,
    log: input.log,
  };
  const network = (queue: JobQueue): PeerNetworkDeps => ({
    self,
    relay,
    ...(maxHops && Number.isInteger(maxHops) ? { maxHops } : {}),
    peers,
    store: input.store,
    queue,
    ...(input.timeline ? { timeline: input.timeline } : {}),
    now,
    log: info,
  });
  const deliver: PeerDeliverDeps = {
    sender: new HttpPeerSender({ self, key: input.key, allowPrivate }),
    store: peers,
    ...(maxAttempts ? { maxAttempts } : {}),
  };
  return { self, peers, commands, routes, network, deliver, directory: peerDirectory(peers), now, info };
}
