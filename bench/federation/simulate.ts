/**
 * Discrete-event simulation of echobot federation: random topologies (super-peers linked to each
 * other with leaves on one or two of them, and a random mesh), a skewed follow graph, interest
 * propagation to a fixed point (plus follow/unfollow churn), then posts routed with routePost,
 * compared with naive flooding and with split-horizon-only interest, and replayed with a share of
 * bots (super-peers included) down: a failed send marks the peer down, routes and interest settle
 * around it, the post takes another live route, and what was meant for the down bot waits for it.
 * Seeded: reproducible.
 */
import { createEnvelope, DEFAULT_MAX_HOPS, type Envelope } from '../../lib/federation/envelope.ts';
import type { RouteDecision } from '../../lib/federation/relay-router.ts';
import { type FollowGraph, followGraph, meshTopology, superPeerTopology, type Topology } from './graph.ts';
import {
  addTraffic,
  emptyTraffic,
  FederationNetwork,
  type InterestRouting,
  type InterestTraffic,
} from './network.ts';
import { createRng, type Rng } from './prng.ts';
import { type TreeFloor, treeFloor } from './tree-floor.ts';

export interface SimulationOptions {
  seed: number;
  bots: number;
  superPeers: number;
  /** Share of leaves linked to a second super-peer. */
  multiHomedShare: number;
  /** How super-peers link to each other: every pair, or a sparse random graph with cycles. */
  superPeerLinks: 'full' | 'sparse';
  /** Super-peers each leaf lists (its ECHOBOT_UPSTREAM); it keeps one or two of them connected. */
  upstreamCandidates: number;
  meshDegree: number;
  membersPerBot: number;
  /** Members of each super-peer in the `hosted-super-peer` topology (a hosted service many people use). */
  membersPerHostedSuperPeer: number;
  followsPerMember: number;
  /** Zipf exponent of author popularity. */
  skew: number;
  posts: number;
  /** Posts are spread evenly over this many ticks; a message takes 1-3 ticks. */
  ticks: number;
  maxHops: number;
  /** Follow/unfollow operations after the initial fixed point, each propagated on its own. */
  churnOps: number;
  /** Share of bots down, super-peers and leaves alike. */
  downShare: number;
  /** A down neighbour is noticed at the first failed send, or at the next heartbeat at the latest. */
  heartbeatTicks: number;
  /**
   * Hold-down: a removed interest is still served this long (ticks), so posts in flight on, or held
   * for a down bot on, the old branch of a moved route still reach the bots that moved away.
   */
  interestGraceTicks: number;
  /** Outage window as fractions of `ticks`. */
  downFrom: number;
  downUntil: number;
  topologies: ReadonlyArray<Topology['kind']>;
}

export const defaultSimulationOptions: SimulationOptions = {
  seed: 42,
  bots: 120,
  superPeers: 10,
  multiHomedShare: 0.5,
  superPeerLinks: 'full',
  upstreamCandidates: 3,
  meshDegree: 4,
  membersPerBot: 5,
  membersPerHostedSuperPeer: 50,
  followsPerMember: 4,
  skew: 1,
  posts: 2000,
  ticks: 200,
  maxHops: DEFAULT_MAX_HOPS,
  churnOps: 300,
  downShare: 0.2,
  heartbeatTicks: 5,
  interestGraceTicks: 10,
  downFrom: 0.25,
  downUntil: 0.75,
  topologies: ['super-peer', 'mesh', 'hosted-super-peer'],
};

export interface HopStats {
  mean: number;
  p99: number;
  max: number;
}

export interface DeliveryFigures {
  postsWithInterest: number;
  interestedPairs: number;
  deliveredPairs: number;
  completeness: number;
  messages: number;
  messagesPerInterestedReached: number;
  /** Copies of a post a bot had already seen (dropped by its de-duplication). */
  duplicateMessages: number;
  /** Posts echoed to a bot's members a second time: must be 0. */
  duplicatesReceived: number;
  /** Messages to a bot that neither wanted the post nor passed it on (stale interest); null for flooding. */
  deadEndMessages: number | null;
  hopLimitStops: number;
  hops: HopStats;
}

