import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { peerNetworkParts } from '../lib/adapters/peer-network-parts.ts';
import { assertPublicUrl } from '../lib/edges/public-url.ts';
import { canonicalBotUrl } from '../lib/federation/addresses.ts';
import { loadOrCreateBotKeyPair } from '../lib/federation/bot-keys.ts';
import { EnvelopeSchema } from '../lib/federation/envelope.ts';
import type { JobQueue } from '../lib/ports/queue.ts';
import type { Store } from '../lib/ports/store.ts';
import type { TimelineReader, TimelineWriter } from '../lib/ports/timeline.ts';
import type { NetworkSnapshot } from './network-view.ts';

export interface LocalPeerOptions {
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
}

type Log = (event: string, fields: Record<string, unknown>) => void;

/** Everything the local node needs for the peer network, built once. */
export async function localPeerNetwork(input: {
  url: string;
  dataDir: string;
  doc: DynamoDBDocumentClient;
  table: string;
  store: Store;
  queue: JobQueue;
  timeline: TimelineWriter & TimelineReader;
  options: LocalPeerOptions;
  log: (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;
  info: Log;
}) {
  const self = canonicalBotUrl(input.url);
  if (self === undefined) throw new Error(`not a usable bot URL: ${input.url}`);
  const relay = input.options.relay ?? false;
  const allowPrivate = input.options.allowPrivate ?? false;
  const key = await loadOrCreateBotKeyPair(join(input.dataDir, 'bot-key.json'));
  const parts = peerNetworkParts({
    settings: {
      self,
      relay,
      allowPrivate,
      ...(input.options.maxHops ? { maxHops: input.options.maxHops } : {}),
      ...(input.options.maxAttempts ? { maxAttempts: input.options.maxAttempts } : {}),
    },
    key: async () => key,
    doc: input.doc,
    table: input.table,
    store: input.store,
    timeline: input.timeline,
    log: input.log,
  });
  const { peers, now, commands, routes, deliver, directory } = parts;
  const network = parts.network(input.queue);

  /** `ECHOBOT_PEERS` at start: each listed peer is added once (a new one is connected by the stream). */
  const connectConfigured = async () => {
    for (const raw of input.options.peers ?? []) {
      const url = canonicalBotUrl(raw);
      if (url === undefined) throw new Error(`ECHOBOT_PEERS: ${raw} is not a bot base URL`);
      await assertPublicUrl(url, { allowPrivate });
      if (url !== self && (await peers.addPeer(url, 'config', now())))
        input.info('peer added', { peer: url });
    }
  };

  /** `GET /dev/network`: this bot, its peers, and the paths of recent posts (the network view). */
  const snapshot = async (): Promise<
    NetworkSnapshot & { routes: Record<string, number>; interest: Record<string, string[]> }
  > => {
    const list = await peers.listPeers();
    const relayed = await peers.recentRelayed(50);
    const local = (await input.timeline.recent({ limit: 50 })).entries.filter((e) => e.local);
    const recipientsOf = async (author: string) => {
      const wants = await peers.wantsOf(author);
      const members = await input.store.membersByIds(wants.members);
      return [...members.values()].map((m) => m.nick);
    };
    const posts: NetworkSnapshot['posts'] = [];
    for (const r of relayed) {
      const envelope = EnvelopeSchema.safeParse(JSON.parse(r.envelope));
      const path = envelope.success ? envelope.data.path : [];
      posts.push({
        id: r.postId,
        author: r.author,
        path,
        from: r.from,
        recipients: await recipientsOf(r.author),
      });
    }
    for (const e of local) posts.push({ id: e.id, author: e.author, path: [], from: null, recipients: [] });
    const routes: Record<string, number> = {};
    for (const p of list)
      for (const [a, d] of Object.entries(p.routes ?? {})) routes[a] = Math.min(routes[a] ?? 99, d + 1);
    const interest: Record<string, string[]> = {};
    for (const p of list) interest[p.url] = await peers.peerInterest(p.url);
    return { url: self, relay, peers: list.map((p) => p.url), posts, routes, interest };
  };

  return {
    self,
    peers,
    commands,
    routes,
    network,
    deliver,
    directory,
    connectConfigured,
    snapshot,
  };
}
