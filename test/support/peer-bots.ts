import * as z from 'zod';
import { reservablePort } from '../../local/free-port.ts';
import { networkSnapshot } from '../../local/network-view.ts';
import { twimlMessages } from '../../local/twilio-carrier.ts';
import { type LocalBot, startLocalBot } from './local-bot.ts';

/** What a local bot answers on `GET /dev/network` (local/network-snapshot.ts): the view's snapshot plus routes and interest. */
export const networkState = networkSnapshot.extend({
  routes: z.record(z.string(), z.number()),
  interest: z.record(z.string(), z.array(z.string())),
});
export type NetworkState = z.infer<typeof networkState>;

export interface PeerBotSpec {
  name: string;
  relay?: boolean;
  peers: readonly string[];
  /** A leaf: these bots are its ECHOBOT_UPSTREAM, and its ECHOBOT_URL is a port where nothing listens. */
  upstreams?: readonly string[];
  env?: Record<string, string>;
}

export interface PeerBot extends LocalBot {
  name: string;
  port: number;
  authority: string;
  network(): Promise<NetworkState>;
  /** Texts the bot and returns its answer as the phone reads it (the TwiML message text). */
  say(from: string, body: string): Promise<string>;
}

/** Local bots on known free ports (so each can list the others as peers before they start). */
export async function startPeerBots(specs: readonly PeerBotSpec[]): Promise<Map<string, PeerBot>> {
  const ports = new Map<string, number>();
  for (const s of specs) ports.set(s.name, await reservablePort());
  const urlOf = (name: string) => `http://127.0.0.1:${ports.get(name)}`;
  // Two at a time: each bot starts a JVM (DynamoDB Local) and the machine is small.
  const started: PromiseSettledResult<PeerBot>[] = [];
  for (let i = 0; i < specs.length; i += 2)
    started.push(
      ...(await Promise.allSettled(
        specs.slice(i, i + 2).map((s) => startPeerBot(s, ports.get(s.name) ?? 0, urlOf)),
      )),
    );
  const bots = new Map<string, PeerBot>();
  for (const r of started) if (r.status === 'fulfilled') bots.set(r.value.name, r.value);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all([...bots.values()].map((b) => b.stop()));
    throw failed.reason;
  }
  return bots;
}

export async function startPeerBot(
  spec: PeerBotSpec,
  port: number,
  urlOf: (name: string) => string,
  dataDir?: string,
): Promise<PeerBot> {
  const leaf = spec.upstreams !== undefined;
  // A leaf listens on another port: its own URL (`port`) must reach nothing.
  let listen = port;
  while (leaf && listen === port) listen = await reservablePort();
  const bot = await startLocalBot({
    ...(dataDir ? { dataDir } : {}),
    driveAtListenUrl: leaf,
    startTimeoutMs: 240_000,
    env: {
      PORT: String(listen),
      ECHOBOT_PEERS: spec.peers.map(urlOf).join(','),
      ...(leaf
        ? { ECHOBOT_UPSTREAM: (spec.upstreams ?? []).map(urlOf).join(','), ECHOBOT_URL: urlOf(spec.name) }
        : {}),
      ECHOBOT_RELAY: spec.relay ? '1' : '0',
      ECHOBOT_ALLOW_PRIVATE: '1',
      ECHOBOT_RETRY_BASE_SECONDS: '1',
      ECHOBOT_RETRY_MAX_SECONDS: '2',
      // A bot restarts in tens of seconds here: keep retrying a down peer for several minutes.
      ECHOBOT_PEER_MAX_ATTEMPTS: '200',
      ...spec.env,
    },
  });
  return {
    ...bot,
    name: spec.name,
    port,
    authority: `127.0.0.1:${port}`,
    say: async (from, body) => twimlMessages((await bot.sms(from, body)).text).join('\n'),
    network: async () => networkState.parse(await (await fetch(`${bot.listenUrl}/dev/network`)).json()),
  };
}
