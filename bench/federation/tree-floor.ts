/**
 * The fewest messages any routing could use to get each post from its author's bot to every
 * interested bot on a super-peer topology (figure (4)'s floor): an exact minimum over which
 * super-peers relay. Only super-peers relay (a leaf never forwards), so a post's tree is its
 * origin, the relaying super-peers (linked to each other through the relays alone) and the
 * interested bots, each interested leaf hanging off a relay; it costs one message per bot in it
 * but the origin. Brute force over subsets of the super-peers: fine for a handful of them.
 */
import type { Topology } from './graph.ts';

export interface TreeFloor {
  messages: number;
  reached: number;
  messagesPerInterestedReached: number;
}

const MAX_SUPER_PEERS = 16;

export function treeFloor(
  topology: Topology,
  posts: ReadonlyArray<{ origin: string; interested: readonly string[] }>,
): TreeFloor | null {
  if (topology.kind === 'mesh' || topology.superPeers.length > MAX_SUPER_PEERS) return null;
  const supers = new Set(topology.superPeers);
  const neighbours = new Map<string, Set<string>>(topology.bots.map((b) => [b, new Set()]));
  for (const [a, b] of topology.edges) {
    neighbours.get(a)?.add(b);
    neighbours.get(b)?.add(a);
  }
  const connected = (nodes: ReadonlySet<string>, start: string): boolean => {
    const seen = new Set([start]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const next of neighbours.get(queue[i] ?? '') ?? []) {
        if (nodes.has(next) && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen.size === nodes.size;
  };
  let messages = 0;
  let reached = 0;
  for (const post of posts) {
    if (post.interested.length === 0) continue;
    const free = [post.origin, ...post.interested].filter((b) => supers.has(b));
    const optional = topology.superPeers.filter((s) => !free.includes(s));
    const leaves = post.interested.filter((b) => !supers.has(b));
    let best = Number.POSITIVE_INFINITY;
    for (let mask = 0; mask < 1 << optional.length; mask++) {
      const relays = new Set(free);
      optional.forEach((s, i) => {
        if (mask & (1 << i)) relays.add(s);
      });
      const extra = relays.size - free.length;
      if (extra + post.interested.length >= best) continue;
      const core = new Set([...relays, post.origin]);
      if (!connected(core, post.origin)) continue;
      const hung = leaves.every((leaf) => [...(neighbours.get(leaf) ?? [])].some((n) => relays.has(n)));
      if (!hung && leaves.length > 0) continue;
      best = core.size - 1 + leaves.filter((l) => l !== post.origin).length;
    }
    if (!Number.isFinite(best)) continue;
    messages += best;
    reached += post.interested.length;
  }
  return { messages, reached, messagesPerInterestedReached: reached === 0 ? 0 : messages / reached };
}
