/**
 * One bot's interest table: which authors its own members follow (reference-counted per follow)
 * and, for each peer, which authors that peer registered (applied from interest messages, with
 * per-stream sequence checks). It answers three questions:
 * - localWants(author): should a post by this author be echoed to our members?
 * - peerWants(peer, author): did that peer ask for this author?
 * - upstreamInterest(toPeer): what should we register with `toPeer`? Our follows plus every other
 *   peer's interest (split horizon: never reflect a peer's interest back to it), restricted to
 *   authors whose origin bot is reached through `toPeer` when a next-hop function is given
 *   (see route-table.ts); authors with no known route fall back to plain split horizon.
 * A peer's removal of an author only drops it from upstream interest when no other peer and no
 * member still wants it (counts, not sets).
 */
import { authorityOfBot, authorityOfHandle } from '../domain/addresses.ts';
import type { InterestUpdate, SnapshotRequest } from './interest.ts';

export type NextHopFor = (authority: string) => string | undefined;

export type ReceiveResult =
  | { status: 'applied'; changed: boolean }
  /** An old or repeated message: ignored. */
  | { status: 'stale' }
  /** A message is missing: the old view is kept and the caller sends this request to the peer. */
  | { status: 'gap'; request: SnapshotRequest };

interface StreamState {
  epoch: string;
  seq: number;
  awaitingSnapshot: boolean;
}

function bump(counts: Map<string, number>, author: string, by: number): void {
  const next = (counts.get(author) ?? 0) + by;
  if (next <= 0) counts.delete(author);
  else counts.set(author, next);
}

export class InterestTable {
  readonly self: string;
  private readonly selfAuthority: string;
  private readonly nextHopFor: NextHopFor | undefined;
  private readonly local = new Map<string, number>();
  private readonly peers = new Map<string, Set<string>>();
  /** author -> number of peers that registered it */
  private readonly peerCounts = new Map<string, number>();
  private readonly streams = new Map<string, StreamState>();

  constructor(self: string, options: { nextHopFor?: NextHopFor } = {}) {
    this.self = self;
    this.selfAuthority = authorityOfBot(self);
    this.nextHopFor = options.nextHopFor;
  }

  /** A member follows `author`. Returns true when the bot's own interest set changed. */
  addLocalFollow(author: string): boolean {
    bump(this.local, author, 1);
    return this.local.get(author) === 1;
  }

  /** A member unfollows `author`. Returns true when no member follows it any more. */
  removeLocalFollow(author: string): boolean {
    if (!this.local.has(author)) return false;
    bump(this.local, author, -1);
    return !this.local.has(author);
  }

  localWants(author: string): boolean {
    return this.local.has(author);
  }

  peerWants(peer: string, author: string): boolean {
    return this.peers.get(peer)?.has(author) ?? false;
  }

  peerInterest(peer: string): ReadonlySet<string> {
    return this.peers.get(peer) ?? new Set();
  }

  /** Applies an interest update from a peer (whose identity the caller has authenticated). */
  receive(update: InterestUpdate): ReceiveResult {
    const state = this.streams.get(update.from);
    const request: SnapshotRequest = { type: 'interest-snapshot-request', from: this.self };
    if (update.type === 'interest-snapshot') {
      if (state !== undefined && state.epoch === update.epoch && update.seq <= state.seq) {
        return { status: 'stale' };
      }
      this.streams.set(update.from, { epoch: update.epoch, seq: update.seq, awaitingSnapshot: false });
      return { status: 'applied', changed: this.replace(update.from, update.full) };
    }
    if (state === undefined || state.epoch !== update.epoch)
      return this.gap(update.from, update.epoch, request);
    if (update.seq <= state.seq) return { status: 'stale' };
    if (update.seq !== state.seq + 1 || state.awaitingSnapshot)
      return this.gap(update.from, state.epoch, request);
    state.seq = update.seq;
    let changed = false;
    for (const author of update.remove) changed = this.removePeerAuthor(update.from, author) || changed;
    for (const author of update.add) changed = this.addPeerAuthor(update.from, author) || changed;
    return { status: 'applied', changed };
  }

  /** Forgets a peer entirely (unpeered or gone). Returns true when upstream interest may change. */
  removePeer(peer: string): boolean {
    this.streams.delete(peer);
    return this.replace(peer, []);
  }

  /** What to register with `toPeer`. */
  upstreamInterest(toPeer: string): Set<string> {
    const out = new Set<string>();
    const mine = this.peers.get(toPeer);
    const consider = (author: string): void => {
      if (out.has(author)) return;
      const authority = authorityOfHandle(author);
      if (authority === this.selfAuthority) return;
      const wanted =
        this.local.has(author) || (this.peerCounts.get(author) ?? 0) - (mine?.has(author) ? 1 : 0) > 0;
      if (!wanted) return;
      const hop = this.nextHopFor?.(authority);
      if (hop !== undefined && hop !== toPeer) return;
      out.add(author);
    };
    for (const author of this.local.keys()) consider(author);
    for (const author of this.peerCounts.keys()) consider(author);
    return out;
  }

  private gap(peer: string, epoch: string, request: SnapshotRequest): ReceiveResult {
    const state = this.streams.get(peer);
    if (state === undefined) this.streams.set(peer, { epoch, seq: 0, awaitingSnapshot: true });
    else state.awaitingSnapshot = true;
    return { status: 'gap', request };
  }

  private addPeerAuthor(peer: string, author: string): boolean {
    let set = this.peers.get(peer);
    if (set === undefined) {
      set = new Set();
      this.peers.set(peer, set);
    }
    if (set.has(author)) return false;
    set.add(author);
    bump(this.peerCounts, author, 1);
    return true;
  }

  private removePeerAuthor(peer: string, author: string): boolean {
    const set = this.peers.get(peer);
    if (set === undefined || !set.delete(author)) return false;
    bump(this.peerCounts, author, -1);
    if (set.size === 0) this.peers.delete(peer);
    return true;
  }

  private replace(peer: string, authors: readonly string[]): boolean {
    const next = new Set(authors);
    let changed = false;
    for (const author of [...this.peerInterest(peer)]) {
      if (!next.has(author)) changed = this.removePeerAuthor(peer, author) || changed;
    }
    for (const author of next) changed = this.addPeerAuthor(peer, author) || changed;
    return changed;
  }
}
