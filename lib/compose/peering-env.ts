import * as z from 'zod/mini';
import '../domain/zod-messages.ts';
import type { PeerOptions } from './peering.ts';

/**
 * The peer network from the environment: `ECHOBOT_PEERS` (comma-separated base URLs, the same
 * list as the CDK context `peers`), `ECHOBOT_RELAY=1` (super-peer), `ECHOBOT_ALLOW_PRIVATE=1`
 * (peers on loopback/private addresses; local runs) and `ECHOBOT_MAX_HOPS` (1-16, default 10); `ECHOBOT_UPSTREAM` (super-peers this bot is a leaf of), `ECHOBOT_LEAF_ALLOW` (the leaves a super-peer serves), `ECHOBOT_LEAF_QUEUE_MAX` (items held per leaf, 1-1,000,000, default 10,000); `ECHOBOT_PEER_MAX_ATTEMPTS` (tests: how long a down peer is retried); `ECHOBOT_PEER_HEARTBEAT_SECONDS` (the local node's heartbeat interval, default 30).
 */
export function peeringFromEnv(env: NodeJS.ProcessEnv): PeerOptions {
  const peers = (env.ECHOBOT_PEERS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const maxHops = env.ECHOBOT_MAX_HOPS
    ? z.pipe(z.coerce.number(), z.int()).check(z.gte(1)).check(z.lte(16)).parse(env.ECHOBOT_MAX_HOPS)
    : undefined;
  const attempts = env.ECHOBOT_PEER_MAX_ATTEMPTS
    ? z
        .pipe(z.coerce.number(), z.int())
        .check(z.gte(1))
        .check(z.lte(1000))
        .parse(env.ECHOBOT_PEER_MAX_ATTEMPTS)
    : undefined;
  const heartbeat = env.ECHOBOT_PEER_HEARTBEAT_SECONDS
    ? z
        .pipe(z.coerce.number(), z.int())
        .check(z.gte(1))
        .check(z.lte(3600))
        .parse(env.ECHOBOT_PEER_HEARTBEAT_SECONDS)
    : undefined;
  const leafQueueMax = leafQueueMaxOf(env.ECHOBOT_LEAF_QUEUE_MAX);
  const list = (raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
  const leafAllow = list(env.ECHOBOT_LEAF_ALLOW);
  return {
    peers,
    upstreams: list(env.ECHOBOT_UPSTREAM),
    ...(leafAllow.length > 0 ? { leafAllow } : {}),
    ...(attempts ? { maxAttempts: attempts } : {}),
    ...(heartbeat ? { heartbeatSeconds: heartbeat } : {}),
    ...(leafQueueMax ? { leafQueueMax } : {}),
    relay: env.ECHOBOT_RELAY === '1',
    allowPrivate: env.ECHOBOT_ALLOW_PRIVATE === '1',
    ...(maxHops ? { maxHops } : {}),
  };
}

/** `ECHOBOT_LEAF_QUEUE_MAX`: a whole number 1-1,000,000, else a start-up error that names it. */
function leafQueueMaxOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = z
    .pipe(z.coerce.number(), z.int())
    .check(z.gte(1))
    .check(z.lte(1_000_000))
    .safeParse(raw.trim());
  if (!parsed.success)
    throw new Error(
      `ECHOBOT_LEAF_QUEUE_MAX must be a whole number from 1 to 1000000 (items held per leaf), not "${raw}"`,
    );
  return parsed.data;
}
