/** Random bot topologies and follow graphs for the federation simulation (seeded). */
import type { Rng } from './prng.ts';

export interface Topology {
  /** `hosted-super-peer`: the super-peer topology whose super-peers are hosted bots with many members. */
  kind: 'super-peer' | 'hosted-super-peer' | 'mesh';
  bots: string[];
  superPeers: string[];
  edges: Array<[string, string]>;
  /**
   * Each leaf's upstream list (its `ECHOBOT_UPSTREAM`, in order) and how many of them it keeps
   * connected: it starts on the first `keep`, and replaces one that is down with the next live one.
   */
  upstreams: Map<string, { candidates: string[]; keep: number }>;
}

export const botUrl = (i: number): string => `https://bot${i}.example`;

function edgeSet(): { add(a: string, b: string): boolean; list: Array<[string, string]> } {
  const seen = new Set<string>();
  const list: Array<[string, string]> = [];
  return {
    list,
    add(a, b) {
      if (a === b) return false;
      const key = a < b ? `${a} ${b}` : `${b} ${a}`;
      if (seen.has(key)) return false;
      seen.add(key);
      list.push([a, b]);
      return true;
    },
  };
}

/** A random spanning tree (each node attaches to an earlier one) plus `extra` random edges: connected, with cycles. */
function treePlusEdges(rng: Rng, nodes: string[], extra: number, edges = edgeSet()): Array<[string, string]> {
  for (let i = 1; i < nodes.length; i++) {
    const a = nodes[i];
    const b = nodes[rng.int(i)];
    if (a !== undefined && b !== undefined) edges.add(a, b);
  }
  let added = 0;
  let attempts = 0;
  while (added < extra && attempts < extra * 50 && nodes.length > 2) {
    attempts++;
    if (edges.add(rng.pick(nodes), rng.pick(nodes))) added++;
  }
  return edges.list;
}

/**
 * `superPeers` super-peers linked to each other (`full`: every pair, as a handful of hosted
 * super-peers would peer; `sparse`: a random spanning tree plus about half as many extra links),
 * every other bot a leaf. Each leaf lists `upstreamCandidates` super-peers and keeps one connected,
 * or two for `multiHomedShare` of the leaves.
 */
export function superPeerTopology(
  rng: Rng,
  options: {
    bots: number;
    superPeers: number;
    multiHomedShare: number;
    superPeerLinks: 'full' | 'sparse';
    upstreamCandidates: number;
  },
  kind: 'super-peer' | 'hosted-super-peer' = 'super-peer',
): Topology {
  const bots = Array.from({ length: options.bots }, (_, i) => botUrl(i));
  const superPeers = bots.slice(0, options.superPeers);
  const edges = edgeSet();
  if (options.superPeerLinks === 'full') {
    for (const a of superPeers) for (const b of superPeers) if (a < b) edges.add(a, b);
  } else {
    treePlusEdges(rng, superPeers, Math.max(1, Math.ceil(options.superPeers / 2)), edges);
  }
  const upstreams = new Map<string, { candidates: string[]; keep: number }>();
  for (const leaf of bots.slice(options.superPeers)) {
    const candidates = rng.shuffle([...superPeers]).slice(0, Math.max(1, options.upstreamCandidates));
    const keep = Math.min(candidates.length, rng.next() < options.multiHomedShare ? 2 : 1);
    for (const up of candidates.slice(0, keep)) edges.add(leaf, up);
    upstreams.set(leaf, { candidates, keep });
  }
  return { kind, bots, superPeers, edges: edges.list, upstreams };
}

/** A connected random mesh with the given mean degree. */
export function meshTopology(rng: Rng, options: { bots: number; meanDegree: number }): Topology {
  const bots = Array.from({ length: options.bots }, (_, i) => botUrl(i));
  const extra = Math.max(0, Math.round((options.meanDegree * options.bots) / 2) - (options.bots - 1));
  return { kind: 'mesh', bots, superPeers: [], edges: treePlusEdges(rng, bots, extra), upstreams: new Map() };
}

export interface FollowGraph {
  /** author handle -> its bot */
  authors: Map<string, string>;
  /** bot -> (author -> number of its members following) */
  follows: Map<string, Map<string, number>>;
}

/**
 * Each bot has `membersOf(bot)` members (authors `m<k>@bot<i>.example`); each member follows
 * `followsPerMember` authors on other bots, drawn with Zipf(`skew`) popularity over a random ranking.
 */
export function followGraph(
  rng: Rng,
  bots: readonly string[],
  options: { membersOf: (bot: string) => number; followsPerMember: number; skew: number },
): FollowGraph {
  const authors = new Map<string, string>();
  for (const bot of bots) {
    const host = new URL(bot).host;
    for (let k = 0; k < options.membersOf(bot); k++) authors.set(`m${k}@${host}`, bot);
  }
  const ranked = rng.shuffle([...authors.keys()]);
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 0; r < ranked.length; r++) {
    total += 1 / (r + 1) ** options.skew;
    cumulative.push(total);
  }
  const draw = (): string => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) < x) lo = mid + 1;
      else hi = mid;
    }
    return ranked[lo] ?? rng.pick(ranked);
  };
  const follows = new Map<string, Map<string, number>>();
  for (const bot of bots) {
    const counts = new Map<string, number>();
    for (let k = 0; k < options.membersOf(bot); k++) {
      const mine = new Set<string>();
      for (
        let attempt = 0;
        mine.size < options.followsPerMember && attempt < options.followsPerMember * 20;
        attempt++
      ) {
        const author = draw();
        if (authors.get(author) !== bot) mine.add(author);
      }
      for (const author of mine) counts.set(author, (counts.get(author) ?? 0) + 1);
    }
    follows.set(bot, counts);
  }
  return { authors, follows };
}