export interface OutageFigures extends DeliveryFigures {
  downBots: number;
  downSuperPeers: number;
  /** (post, interested bot) pairs of posts made during the outage whose two bots are both up. */
  bothUpPairs: number;
  /** Share of those pairs reached during the outage (without waiting for a down bot to return). */
  completenessDuringOutage: number;
  /** Messages held for a down bot and sent when it was back. */
  queuedForRetry: number;
  /** Failed sends after which the post went on along another live route. */
  rerouted: number;
}

export interface TopologyFigures {
  topology: Topology['kind'];
  bots: number;
  superPeers: number;
  links: number;
  follows: number;
  routeAdverts: number;
  interestInitial: InterestTraffic;
  interestChurn: InterestTraffic & { operations: number };
  routed: DeliveryFigures;
  flooding: DeliveryFigures;
  splitHorizonOnly: DeliveryFigures;
  /** The fewest messages any routing needs in steady state (super-peer topology only; tree-floor.ts). */
  treeFloor: TreeFloor | null;
  outage: OutageFigures;
}

export interface SimulationResult {
  options: SimulationOptions;
  elapsedMs: number;
  topologies: TopologyFigures[];
}

interface Post {
  author: string;
  origin: string;
  tick: number;
  interested: string[];
}

/** What the sender of a message had received: what it re-routes from when the send fails. */
interface Prev {
  from: string | null;
  envelope: Envelope;
}

interface MessageEvent {
  kind: 'message';
  from: string;
  to: string;
  envelope: Envelope;
  post: Post;
  prev: Prev;
  /** The post waited on the way for a down bot to come back. */
  waited: boolean;
}

type Event = { kind: 'publish'; post: Post; id: string } | MessageEvent;

