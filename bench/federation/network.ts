/**
 * An in-process network of echobots built from the real federation pieces (RouteTable, routePost,
 * production's interest rules through InterestTable; InterestOutbox numbers each stream): used by
 * the simulation and by unit tests. Messages are passed in memory; timing is the caller's
 * business (simulate.ts).
 *
 * Like production (lib/usecases/peer-network.ts), a bot that is not a relay (a leaf, a plain
 * bot) advertises only itself and never forwards a post it received. A bot can be taken down
 * (it neither sends nor receives control messages); its neighbours route around it once they
 * notice (`noticeDown`, as a failed send or a missed heartbeat would tell them).
 */
import { authorityOfHandle } from '../../lib/domain/addresses.ts';
import { createEnvelope, type Envelope } from '../../lib/federation/envelope.ts';
import { authorsCarried, type InterestMessage, type InterestUpdate } from '../../lib/federation/interest.ts';
import { type RouteDecision, rerouteAfterFailure, routePost } from '../../lib/federation/relay-router.ts';
import { type RouteAdvert, RouteTable } from '../../lib/federation/route-table.ts';
import { InterestOutbox } from './interest-outbox.ts';
import { InterestTable } from './interest-table.ts';

export type InterestRouting = 'route-tree' | 'split-horizon';

export interface SimBot {
  url: string;
  relay: boolean;
  peers: string[];
  routes: RouteTable;
  interest: InterestTable;
  outboxes: Map<string, InterestOutbox>;
  seen: Set<string>;
}

export interface InterestTraffic {
  messages: number;
  snapshotRequests: number;
  /** Author handles carried by the messages actually sent (deltas, and snapshots when needed). */
  authorsCarried: number;
  /** JSON bytes of those handles (`"nick@host",`). */
  carriedBytes: number;
  /** Author handles a full-snapshot-on-every-change protocol would have carried. */
  fullSnapshotAuthors: number;
  fullSnapshotBytes: number;
  /** Bytes a Bloom filter (1 % false positives) of the full set on every change would have taken. */
  bloomBytes: number;
}

export const emptyTraffic = (): InterestTraffic => ({
  messages: 0,
  snapshotRequests: 0,
  authorsCarried: 0,
  carriedBytes: 0,
  fullSnapshotAuthors: 0,
  fullSnapshotBytes: 0,
  bloomBytes: 0,
});

export function addTraffic(a: InterestTraffic, b: InterestTraffic): InterestTraffic {
  return {
    messages: a.messages + b.messages,
    snapshotRequests: a.snapshotRequests + b.snapshotRequests,
    authorsCarried: a.authorsCarried + b.authorsCarried,
    carriedBytes: a.carriedBytes + b.carriedBytes,
    fullSnapshotAuthors: a.fullSnapshotAuthors + b.fullSnapshotAuthors,
    fullSnapshotBytes: a.fullSnapshotBytes + b.fullSnapshotBytes,
    bloomBytes: a.bloomBytes + b.bloomBytes,
  };
}

const BLOOM_BITS_PER_ITEM_AT_1_PERCENT = 9.585;

const jsonBytes = (handles: readonly string[]): number => handles.reduce((n, h) => n + h.length + 3, 0);

export interface PostMessage {
  from: string;
  to: string;
  envelope: Envelope;
}

export class FederationNetwork {
  readonly bots = new Map<string, SimBot>();
  readonly botByAuthority = new Map<string, string>();
  routeMessages = 0;
  traffic = emptyTraffic();
  /** Bots that are off: they send and receive nothing. */
  readonly down = new Set<string>();
  /** The caller's clock (simulate.ts sets it every tick); before any run, long ago. */
  now = Number.NEGATIVE_INFINITY;
  private readonly dirty = new Set<string>();
  /** The last advert each bot sent each peer: only changes are sent again. */
  private readonly lastSent = new Map<string, string>();

  /**
   * `relays`: the bots that relay (super-peers); all of them when omitted (a mesh of relays).
   * `graceTicks`: how long a removed interest is still served (interest-table.ts, hold-down).
   */
  constructor(
    urls: readonly string[],
    edges: ReadonlyArray<readonly [string, string]>,
    routing: InterestRouting,
    relays?: ReadonlySet<string>,
    options: { graceTicks?: number } = {},
  ) {
    const now = () => this.now;
    const graceTicks = options.graceTicks ?? 0;
    for (const url of urls) {
      const routes = new RouteTable(url);
      const interest = new InterestTable(url, {
        now,
        graceTicks,
        ...(routing === 'route-tree' ? { nextHopFor: (authority: string) => routes.nextHop(authority) } : {}),
      });
      const relay = relays === undefined || relays.has(url);
      this.bots.set(url, { url, relay, peers: [], routes, interest, outboxes: new Map(), seen: new Set() });
      this.botByAuthority.set(new URL(url).host, url);
    }
    for (const [a, b] of edges) {
      this.link(a, b);
      this.link(b, a);
    }
  }

