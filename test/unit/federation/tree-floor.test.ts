import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../bench/federation/graph.ts';
import { treeFloor } from '../../../bench/federation/tree-floor.ts';

const url = (name: string) => `https://${name}.example`;
const [S1, S2, S3, L1, L2, L3, L4] = ['s1', 's2', 's3', 'l1', 'l2', 'l3', 'l4'].map(url) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

// Three super-peers in a line (S1 - S2 - S3); L1 on S1, L2 on S3, L3 on S2 and S3, L4 on S1 and S3.
const topology: Topology = {
  kind: 'super-peer',
  bots: [S1, S2, S3, L1, L2, L3, L4],
  superPeers: [S1, S2, S3],
  edges: [
    [S1, S2],
    [S2, S3],
    [L1, S1],
    [L2, S3],
    [L3, S2],
    [L3, S3],
    [L4, S1],
    [L4, S3],
  ],
  upstreams: new Map(),
};

describe('treeFloor: the fewest messages any routing needs', () => {
  it('counts the relays a post must cross, leaves never relaying', () => {
    // L1 -> S1 -> S2 -> S3 -> L2: the two middle super-peers are needed though neither is interested.
    expect(treeFloor(topology, [{ origin: L1, interested: [L2] }])?.messages).toBe(4);
    // L4 is on S1 and S3: S1 -> L4 directly, one relay.
    expect(treeFloor(topology, [{ origin: L1, interested: [L4] }])?.messages).toBe(2);
    // An interested super-peer relays for free: L3 reached from S2 itself.
    const floor = treeFloor(topology, [{ origin: L1, interested: [S2, L3] }]);
    expect(floor?.messages).toBe(3);
    expect(floor?.messagesPerInterestedReached).toBe(1.5);
  });

  it('is not computed for a mesh', () => {
    expect(treeFloor({ ...topology, kind: 'mesh' }, [{ origin: L1, interested: [L2] }])).toBeNull();
  });
});
