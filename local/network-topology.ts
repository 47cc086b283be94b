/**
 * The shape `npm run network` builds: the first `superPeers` bots are super-peers linked to each
 * other; every other bot peers with one of them (round robin: with one super-peer, all with it)
 * and with its neighbour in a ring through the plain bots (so the graph has cycles). Peering is
 * symmetric: each side lists the other. Leaves come after the bots: each has two upstreams among
 * the super-peers (one when there is only one) and no peers.
 */
export interface NetworkPlan {
  name: string;
  /** The bot's own URL port; a leaf's URL reaches nothing (it listens on another, free port). */
  port: number;
  relay: boolean;
  peers: number[];
  /** A leaf: the super-peers (indices) it polls. */
  upstreams?: number[];
}

export interface NetworkShape {
  /** 1 to the number of bots; default 1, or 2 when there are leaves (so each has two upstreams). */
  superPeers?: number;
  /** 0 to 20 leaves. */
  leaves?: number;
}

export function planNetwork(bots: number, basePort: number, shape: NetworkShape = {}): NetworkPlan[] {
  if (!Number.isInteger(bots) || bots < 2 || bots > 20) throw new Error('--bots must be 2 to 20');
  const leaves = shape.leaves ?? 0;
  if (!Number.isInteger(leaves) || leaves < 0 || leaves > 20) throw new Error('--leaves must be 0 to 20');
  const superPeers = shape.superPeers ?? (leaves > 0 ? 2 : 1);
  if (!Number.isInteger(superPeers) || superPeers < 1 || superPeers > bots)
    throw new Error(`--super-peers must be 1 to the number of bots (${bots})`);
  const plans: NetworkPlan[] = [];
  const links = new Set<string>();
  const link = (a: number, b: number) => {
    if (a !== b) links.add(a < b ? `${a}-${b}` : `${b}-${a}`);
  };
  for (let a = 0; a < superPeers; a++) for (let b = a + 1; b < superPeers; b++) link(a, b);
  for (let i = superPeers; i < bots; i++) link(i % superPeers, i);
  // A ring through the plain bots once there are at least three of them.
  const plain = bots - superPeers;
  if (plain >= 3) for (let i = superPeers; i < bots; i++) link(i, i + 1 < bots ? i + 1 : superPeers);
  for (let i = 0; i < bots; i++) {
    const peers = [...links]
      .map((l) => l.split('-').map(Number))
      .flatMap(([a, b]) => (a === i ? [b] : b === i ? [a] : []))
      .filter((n): n is number => n !== undefined)
      .sort((x, y) => x - y);
    plans.push({ name: `bot${i + 1}`, port: basePort + i, relay: i < superPeers, peers });
  }
  for (let j = 0; j < leaves; j++)
    plans.push({
      name: `leaf${j + 1}`,
      port: basePort + bots + j,
      relay: false,
      peers: [],
      upstreams: [...new Set([j % superPeers, (j + 1) % superPeers])].sort((x, y) => x - y),
    });
  return plans;
}