  bot(url: string): SimBot {
    const bot = this.bots.get(url);
    if (bot === undefined) throw new Error(`no bot ${url}`);
    return bot;
  }

  originOf(author: string): string {
    const bot = this.botByAuthority.get(authorityOfHandle(author));
    if (bot === undefined) throw new Error(`no bot hosts ${author}`);
    return bot;
  }

  /** Runs the distance-vector exchange until no table changes. */
  convergeRoutes(): void {
    const lastSent = this.lastSent;
    let queue: Array<{ to: string; from: string }> = [];
    const announce = (bot: SimBot): void => {
      if (this.down.has(bot.url)) return;
      for (const peer of bot.peers) if (!this.down.has(peer)) queue.push({ to: peer, from: bot.url });
    };
    for (const bot of this.bots.values()) announce(bot);
    while (queue.length > 0) {
      const changed = new Set<string>();
      for (const { to, from } of queue) {
        const advert = this.advert(this.bot(from), to);
        const key = `${from} ${to}`;
        const body = JSON.stringify(advert.routes);
        if (lastSent.get(key) === body) continue;
        lastSent.set(key, body);
        this.routeMessages++;
        if (this.bot(to).routes.receive(advert)) changed.add(to);
      }
      queue = [];
      for (const url of changed) {
        this.dirty.add(url);
        announce(this.bot(url));
      }
    }
  }

  follow(botUrl: string, author: string): void {
    if (this.bot(botUrl).interest.addLocalFollow(author)) this.dirty.add(botUrl);
  }

  unfollow(botUrl: string, author: string): void {
    if (this.bot(botUrl).interest.removeLocalFollow(author)) this.dirty.add(botUrl);
  }

  /**
   * Exchanges interest messages in rounds (each bot batches its changes into one message per
   * peer per round) until nothing changes. `drop` can lose messages to exercise gap recovery.
   */
  propagateInterest(drop?: (to: string, message: InterestMessage) => boolean): InterestTraffic {
    const before = this.traffic;
    this.traffic = emptyTraffic();
    let queue: Array<{ to: string; message: InterestMessage }> = [];
    while (this.dirty.size > 0 || queue.length > 0) {
      for (const url of this.dirty) {
        if (this.down.has(url)) continue;
        const bot = this.bot(url);
        for (const peer of bot.peers) {
          if (this.down.has(peer)) continue;
          const next = bot.interest.upstreamInterest(peer);
          const update = this.outbox(bot, peer).update(next);
          if (update !== null) queue.push({ to: peer, message: this.count(update, next) });
        }
      }
      this.dirty.clear();
      const delivering = queue;
      queue = [];
      for (const { to, message } of delivering) {
        if (drop?.(to, message)) continue;
        const receiver = this.bot(to);
        if (message.type === 'interest-snapshot-request') {
          const snapshot = this.outbox(receiver, message.from).snapshot();
          queue.push({ to: message.from, message: this.count(snapshot, snapshot.full) });
          continue;
        }
        const result = receiver.interest.receive(message);
        if (result.status === 'gap') {
          if (result.request) {
            this.traffic.snapshotRequests++;
            queue.push({ to: message.from, message: result.request });
          }
        } else if (result.status === 'applied' && result.changed) {
          this.dirty.add(to);
        }
      }
    }
    const round = this.traffic;
    this.traffic = addTraffic(before, round);
    return round;
  }

  /** `bot` goes off (its state is kept, as on disk); nobody has noticed yet. */
  takeDown(botUrl: string): void {
    this.down.add(botUrl);
  }

  /**
   * The live neighbours of `botUrl` notice it is down (a failed send or missed heartbeats) and
   * mark it down in their route tables. Call `settle` after (once for several changes).
   */
  noticeDown(botUrl: string): void {
    for (const peer of this.bot(botUrl).peers) {
      if (!this.down.has(peer) && this.bot(peer).routes.markDown(botUrl)) this.dirty.add(peer);
    }
  }

  /** These bots are back on: they send and receive again (with what they knew before). */
  wake(botUrls: Iterable<string>): void {
    for (const botUrl of botUrls) this.down.delete(botUrl);
  }

  /**
   * Their neighbours notice these bots are back (their first message, or a heartbeat), mark them up,
   * and routes and interest are re-advertised and re-registered.
   */
  noticeUp(botUrls: Iterable<string>): void {
    for (const botUrl of botUrls) {
      this.dirty.add(botUrl);
      for (const peer of this.bot(botUrl).peers) {
        this.bot(peer).routes.markUp(botUrl);
        this.dirty.add(peer);
      }
    }
    this.settle();
  }

