import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPeerStore } from '../lib/adapters/dynamo-peer-items.ts';
import { HttpPeerSender } from '../lib/adapters/http-peer-sender.ts';
import { peerDirectory } from '../lib/adapters/peer-directory.ts';
import { peerKeyLoader } from '../lib/adapters/peer-key-loader.ts';
import { assertPublicUrl } from '../lib/edges/public-url.ts';
import { canonicalBotUrl } from '../lib/federation/addresses.ts';
import { type BotKeyPair, parseBotKeyPair } from '../lib/federation/bot-keys.ts';
import { createFollowVia } from '../lib/federation/follow-route.ts';
import { createKeyCache } from '../lib/federation/key-cache.ts';
import type { JobQueue } from '../lib/ports/queue.ts';
import type { Store } from '../lib/ports/store.ts';
import type { TimelineWriter } from '../lib/ports/timeline.ts';
import type { PeerCommandDeps } from '../lib/usecases/commands/peers.ts';
import type { PeerDeliverDeps } from '../lib/usecases/deliver-peer.ts';
import type { PeerNetworkDeps } from '../lib/usecases/peer-network.ts';
import type { PeerRouteDeps } from '../lib/usecases/routes/peer-routes.ts';

/**
 * The peer network for the Lambda functions, from their environment: `PUBLIC_URL` (the bot's
 * base URL, its identity), `BOT_KEY_PARAM` (the SSM SecureString holding the bot key pair JSON),
 * `ECHOBOT_PEERS` (CDK context `peers`), `ECHOBOT_RELAY=1`, `ECHOBOT_ALLOW_PRIVATE=1`,
 * `ECHOBOT_MAX_HOPS`. Without `PUBLIC_URL` and `BOT_KEY_PARAM` there is no peer network
 * (undefined), and the functions run exactly as before.
 */
export function peerNetworkFromEnv(input: {
  doc: DynamoDBDocumentClient;
  table: string;
  store: Store;
  queue?: JobQueue;
  timeline?: TimelineWriter;
  log: (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;
  env?: NodeJS.ProcessEnv;
}) {
  const env = input.env ?? process.env;
  const self = env.PUBLIC_URL ? canonicalBotUrl(env.PUBLIC_URL) : undefined;
  const keyParam = env.BOT_KEY_PARAM;
  if (self === undefined || !keyParam) return undefined;
  const relay = env.ECHOBOT_RELAY === '1';
  const allowPrivate = env.ECHOBOT_ALLOW_PRIVATE === '1';
  const maxHops = env.ECHOBOT_MAX_HOPS ? Number(env.ECHOBOT_MAX_HOPS) : undefined;
  const key = async (): Promise<BotKeyPair> => {
    const raw = await getParameter(keyParam, { decrypt: true, maxAge: 300 });
    if (!raw) throw new Error(`SSM parameter ${keyParam} is empty`);
    return parseBotKeyPair(raw);
  };
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
    publicKeyPem: async () => (await key()).publicKeyPem,
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
  const deliver: PeerDeliverDeps = { sender: new HttpPeerSender({ self, key, allowPrivate }), store: peers };
  let connected: Promise<void> | undefined;
  /** Adds the `ECHOBOT_PEERS` once per container (idempotent: existing peers are left alone). */
  const connectConfigured = () => {
    connected ??= (async () => {
      for (const raw of (env.ECHOBOT_PEERS ?? '').split(',').map((p) => p.trim())) {
        const url = raw ? canonicalBotUrl(raw) : undefined;
        if (url === undefined || url === self) continue;
        await assertPublicUrl(url, { allowPrivate });
        await peers.addPeer(url, 'config', now());
      }
    })().catch((err: unknown) => {
      connected = undefined;
      input.log('error', 'ECHOBOT_PEERS not applied', { error: String(err) });
    });
    return connected;
  };
  return {
    self,
    peers,
    commands,
    routes,
    network,
    deliver,
    directory: peerDirectory(peers),
    connectConfigured,
  };
}
