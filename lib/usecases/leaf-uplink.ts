/**
 * A leaf's side of each upstream super-peer, in rounds. One round: register when asked to (first
 * contact, or after a failure), then poll the inbox and hand each held message to the same
 * receiving side as `POST /federation/peer` (lib/usecases/peer-inbound.ts) as if the super-peer
 * had sent it, until an empty answer (or a deadline). The cursor is stored durably after each
 * message, so a restart resumes where it stopped; a message handled just before a crash comes
 * again and is a duplicate (posts by id, interest by sequence).
 *
 * Two runtimes use the rounds:
 * - `npm start` keeps a loop per upstream (runLeafUplinks): rounds with a long poll, a pause after
 *   an early empty answer, and backoff (doubling, capped) with a new registration after an error.
 * - A deployed leaf cannot hold a loop: a scheduled function runs one bounded round per upstream
 *   (runLeafUplinkRounds) with short polls, its cursors in the table.
 */
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import { type PeerMessage, PeerMessageSchema } from '../federation/peer-messages.ts';
import { LeafNotRegisteredError, type LeafUplink } from '../ports/leaf-uplink.ts';
import type { Log } from '../ports/logger.ts';
import type { PeerStore } from '../ports/peer-store.ts';
import type { OffsetStore } from '../ports/update-offset.ts';
import { receivePeerMessage } from './peer-inbound.ts';

/** What every round needs, whichever runtime drives it. */
export interface LeafRoundDeps {
  self: string;
  upstreams: readonly string[];
  uplink: LeafUplink;
  peers: PeerStore;
  cursors: (upstream: string) => OffsetStore;
  now: () => Date;
  log: Log;
}