  /** A new link (a leaf connecting to another super-peer). Call `settle` after. */
  connect(a: string, b: string): void {
    this.link(a, b);
    this.link(b, a);
  }

  /** Route adverts and interest run to their fixed point (control messages are small and fast). */
  settle(): void {
    this.convergeRoutes();
    this.propagateInterest();
  }

  /**
   * `botUrl` could not send `envelope` to a down peer: its other peers that now want the post and
   * have not had it from `botUrl` (`sentTo`) get it (lib/federation/relay-router.ts).
   */
  reroute(
    botUrl: string,
    from: string | null,
    envelope: Envelope,
    sentTo: ReadonlySet<string>,
  ): RouteDecision {
    const bot = this.bot(botUrl);
    if (from !== null && !bot.relay)
      return { deliverLocally: false, forwardTo: [], envelope: null, hopLimitReached: false };
    return rerouteAfterFailure({
      self: bot.url,
      envelope,
      author: envelope.author,
      receivedFrom: from,
      peers: bot.peers,
      interestTable: bot.interest,
      sentTo,
    });
  }

  /** A new post by `author` at its origin bot: the origin's routing decision (forwards included). */
  publish(author: string, postId: string, maxHops?: number): { origin: string; decision: RouteDecision } {
    const origin = this.originOf(author);
    const envelope = createEnvelope({
      postId,
      author,
      origin,
      ...(maxHops === undefined ? {} : { maxHops }),
    });
    return { origin, decision: this.receive(origin, null, envelope) };
  }

  /** `bot` handles a post that arrived from `from` (null: one of its own members wrote it). */
  receive(botUrl: string, from: string | null, envelope: Envelope): RouteDecision {
    const bot = this.bot(botUrl);
    const decision = routePost({
      self: bot.url,
      envelope,
      author: envelope.author,
      receivedFrom: from,
      peers: bot.peers,
      interestTable: bot.interest,
      seen: bot.seen,
    });
    if (decision.dropped === undefined) bot.seen.add(envelope.postId);
    // A plain bot echoes what it receives but never passes it on.
    if (from !== null && !bot.relay && decision.dropped === undefined)
      return { ...decision, forwardTo: [], envelope: null, hopLimitReached: false };
    return decision;
  }

  /** Delivers one post everywhere, instantly and in FIFO order; returns every message sent. */
  deliverAll(
    author: string,
    postId: string,
    maxHops?: number,
  ): { messages: PostMessage[]; receivedBy: string[] } {
    const { origin, decision } = this.publish(author, postId, maxHops);
    const messages: PostMessage[] = [];
    const receivedBy: string[] = [];
    const send = (from: string, d: RouteDecision): void => {
      if (d.envelope === null) return;
      for (const to of d.forwardTo) messages.push({ from, to, envelope: d.envelope });
    };
    send(origin, decision);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (message === undefined) break;
      const d = this.receive(message.to, message.from, message.envelope);
      if (d.deliverLocally) receivedBy.push(message.to);
      send(message.to, d);
    }
    return { messages, receivedBy };
  }

  /** What `bot` tells `peer` about routes: a relay passes on what it knows, a plain bot only itself. */
  private advert(bot: SimBot, peer: string): RouteAdvert {
    if (bot.relay) return bot.routes.advertFor(peer);
    return { type: 'routes', from: bot.url, routes: { [bot.routes.selfAuthority]: 0 } };
  }

  private link(a: string, b: string): void {
    const bot = this.bot(a);
    if (bot.peers.includes(b)) return;
    this.dirty.add(a);
    bot.peers.push(b);
    bot.routes.addPeer(b);
  }

  private outbox(bot: SimBot, peer: string): InterestOutbox {
    let outbox = bot.outboxes.get(peer);
    if (outbox === undefined) {
      outbox = new InterestOutbox(bot.url, 'epoch-1');
      bot.outboxes.set(peer, outbox);
    }
    return outbox;
  }

  private count(update: InterestUpdate, full: Iterable<string>): InterestUpdate {
    const carried = update.type === 'interest-delta' ? [...update.add, ...update.remove] : update.full;
    const fullList = [...full];
    this.traffic.messages++;
    this.traffic.authorsCarried += authorsCarried(update);
    this.traffic.carriedBytes += jsonBytes(carried);
    this.traffic.fullSnapshotAuthors += fullList.length;
    this.traffic.fullSnapshotBytes += jsonBytes(fullList);
    this.traffic.bloomBytes += Math.ceil(
      (Math.max(1, fullList.length) * BLOOM_BITS_PER_ITEM_AT_1_PERCENT) / 8,
    );
    return update;
  }
}
