/**
 * Discrete-event simulation of echobot federation: random topologies (super-peers with leaves,
 * and a random mesh), a skewed follow graph, interest propagation to a fixed point (plus
 * follow/unfollow churn), then posts routed with routePost, compared with naive flooding and
 * with split-horizon-only interest, and replayed with a share of bots down (messages to a down
 * bot wait in a per-edge retry queue and are delivered when it returns). Seeded: reproducible.
 */
import { createEnvelope, DEFAULT_MAX_HOPS, type Envelope } from '../../lib/federation/envelope.ts';
import { type FollowGraph, followGraph, meshTopology, superPeerTopology, type Topology } from './graph.ts';
import {
  addTraffic,
  emptyTraffic,
  FederationNetwork,
  type InterestRouting,
  type InterestTraffic,
} from './network.ts';
import { createRng, type Rng } from './prng.ts';

export interface SimulationOptions {
  seed: number;
  bots: number;
  superPeers: number;
  /** Share of leaves linked to a second super-peer. */
  multiHomedShare: number;
  meshDegree: number;
  membersPerBot: number;
  followsPerMember: number;
  /** Zipf exponent of author popularity. */
  skew: number;
  posts: number;
  /** Posts are spread evenly over this many ticks; a message takes 1-3 ticks. */
  ticks: number;
  maxHops: number;
  /** Follow/unfollow operations after the initial fixed point, each propagated on its own. */
  churnOps: number;
  downShare: number;
  /** Outage window as fractions of `ticks`. */
  downFrom: number;
  downUntil: number;
  topologies: ReadonlyArray<Topology['kind']>;
}

export const defaultSimulationOptions: SimulationOptions = {
  seed: 42,
  bots: 120,
  superPeers: 10,
  multiHomedShare: 0.2,
  meshDegree: 4,
  membersPerBot: 5,
  followsPerMember: 4,
  skew: 1,
  posts: 2000,
  ticks: 200,
  maxHops: DEFAULT_MAX_HOPS,
  churnOps: 300,
  downShare: 0.2,
  downFrom: 0.25,
  downUntil: 0.75,
  topologies: ['super-peer', 'mesh'],
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
  duplicatesReceived: number;
  /** Messages to a bot that neither wanted the post nor passed it on (stale interest); null for flooding. */
  deadEndMessages: number | null;
  hopLimitStops: number;
  hops: HopStats;
}