export interface LeafUplinkDeps extends LeafRoundDeps {
  signal: AbortSignal;
  /** Seconds a poll asks the super-peer to wait (it may answer sooner). */
  waitSeconds?: number;
  /** When a super-peer answers an empty poll early (Lambda does), the next poll waits for this. */
  minPollIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

interface RoundOptions {
  /** Register before the first poll (a 401 on a poll registers again in any case). */
  register: boolean;
  waitSeconds: number;
  /** Epoch ms after which no new poll starts (the messages already handed over are all handled). */
  until?: number;
  signal: AbortSignal;
}

export interface RoundOutcome {
  /** Held messages handed to the receiving side this round (duplicates included). */
  received: number;
  /** Of those, the ones that changed nothing here (a repeat: a post by id, interest by sequence). */
  duplicates: number;
  registered: boolean;
  /** When the round's last poll began (epoch ms); the loop paces its next poll from it. */
  lastPollAt: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One held message; one that is refused for good (bad, not ours) is logged and skipped, not retried forever. */
async function receive(
  deps: LeafRoundDeps,
  upstream: string,
  message: PeerMessage,
  seq: number,
): Promise<'new' | 'duplicate' | 'refused'> {
  try {
    const receipt = await receivePeerMessage(
      { self: deps.self, peers: deps.peers, now: deps.now, log: (e, f) => deps.log('info', e, f) },
      upstream,
      message,
    );
    return receipt === 'duplicate' || receipt === 'stale' ? 'duplicate' : 'new';
  } catch (error) {
    if (!(error instanceof BadRequestError || error instanceof ForbiddenError)) throw error;
    deps.log('warn', 'leaf inbox item refused; skipped', { upstream, seq, error: error.message });
    return 'refused';
  }
}

/** Registers with the upstream and makes it our peer; a known one is sent our routes and interest again. */
async function register(deps: LeafRoundDeps, upstream: string): Promise<void> {
  await deps.uplink.register(upstream);
  // Added here, after the registration, not before: a peer message reaching the super-peer
  // first would make this bot an ordinary peer there, and then it refuses the registration.
  if (!(await deps.peers.addPeer(upstream, 'config', deps.now())))
    // Our routes and interest again: what we sent while it did not know us was refused.
    await deps.peers.control(upstream, 'connect', deps.now());
  await deps.peers.markHealth(upstream, true, deps.now());
  deps.log('info', 'leaf registered upstream', { upstream });
}

/** One round with one upstream; throws on a failure (the caller records it and decides when to retry). */
export async function uplinkRound(
  deps: LeafRoundDeps,
  upstream: string,
  options: RoundOptions,
): Promise<RoundOutcome> {
  const { signal } = options;
  const cursorStore = deps.cursors(upstream);
  const outcome: RoundOutcome = { received: 0, duplicates: 0, registered: false, lastPollAt: Date.now() };
  if (options.register) {
    await register(deps, upstream);
    outcome.registered = true;
  }
  while (!signal.aborted) {
    const cursor = (await cursorStore.read()) ?? 0;
    outcome.lastPollAt = Date.now();
    let answer: Awaited<ReturnType<LeafUplink['poll']>>;
    try {
      answer = await deps.uplink.poll(upstream, cursor, options.waitSeconds, signal);
    } catch (error) {
      // The super-peer does not know us (it lost its table, or this is our first contact).
      if (!(error instanceof LeafNotRegisteredError) || outcome.registered) throw error;
      await register(deps, upstream);
      outcome.registered = true;
      continue;
    }
    // The super-peer has handed out fewer items than we acknowledged: its queue was reset.
    if (answer.last < cursor) await cursorStore.write(answer.last);
    for (const item of answer.items) {
      if (signal.aborted) break;
      const parsed = PeerMessageSchema.safeParse(JSON.parse(item.body));
      if (parsed.success) {
        const result = await receive(deps, upstream, parsed.data, item.seq);
        outcome.received += 1;
        if (result === 'duplicate') outcome.duplicates += 1;
      } else deps.log('warn', 'leaf inbox item is not a peer message; skipped', { upstream, seq: item.seq });
      await cursorStore.write(item.seq);
    }
    if (answer.items.length === 0) break;
    if (options.until !== undefined && Date.now() >= options.until) break;
  }
  return outcome;
}

async function runOne(deps: LeafUplinkDeps, upstream: string): Promise<void> {
  const { signal, log } = deps;
  const initial = deps.backoff?.initialMs ?? 1_000;
  const max = deps.backoff?.maxMs ?? 60_000;
  const minInterval = deps.minPollIntervalMs ?? 5_000;
  let delay = initial;
  let registered = false;
  while (!signal.aborted) {
    try {
      const round = await uplinkRound(deps, upstream, {
        register: !registered,
        waitSeconds: deps.waitSeconds ?? 20,
        signal,
      });
      registered = true;
      delay = initial;
      // The round ended on an empty answer; one that came early (Lambda) waits before the next poll.
      await sleep(minInterval - (Date.now() - round.lastPollAt), signal);
    } catch (error) {
      if (signal.aborted) break;
      await deps.peers.markHealth(upstream, false, deps.now(), String(error)).catch(() => undefined);
      log('warn', 'leaf uplink failed; retrying', { upstream, error: String(error), retryInMs: delay });
      await sleep(delay, signal);
      delay = Math.min(max, delay * 2);
      // After a failure, register again before polling: the super-peer may have restarted empty.
      registered = false;
    }
  }
}

/** Runs every upstream's loop until `signal` aborts (the local node). */
export async function runLeafUplinks(deps: LeafUplinkDeps): Promise<void> {
  await Promise.all(deps.upstreams.map((u) => runOne(deps, u)));
}

export interface UpstreamRound {
  upstream: string;
  ok: boolean;
  received: number;
  duplicates: number;
  registered: boolean;
  error?: string;
}

/**
 * One bounded round per upstream, all at once (a scheduled function). State between rounds is
 * only in the table: the cursor, and the upstream's peer record. A round registers when this bot
 * never registered with that upstream (it is not yet a peer) or the last round failed (the peer is
 * marked unhealthy), not every time: each registration makes the super-peer re-send its routes
 * and interest and re-advertise us to its peers. Polls do not wait (`wait=0`).
 */
export async function runLeafUplinkRounds(
  deps: LeafRoundDeps & { until: number; signal?: AbortSignal },
): Promise<UpstreamRound[]> {
  const signal = deps.signal ?? new AbortController().signal;
  return Promise.all(
    deps.upstreams.map(async (upstream): Promise<UpstreamRound> => {
      try {
        const peer = await deps.peers.getPeer(upstream);
        const register = peer === undefined || peer.healthy === false;
        const round = await uplinkRound(deps, upstream, {
          register,
          waitSeconds: 0,
          until: deps.until,
          signal,
        });
        return { upstream, ok: true, ...round };
      } catch (error) {
        await deps.peers.markHealth(upstream, false, deps.now(), String(error)).catch(() => undefined);
        deps.log('warn', 'leaf uplink round failed; the next round registers again', {
          upstream,
          error: String(error),
        });
        return { upstream, ok: false, received: 0, duplicates: 0, registered: false, error: String(error) };
      }
    }),
  );
}