function hopStats(values: number[]): HopStats {
  if (values.length === 0) return { mean: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    mean: sum / sorted.length,
    p99: sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
}

function interestedIn(graph: FollowGraph, author: string, origin: string): string[] {
  const out: string[] = [];
  for (const [bot, counts] of graph.follows) {
    if (bot !== origin && (counts.get(author) ?? 0) > 0) out.push(bot);
  }
  return out;
}

function buildNetwork(
  topology: Topology,
  graph: FollowGraph,
  routing: InterestRouting,
  graceTicks: number,
): FederationNetwork {
  const relays = topology.kind === 'mesh' ? undefined : new Set(topology.superPeers);
  const net = new FederationNetwork(topology.bots, topology.edges, routing, relays, { graceTicks });
  net.convergeRoutes();
  for (const [bot, counts] of graph.follows) {
    for (const [author, n] of counts) for (let i = 0; i < n; i++) net.follow(bot, author);
  }
  net.propagateInterest();
  return net;
}

/** Random unfollows and new follows, each propagated to a fixed point before the next. */
function churn(rng: Rng, net: FederationNetwork, graph: FollowGraph, operations: number): InterestTraffic {
  let total = emptyTraffic();
  const bots = [...graph.follows.keys()];
  const authors = [...graph.authors.keys()];
  for (let op = 0; op < operations; op++) {
    const bot = rng.pick(bots);
    const counts = graph.follows.get(bot);
    if (counts === undefined) continue;
    const followed = [...counts.keys()];
    if (op % 2 === 0 && followed.length > 0) {
      const author = rng.pick(followed);
      counts.set(author, (counts.get(author) ?? 1) - 1);
      if (counts.get(author) === 0) counts.delete(author);
      net.unfollow(bot, author);
    } else {
      const author = rng.pick(authors);
      if (graph.authors.get(author) === bot) continue;
      counts.set(author, (counts.get(author) ?? 0) + 1);
      net.follow(bot, author);
    }
    total = addTraffic(total, net.propagateInterest());
  }
  return total;
}

interface Outage {
  down: ReadonlySet<string>;
  upstreams: Topology['upstreams'];
}

/**
 * Replays `posts` through the network in ticks. With an outage, the `down` bots go off at
 * `downFrom` and come back at `downUntil`. A send to a down bot fails: the message is held for
 * it (retried when it is back: it may want the post itself), the sender's side notices the bot
 * is down (as every neighbour does at the next heartbeat at the latest), routes and interest
 * settle around it, leaves that lost an upstream connect to their next live one, and the sender
 * re-routes the post to whichever peers want it now (rerouteAfterFailure).
 */
function runRouted(
  net: FederationNetwork,
  posts: readonly Post[],
  options: SimulationOptions,
  rng: Rng,
  label: string,
  outage?: Outage,
): OutageFigures {
  const down = outage?.down ?? new Set<string>();
  const downFrom = Math.floor(options.ticks * options.downFrom);
  const downUntil = Math.floor(options.ticks * options.downUntil);
  const buckets: Event[][] = [];
  const schedule = (tick: number, event: Event): void => {
    let bucket = buckets[tick];
    if (bucket === undefined) {
      bucket = [];
      buckets[tick] = bucket;
    }
    bucket.push(event);
  };
  const held: MessageEvent[] = [];
  const noticed = new Set<string>();
  const sentBy = new Map<string, Set<string>>();
  const deliveredPairs = new Set<string>();
  let messages = 0;
  let duplicateMessages = 0;
  let duplicatesToMembers = 0;
  let deadEnds = 0;
  let hopLimitStops = 0;
  let rerouted = 0;
  let queued = 0;
  let delivered = 0;
  let reachedLive = 0;
  const hops: number[] = [];
  posts.forEach((post, i) => {
    schedule(post.tick, { kind: 'publish', post, id: `${post.origin}/posts/${label}-${i}` });
  });
  const send = (
    tick: number,
    from: string,
    decision: RouteDecision,
    post: Post,
    prev: Prev,
    waited: boolean,
  ) => {
    if (decision.hopLimitReached) hopLimitStops++;
    if (decision.envelope === null) return;
    const key = `${from} ${decision.envelope.postId}`;
    const sent = sentBy.get(key) ?? new Set<string>();
    sentBy.set(key, sent);
    for (const to of decision.forwardTo) {
      if (sent.has(to)) continue;
      sent.add(to);
      messages++;
      const event: MessageEvent = {
        kind: 'message',
        from,
        to,
        envelope: decision.envelope,
        post,
        prev,
        waited,
      };
      schedule(tick + 1 + rng.int(3), event);
    }
  };
  const notice = (bots: Iterable<string>): void => {
    let changed = false;
    for (const bot of bots) {
      if (noticed.has(bot)) continue;
      noticed.add(bot);
      net.noticeDown(bot);
      changed = true;
    }
    if (!changed) return;
    for (const [leaf, { candidates, keep }] of outage?.upstreams ?? []) {
      if (down.has(leaf)) continue;
      const peers = net.bot(leaf).peers;
      let live = peers.filter((p) => !down.has(p)).length;
      for (const candidate of candidates) {
        if (live >= keep) break;
        if (peers.includes(candidate) || down.has(candidate)) continue;
        net.connect(leaf, candidate);
        live++;
      }
    }
    net.settle();
  };
  const lastTick = (): number => Math.max(buckets.length - 1, down.size > 0 ? downUntil : 0);
  for (let tick = 0; tick <= lastTick(); tick++) {
    net.now = tick;
    if (down.size > 0 && tick === downFrom) for (const bot of down) net.takeDown(bot);
    if (down.size > 0 && tick === downFrom + options.heartbeatTicks) notice(down);
    if (down.size > 0 && tick === downUntil) {
      net.wake(down);
      net.noticeUp(down);
      for (const event of held.splice(0)) schedule(tick, { ...event, waited: true });
    }
    const isDown = (bot: string): boolean => net.down.has(bot);
    for (const event of buckets[tick] ?? []) {
      if (event.kind === 'publish') {
        if (isDown(event.post.origin)) {
          // Its members post when it is back.
          schedule(downUntil, event);
          continue;
        }
        const envelope = createEnvelope({
          postId: event.id,
          author: event.post.author,
          origin: event.post.origin,
          maxHops: options.maxHops,
        });
        const prev: Prev = { from: null, envelope };
        send(
          tick,
          event.post.origin,
          net.receive(event.post.origin, null, envelope),
          event.post,
          prev,
          false,
        );
        continue;
      }
      if (isDown(event.to)) {
        held.push(event);
        queued++;
        notice([event.to]);
        const decision = net.reroute(
          event.from,
          event.prev.from,
          event.prev.envelope,
          sentBy.get(`${event.from} ${event.envelope.postId}`) ?? new Set(),
        );
        if (decision.forwardTo.length > 0) rerouted++;
        send(tick, event.from, decision, event.post, event.prev, event.waited);
        continue;
      }
      const decision = net.receive(event.to, event.from, event.envelope);
      if (decision.dropped === 'duplicate') duplicateMessages++;
      else if (!decision.deliverLocally && decision.forwardTo.length === 0) deadEnds++;
      if (decision.deliverLocally) {
        const pair = `${event.envelope.postId} ${event.to}`;
        if (deliveredPairs.has(pair)) duplicatesToMembers++;
        else {
          deliveredPairs.add(pair);
          delivered++;
          hops.push(event.envelope.hops);
          const during = event.post.tick >= downFrom && event.post.tick < downUntil;
          const bothUp = !down.has(event.post.origin) && !down.has(event.to);
          if (during && bothUp && !event.waited) reachedLive++;
        }
      }
      send(
        tick,
        event.to,
        decision,
        event.post,
        { from: event.from, envelope: event.envelope },
        event.waited,
      );
    }
    buckets[tick] = [];
  }
  // Between runs the network is idle for long: no grace carries over into the next run.
  net.now = Number.NEGATIVE_INFINITY;
  const withInterest = posts.filter((p) => p.interested.length > 0);
  const pairs = withInterest.reduce((n, p) => n + p.interested.length, 0);
  const bothUpPairs = withInterest
    .filter((p) => p.tick >= downFrom && p.tick < downUntil && !down.has(p.origin))
    .reduce((n, p) => n + p.interested.filter((b) => !down.has(b)).length, 0);
  return {
    postsWithInterest: withInterest.length,
    interestedPairs: pairs,
    deliveredPairs: delivered,
    completeness: pairs === 0 ? 1 : delivered / pairs,
    messages,
    messagesPerInterestedReached: delivered === 0 ? 0 : messages / delivered,
    duplicateMessages,
    duplicatesReceived: duplicatesToMembers,
    deadEndMessages: deadEnds,
    hopLimitStops,
    hops: hopStats(hops),
    downBots: down.size,
    downSuperPeers: 0,
    bothUpPairs,
    completenessDuringOutage: down.size === 0 || bothUpPairs === 0 ? 1 : reachedLive / bothUpPairs,
    queuedForRetry: queued,
    rerouted,
  };
}

/** Naive flooding: every bot forwards a post the first time it sees it to all its other links. */
function runFlooding(topology: Topology, posts: readonly Post[]): DeliveryFigures {
  const neighbours = new Map<string, string[]>(topology.bots.map((b) => [b, []]));
  for (const [a, b] of topology.edges) {
    neighbours.get(a)?.push(b);
    neighbours.get(b)?.push(a);
  }
  let messages = 0;
  let duplicates = 0;
  let delivered = 0;
  let pairs = 0;
  let withInterest = 0;
  const hops: number[] = [];
  for (const post of posts) {
    if (post.interested.length === 0) continue;
    withInterest++;
    pairs += post.interested.length;
    const depth = new Map<string, number>([[post.origin, 0]]);
    const queue: Array<[string, string | null]> = [[post.origin, null]];
    for (let i = 0; i < queue.length; i++) {
      const [bot, from] = queue[i] ?? ['', null];
      for (const next of neighbours.get(bot) ?? []) {
        if (next === from) continue;
        messages++;
        if (depth.has(next)) {
          duplicates++;
          continue;
        }
        depth.set(next, (depth.get(bot) ?? 0) + 1);
        queue.push([next, bot]);
      }
    }
    for (const bot of post.interested) {
      const d = depth.get(bot);
      if (d === undefined) continue;
      delivered++;
      hops.push(d);
    }
  }
  return {
    postsWithInterest: withInterest,
    interestedPairs: pairs,
    deliveredPairs: delivered,
    completeness: pairs === 0 ? 1 : delivered / pairs,
    messages,
    messagesPerInterestedReached: delivered === 0 ? 0 : messages / delivered,
    duplicateMessages: duplicates,
    duplicatesReceived: 0,
    deadEndMessages: null,
    hopLimitStops: 0,
    hops: hopStats(hops),
  };
}

function deliveryOnly(figures: OutageFigures): DeliveryFigures {
  const {
    downBots,
    downSuperPeers,
    bothUpPairs,
    completenessDuringOutage,
    queuedForRetry,
    rerouted,
    ...rest
  } = figures;
  return rest;
}

/** `share` of the super-peers and `share` of the other bots (so super-peers are always among them). */
function pickDown(rng: Rng, topology: Topology, share: number): Set<string> {
  const supers = new Set(topology.superPeers);
  const others = topology.bots.filter((b) => !supers.has(b));
  const some = (bots: string[]) => rng.shuffle([...bots]).slice(0, Math.round(bots.length * share));
  return new Set([...some(topology.superPeers), ...some(others)]);
}

function simulateTopology(kind: Topology['kind'], options: SimulationOptions, seed: number): TopologyFigures {
  const rng = createRng(seed);
  const topology =
    kind === 'mesh'
      ? meshTopology(rng, { bots: options.bots, meanDegree: options.meshDegree })
      : superPeerTopology(rng, options, kind);
  const supers = new Set(topology.superPeers);
  const graph = followGraph(rng, topology.bots, {
    ...options,
    membersOf: (bot) =>
      kind === 'hosted-super-peer' && supers.has(bot)
        ? options.membersPerHostedSuperPeer
        : options.membersPerBot,
  });
  const net = buildNetwork(topology, graph, 'route-tree', options.interestGraceTicks);
  const interestInitial = { ...net.traffic };
  const interestChurn = churn(rng, net, graph, options.churnOps);

  const authors = [...graph.authors.keys()];
  const posts: Post[] = Array.from({ length: options.posts }, (_, i) => {
    const author = rng.pick(authors);
    const origin = net.originOf(author);
    return {
      author,
      origin,
      tick: Math.floor((i * options.ticks) / options.posts),
      interested: interestedIn(graph, author, origin),
    };
  });
  const routeAdverts = net.routeMessages;
  const routed = deliveryOnly(runRouted(net, posts, options, rng, 'routed'));
  const down = pickDown(rng, topology, options.downShare);
  const outage = {
    ...runRouted(net, posts, options, rng, 'outage', { down, upstreams: topology.upstreams }),
    downSuperPeers: topology.superPeers.filter((b) => down.has(b)).length,
  };
  const splitNet = buildNetwork(topology, graph, 'split-horizon', options.interestGraceTicks);
  const splitHorizonOnly = deliveryOnly(runRouted(splitNet, posts, options, rng, 'split'));
  let follows = 0;
  for (const counts of graph.follows.values()) for (const n of counts.values()) follows += n;
  return {
    topology: kind,
    bots: topology.bots.length,
    superPeers: topology.superPeers.length,
    links: topology.edges.length,
    follows,
    routeAdverts,
    interestInitial,
    interestChurn: { ...interestChurn, operations: options.churnOps },
    routed,
    flooding: runFlooding(topology, posts),
    splitHorizonOnly,
    treeFloor: treeFloor(topology, posts),
    outage,
  };
}

export function runFederationSimulation(options: Partial<SimulationOptions> = {}): SimulationResult {
  const merged: SimulationOptions = { ...defaultSimulationOptions, ...options };
  const started = performance.now();
  const topologies = merged.topologies.map((kind, i) => simulateTopology(kind, merged, merged.seed * 31 + i));
  return { options: merged, elapsedMs: Math.round(performance.now() - started), topologies };
}
