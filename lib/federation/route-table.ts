/**
 * Which peer is the next hop toward each echobot: a tiny distance-vector protocol (RIP-like).
 *
 * Why interest needs it: split horizon alone ("pass interest to every peer except the one it came
 * from") is loop-free on a tree but not on a mesh with cycles: interest in an author then reaches
 * the author's bot along every path, the post comes back down every path, and interested bots get
 * duplicates (dropped by de-duplication, but still sent). Because a handle names its origin bot
 * (`nick@host`), each bot can instead register interest in an author only with its next hop toward
 * that author's bot. Those next hops form a shortest-path tree rooted at the origin, so a post
 * travels down that tree and reaches every interested bot exactly once (reverse-path forwarding,
 * as in DVMRP). When no route is known, interest falls back to split horizon (see `shouldRegister`
 * in lib/usecases/peer-inbound.ts and peer-outbound.ts).
 *
 * Adverts are full tables (`authority -> distance`), sent to a peer only when they change, with
 * split horizon: routes learnt from a peer are not advertised back to it. Infinity is 16, the
 * envelope's hop ceiling, so a count-to-infinity after a link loss ends quickly. Ties between
 * equally short routes go to the lexicographically smallest peer URL, so the tree is stable.
 *
 * Liveness: a peer we cannot reach (a failed send, missed heartbeats) is marked down. Its routes
 * are set aside, not forgotten, so every next hop through it moves at once to the best live
 * alternative this table already learnt from other peers (no new advert needed), and it comes
 * back unchanged when the peer is marked up. A changed table is re-advertised and interest
 * re-registered along the new next hops, so posts take the live route instead of waiting.
 */

import * as z from 'zod/mini';
import { authorityOfBot, BotUrlSchema } from '../domain/addresses.ts';
import '../domain/zod-messages.ts';
import { HOP_LIMIT_CEILING } from './envelope.ts';

export const ROUTE_INFINITY = HOP_LIMIT_CEILING;
const MAX_ROUTES = 100_000;

export const RouteAdvertSchema = z.object({
  type: z.literal('routes'),
  from: BotUrlSchema,
  routes: z
    .record(z.string().check(z.maxLength(300)), z.int().check(z.gte(0)).check(z.lte(ROUTE_INFINITY)))
    .check(z.refine((r) => Object.keys(r).length <= MAX_ROUTES, 'too many routes')),
});

export type RouteAdvert = z.infer<typeof RouteAdvertSchema>;

interface Route {
  distance: number;
  via: string;
}

export class RouteTable {
  readonly self: string;
  readonly selfAuthority: string;
  private readonly learnt = new Map<string, Map<string, number>>();
  private readonly down = new Set<string>();
  private best = new Map<string, Route>();

  /** The table the stored peers, their last adverts and their liveness (`down`) make. */
  static fromPeers(
    self: string,
    peers: readonly { url: string; routes?: Record<string, number>; down?: boolean }[],
  ): RouteTable {
    const table = new RouteTable(self);
    for (const p of peers) table.addPeer(p.url);
    for (const p of peers) if (p.routes) table.receive({ type: 'routes', from: p.url, routes: p.routes });
    for (const p of peers) if (p.down) table.markDown(p.url);
    return table;
  }

  constructor(self: string) {
    this.self = self;
    this.selfAuthority = authorityOfBot(self);
  }

  get peers(): string[] {
    return [...this.learnt.keys()];
  }

  /** Returns true when best routes changed (so adverts should be resent). */
  addPeer(peer: string): boolean {
    if (this.learnt.has(peer)) return false;
    this.learnt.set(peer, new Map());
    return this.recompute();
  }

  removePeer(peer: string): boolean {
    if (!this.learnt.delete(peer)) return false;
    this.down.delete(peer);
    return this.recompute();
  }

  /** The peer cannot be reached: route around it. Returns true when best routes changed. */
  markDown(peer: string): boolean {
    if (!this.learnt.has(peer) || this.down.has(peer)) return false;
    this.down.add(peer);
    return this.recompute();
  }

  /** The peer answers again: its routes count again. Returns true when best routes changed. */
  markUp(peer: string): boolean {
    if (!this.down.delete(peer)) return false;
    return this.recompute();
  }

  isLive(peer: string): boolean {
    return this.learnt.has(peer) && !this.down.has(peer);
  }

  /** Applies a peer's full advert. Returns true when best routes changed. */
  receive(advert: RouteAdvert): boolean {
    if (!this.learnt.has(advert.from)) return false;
    const routes = new Map<string, number>();
    for (const [authority, distance] of Object.entries(advert.routes)) routes.set(authority, distance);
    this.learnt.set(advert.from, routes);
    return this.recompute();
  }

  /** What to tell `peer`: every finite route except those learnt through that peer. */
  advertFor(peer: string): RouteAdvert {
    const routes: Record<string, number> = {};
    for (const [authority, route] of this.best) {
      if (route.via !== peer) routes[authority] = route.distance;
    }
    return { type: 'routes', from: this.self, routes };
  }

  /** The peer to send toward the bot with this authority; undefined for self or unreachable. */
  nextHop(authority: string): string | undefined {
    const route = this.best.get(authority);
    return route === undefined || route.via === this.self ? undefined : route.via;
  }

  distance(authority: string): number | undefined {
    return this.best.get(authority)?.distance;
  }

  private recompute(): boolean {
    const next = new Map<string, Route>([[this.selfAuthority, { distance: 0, via: this.self }]]);
    const consider = (authority: string, distance: number, via: string): void => {
      if (distance >= ROUTE_INFINITY) return;
      const current = next.get(authority);
      if (
        current === undefined ||
        distance < current.distance ||
        (distance === current.distance && current.via !== this.self && via < current.via)
      ) {
        next.set(authority, { distance, via });
      }
    };
    for (const [peer, routes] of this.learnt) {
      if (this.down.has(peer)) continue;
      consider(authorityOfBot(peer), 1, peer);
      for (const [authority, distance] of routes) consider(authority, distance + 1, peer);
    }
    const changed =
      next.size !== this.best.size ||
      [...next].some(([a, r]) => {
        const old = this.best.get(a);
        return old === undefined || old.distance !== r.distance || old.via !== r.via;
      });
    this.best = next;
    return changed;
  }
}
