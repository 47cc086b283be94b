/**
 * A leaf keeps one loop per upstream super-peer: register, then long-poll the inbox, handing each
 * held message to the same receiving side as `POST /federation/peer` (lib/usecases/peer-inbound.ts)
 * as if the super-peer had sent it. The cursor is stored durably after each message, so a restart
 * resumes where it stopped; a message handled just before a crash comes again and is a duplicate
 * (posts by id, interest by sequence). Errors back off (doubling, capped) and register again.
 */
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import { type PeerMessage, PeerMessageSchema } from '../federation/peer-messages.ts';
import type { LeafUplink } from '../ports/leaf-uplink.ts';
import type { Log } from '../ports/logger.ts';
import type { PeerStore } from '../ports/peer-store.ts';
import type { OffsetStore } from '../ports/update-offset.ts';
import { receivePeerMessage } from './peer-inbound.ts';

export interface LeafUplinkDeps {
  self: string;
  upstreams: readonly string[];
  uplink: LeafUplink;
  peers: PeerStore;
  cursors: (upstream: string) => OffsetStore;
  now: () => Date;
  log: Log;
  signal: AbortSignal;
  /** Seconds a poll asks the super-peer to wait (it may answer sooner). */
  waitSeconds?: number;
  /** When a super-peer answers an empty poll early (Lambda does), the next poll waits for this. */
  minPollIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
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
async function receive(deps: LeafUplinkDeps, upstream: string, message: PeerMessage, seq: number) {
  try {
    await receivePeerMessage(
      { self: deps.self, peers: deps.peers, now: deps.now, log: (e, f) => deps.log('info', e, f) },
      upstream,
      message,
    );
  } catch (error) {
    if (!(error instanceof BadRequestError || error instanceof ForbiddenError)) throw error;
    deps.log('warn', 'leaf inbox item refused; skipped', { upstream, seq, error: error.message });
  }
}

async function runOne(deps: LeafUplinkDeps, upstream: string): Promise<void> {
  const { signal, log } = deps;
  const initial = deps.backoff?.initialMs ?? 1_000;
  const max = deps.backoff?.maxMs ?? 60_000;
  const minInterval = deps.minPollIntervalMs ?? 5_000;
  const cursorStore = deps.cursors(upstream);
  let delay = initial;
  let registered = false;
  while (!signal.aborted) {
    try {
      if (!registered) {
        await deps.uplink.register(upstream);
        registered = true;
        // Our routes and interest again: what we sent while it did not know us was refused.
        await deps.peers.control(upstream, 'connect', deps.now());
        await deps.peers.markHealth(upstream, true, deps.now());
        log('info', 'leaf registered upstream', { upstream });
      }
      const cursor = (await cursorStore.read()) ?? 0;
      const started = Date.now();
      const answer = await deps.uplink.poll(upstream, cursor, deps.waitSeconds ?? 20, signal);
      // The super-peer has handed out fewer items than we acknowledged: its queue was reset.
      if (answer.last < cursor) await cursorStore.write(answer.last);
      for (const item of answer.items) {
        if (signal.aborted) break;
        const parsed = PeerMessageSchema.safeParse(JSON.parse(item.body));
        if (parsed.success) await receive(deps, upstream, parsed.data, item.seq);
        else log('warn', 'leaf inbox item is not a peer message; skipped', { upstream, seq: item.seq });
        await cursorStore.write(item.seq);
      }
      delay = initial;
      if (answer.items.length === 0) await sleep(minInterval - (Date.now() - started), signal);
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

/** Runs every upstream's loop until `signal` aborts. */
export async function runLeafUplinks(deps: LeafUplinkDeps): Promise<void> {
  await Promise.all(deps.upstreams.map((u) => runOne(deps, u)));
}
