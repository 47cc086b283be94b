/**
 * The shape `npm run network` builds: bot 1 is the super-peer every other bot peers with, and the
 * other bots also peer with their neighbour in a ring (so the graph has cycles). Peering is
 * symmetric: each side lists the other.
 */
export interface NetworkPlan {
  name: string;
  port: number;
  relay: boolean;
  peers: number[];
}

export function planNetwork(bots: number, basePort: number): NetworkPlan[] {
  if (!Number.isInteger(bots) || bots < 2 || bots > 20) throw new Error('--bots must be 2 to 20');
  const plans: NetworkPlan[] = [];
  const links = new Set<string>();
  const link = (a: number, b: number) => {
    if (a !== b) links.add(a < b ? `${a}-${b}` : `${b}-${a}`);
  };
  for (let i = 1; i < bots; i++) link(0, i);
  // A ring through the plain bots once there are at least three of them.
  if (bots >= 4) for (let i = 1; i < bots; i++) link(i, i + 1 < bots ? i + 1 : 1);
  for (let i = 0; i < bots; i++) {
    const peers = [...links]
      .map((l) => l.split('-').map(Number))
      .flatMap(([a, b]) => (a === i ? [b] : b === i ? [a] : []))
      .filter((n): n is number => n !== undefined)
      .sort((x, y) => x - y);
    plans.push({ name: `bot${i + 1}`, port: basePort + i, relay: i === 0, peers });
  }
  return plans;
}
