import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { peerNetworkParts } from '../lib/adapters/peer-network-parts.ts';
import { assertPublicUrl } from '../lib/edges/public-url.ts';
import { canonicalBotUrl } from '../lib/federation/addresses.ts';
import { type BotKeyPair, parseBotKeyPair } from '../lib/federation/bot-keys.ts';
import type { JobQueue } from '../lib/ports/queue.ts';
import type { Store } from '../lib/ports/store.ts';
import type { TimelineWriter } from '../lib/ports/timeline.ts';

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
  // Powertools caches the parameter for 5 minutes; the parsed pair is kept until its text changes.
  let parsed: { raw: string; pair: BotKeyPair } | undefined;
  const key = async (): Promise<BotKeyPair> => {
    const raw = await getParameter(keyParam, { decrypt: true, maxAge: 300 });
    if (!raw) throw new Error(`SSM parameter ${keyParam} is empty`);
    if (parsed?.raw !== raw) parsed = { raw, pair: parseBotKeyPair(raw) };
    return parsed.pair;
  };
  const parts = peerNetworkParts({
    settings: {
      self,
      relay,
      allowPrivate,
      ...(maxHops !== undefined ? { maxHops } : {}),
    },
    key,
    doc: input.doc,
    table: input.table,
    store: input.store,
    ...(input.timeline ? { timeline: input.timeline } : {}),
    log: input.log,
  });
  const { peers, now } = parts;
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
  const { commands, routes, network, deliver, directory } = parts;
  return { self, peers, commands, routes, network, deliver, directory, connectConfigured };
}
