/**
 * The simulation's in-memory interest state of one bot (production keeps the same state in the
 * table, lib/adapters/dynamodb/dynamo-peer-store.ts). The rules are production's, not a second
 * model: sequence checks are `decideInterest` and what to register is `shouldRegister` (a relay's
 * rule: every bot in the simulation passes interest on), both from lib/usecases/peer-inbound.ts and peer-outbound.ts.
 *
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
 *
 * Hold-down (make before break): a peer that removes an author (it unfollowed, or its route moved
 * to another branch) is still sent that author's posts for `graceTicks` after the removal. The
 * removal itself propagates upstream at once (upstreamInterest ignores peers in grace), so the new
 * branch is set up straight away; the old one keeps carrying what was already in flight or held
 * for a down bot on it. A copy that arrives both ways is dropped by the receiver's de-duplication.
 */
import type { InterestUpdate, SnapshotRequest } from '../../lib/federation/interest.ts';
import type { StreamState } from '../../lib/ports/peer-store.ts';
import { decideInterest } from '../../lib/usecases/peer-inbound.ts';
import { shouldRegister } from '../../lib/usecases/peer-outbound.ts';

export type NextHopFor = (authority: string) => string | undefined;

export interface InterestTableOptions {
  nextHopFor?: NextHopFor;
  /** The simulation's clock (ticks); hold-down needs it. */
  now?: () => number;
  /** How long a removed peer interest is still served (0: removal takes effect at once). */
  graceTicks?: number;
}

export type ReceiveResult =
  | { status: 'applied'; changed: boolean }
  /** An old or repeated message: ignored. */
  | { status: 'stale' }
  /**
   * A message is missing: the old view is kept, and on the first gap of a stream the caller sends
   * `request` to the peer (later ones wait for the snapshot already asked for).
   */
  | { status: 'gap'; request?: SnapshotRequest };

function bump(counts: Map<string, number>, author: string, by: number): void {
  const next = (counts.get(author) ?? 0) + by;
  if (next <= 0) counts.delete(author);
  else counts.set(author, next);
}

export class InterestTable {
  readonly self: string;
  private readonly nextHopFor: NextHopFor | undefined;
  private readonly local = new Map<string, number>();
  private readonly peers = new Map<string, Set<string>>();
  /** author -> the peers that registered it */
  private readonly askers = new Map<string, Set<string>>();
  private readonly streams = new Map<string, StreamState>();
  /** `peer author` -> the tick until which a removed interest is still served. */
  private readonly leaving = new Map<string, number>();
  private readonly now: () => number;
  private readonly graceTicks: number;

  constructor(self: string, options: InterestTableOptions = {}) {
    this.self = self;
    this.nextHopFor = options.nextHopFor;
    this.now = options.now ?? (() => 0);
    this.graceTicks = options.graceTicks ?? 0;
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

  /** Whether to send `peer` a post by `author`: it registered the author, or removed it within the grace. */
  peerWants(peer: string, author: string): boolean {
    if (this.peers.get(peer)?.has(author)) return true;
    const until = this.leaving.get(`${peer} ${author}`);
    return until !== undefined && this.now() <= until;
  }

  peerInterest(peer: string): ReadonlySet<string> {
    return this.peers.get(peer) ?? new Set();
  }

  /** Applies an interest update from a peer (whose identity the caller has authenticated). */
  receive(update: InterestUpdate): ReceiveResult {
    const decision = decideInterest(this.streams.get(update.from), update);
    if (decision.status === 'stale') return { status: 'stale' };
    this.streams.set(update.from, decision.next);
    if (decision.status === 'gap')
      return decision.request
        ? { status: 'gap', request: { type: 'interest-snapshot-request', from: this.self } }
        : { status: 'gap' };
    if (update.type === 'interest-snapshot')
      return { status: 'applied', changed: this.replace(update.from, update.full) };
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
    const routes = { nextHop: (authority: string) => this.nextHopFor?.(authority) };
    const out = new Set<string>();
    for (const author of new Set([...this.local.keys(), ...this.askers.keys()])) {
      const wants = {
        members: this.local.has(author) ? [this.self] : [],
        peers: [...(this.askers.get(author) ?? [])],
      };
      if (shouldRegister({ self: this.self, relay: true }, routes, toPeer, author, wants)) out.add(author);
    }
    return out;
  }

  private addPeerAuthor(peer: string, author: string): boolean {
    let set = this.peers.get(peer);
    if (set === undefined) {
      set = new Set();
      this.peers.set(peer, set);
    }
    this.leaving.delete(`${peer} ${author}`);
    if (set.has(author)) return false;
    set.add(author);
    const askers = this.askers.get(author) ?? new Set<string>();
    askers.add(peer);
    this.askers.set(author, askers);
    return true;
  }

  private removePeerAuthor(peer: string, author: string): boolean {
    const set = this.peers.get(peer);
    if (set === undefined || !set.delete(author)) return false;
    if (this.graceTicks > 0) this.leaving.set(`${peer} ${author}`, this.now() + this.graceTicks);
    const askers = this.askers.get(author);
    askers?.delete(peer);
    if (askers?.size === 0) this.askers.delete(author);
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