export interface OutageFigures extends DeliveryFigures {
  downBots: number;
  completenessDuringOutage: number;
  queuedForRetry: number;
  largestEdgeQueue: number;
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

type Event =
  | { kind: 'publish'; post: Post; id: string }
  | { kind: 'message'; from: string; to: string; envelope: Envelope; post: Post };

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

function buildNetwork(topology: Topology, graph: FollowGraph, routing: InterestRouting): FederationNetwork {
  const net = new FederationNetwork(topology.bots, topology.edges, routing);
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

function runRouted(
  net: FederationNetwork,
  posts: readonly Post[],
  options: SimulationOptions,
  rng: Rng,
  label: string,
  down: ReadonlySet<string> = new Set(),
): OutageFigures {
  const downFrom = Math.floor(options.ticks * options.downFrom);
  const downUntil = Math.floor(options.ticks * options.downUntil);
  const isDown = (bot: string, tick: number) => down.has(bot) && tick >= downFrom && tick < downUntil;
  const buckets: Event[][] = [];
  const schedule = (tick: number, event: Event): void => {
    let bucket = buckets[tick];
    if (bucket === undefined) {
      bucket = [];
      buckets[tick] = bucket;
    }
    bucket.push(event);
  };
  const retryQueues = new Map<string, Array<Extract<Event, { kind: 'message' }>>>();
  let messages = 0;
  let duplicates = 0;
  let deadEnds = 0;
  let hopLimitStops = 0;
  let queued = 0;
  let largestQueue = 0;
  let delivered = 0;
  let deliveredEarly = 0;
  const hops: number[] = [];
  posts.forEach((post, i) => {
    schedule(post.tick, { kind: 'publish', post, id: `${post.origin}/posts/${label}-${i}` });
  });
  const forward = (
    from: string,
    tick: number,
    post: Post,
    decision: ReturnType<FederationNetwork['receive']>,
  ) => {
    if (decision.hopLimitReached) hopLimitStops++;
    if (decision.envelope === null) return;
    for (const to of decision.forwardTo) {
      messages++;
      schedule(tick + 1 + rng.int(3), { kind: 'message', from, to, envelope: decision.envelope, post });
    }
  };
  for (let tick = 0; tick < buckets.length || (down.size > 0 && tick <= downUntil); tick++) {
    if (tick === downUntil && down.size > 0) {
      deliveredEarly = delivered;
      for (const queue of retryQueues.values()) for (const event of queue) schedule(tick, event);
      retryQueues.clear();
    }
    for (const event of buckets[tick] ?? []) {
      if (event.kind === 'publish') {
        if (isDown(event.post.origin, tick)) {
          schedule(downUntil, event);
          continue;
        }
        const envelope = createEnvelope({
          postId: event.id,
          author: event.post.author,
          origin: event.post.origin,
          maxHops: options.maxHops,
        });
        forward(event.post.origin, tick, event.post, net.receive(event.post.origin, null, envelope));
        continue;
      }
      if (isDown(event.to, tick)) {
        const key = `${event.from} ${event.to}`;
        const queue = retryQueues.get(key) ?? [];
        queue.push(event);
        retryQueues.set(key, queue);
        queued++;
        largestQueue = Math.max(largestQueue, queue.length);
        continue;
      }
      const decision = net.receive(event.to, event.from, event.envelope);
      if (decision.dropped === 'duplicate') duplicates++;
      else if (!decision.deliverLocally && decision.forwardTo.length === 0) deadEnds++;
      if (decision.deliverLocally) {
        delivered++;
        hops.push(event.envelope.hops);
      }
      forward(event.to, tick, event.post, decision);
    }
    buckets[tick] = [];
  }
  const withInterest = posts.filter((p) => p.interested.length > 0);
  const pairs = withInterest.reduce((n, p) => n + p.interested.length, 0);
  const pairsBeforeRecovery = withInterest
    .filter((p) => p.tick < downUntil)
    .reduce((n, p) => n + p.interested.length, 0);
  return {
    postsWithInterest: withInterest.length,
    interestedPairs: pairs,
    deliveredPairs: delivered,
    completeness: pairs === 0 ? 1 : delivered / pairs,
    messages,
    messagesPerInterestedReached: delivered === 0 ? 0 : messages / delivered,
    duplicatesReceived: duplicates,
    deadEndMessages: deadEnds,
    hopLimitStops,
    hops: hopStats(hops),
    downBots: down.size,
    completenessDuringOutage:
      down.size === 0 || pairsBeforeRecovery === 0 ? 1 : deliveredEarly / pairsBeforeRecovery,
    queuedForRetry: queued,
    largestEdgeQueue: largestQueue,
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
    duplicatesReceived: duplicates,
    deadEndMessages: null,
    hopLimitStops: 0,
    hops: hopStats(hops),
  };
}

function deliveryOnly(figures: OutageFigures): DeliveryFigures {
  const { downBots, completenessDuringOutage, queuedForRetry, largestEdgeQueue, ...rest } = figures;
  return rest;
}

function simulateTopology(kind: Topology['kind'], options: SimulationOptions, seed: number): TopologyFigures {
  const rng = createRng(seed);
  const topology =
    kind === 'super-peer'
      ? superPeerTopology(rng, {
          bots: options.bots,
          superPeers: options.superPeers,
          multiHomedShare: options.multiHomedShare,
        })
      : meshTopology(rng, { bots: options.bots, meanDegree: options.meshDegree });
  const graph = followGraph(rng, topology.bots, options);
  const net = buildNetwork(topology, graph, 'route-tree');
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
  const routed = deliveryOnly(runRouted(net, posts, options, rng, 'routed'));
  const down = new Set(
    rng.shuffle([...topology.bots]).slice(0, Math.round(topology.bots.length * options.downShare)),
  );
  const outage = runRouted(net, posts, options, rng, 'outage', down);
  const splitNet = buildNetwork(topology, graph, 'split-horizon');
  const splitHorizonOnly = deliveryOnly(runRouted(splitNet, posts, options, rng, 'split'));
  let follows = 0;
  for (const counts of graph.follows.values()) for (const n of counts.values()) follows += n;
  return {
    topology: kind,
    bots: topology.bots.length,
    superPeers: topology.superPeers.length,
    links: topology.edges.length,
    follows,
    routeAdverts: net.routeMessages,
    interestInitial,
    interestChurn: { ...interestChurn, operations: options.churnOps },
    routed,
    flooding: runFlooding(topology, posts),
    splitHorizonOnly,
    outage,
  };
}

export function runFederationSimulation(options: Partial<SimulationOptions> = {}): SimulationResult {
  const merged: SimulationOptions = { ...defaultSimulationOptions, ...options };
  const started = performance.now();
  const topologies = merged.topologies.map((kind, i) => simulateTopology(kind, merged, merged.seed * 31 + i));
  return { options: merged, elapsedMs: Math.round(performance.now() - started), topologies };
}
