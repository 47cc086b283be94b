/**
 * `tsx bench/federation/run.ts [--bots N] [--posts N] [--seed N]`: runs the federation
 * simulation, prints a table and writes bench/results/federation.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type DeliveryFigures, runFederationSimulation, type TopologyFigures } from './simulate.ts';

const { values } = parseArgs({
  options: {
    bots: { type: 'string', default: '120' },
    posts: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '42' },
  },
});

const result = runFederationSimulation({
  bots: Number(values.bots),
  posts: Number(values.posts),
  seed: Number(values.seed),
});

const f2 = (n: number) => n.toFixed(2);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const pct = (n: number) => `${(n * 100).toFixed(2)} %`;
const delivery = (d: DeliveryFigures) =>
  `completeness ${pct(d.completeness)}, ${d.messages} msgs, ${f2(d.messagesPerInterestedReached)} msgs/reached, ` +
  `duplicate copies ${d.duplicateMessages} (echoed twice ${d.duplicatesReceived})${d.deadEndMessages === null ? '' : `, dead ends ${d.deadEndMessages}`}, hops mean ${f2(d.hops.mean)} p99 ${d.hops.p99} max ${d.hops.max}`;

function print(t: TopologyFigures): void {
  const rows: Array<[string, string]> = [
    ['bots / super-peers / links', `${t.bots} / ${t.superPeers} / ${t.links}`],
    ['follows (after churn)', String(t.follows)],
    ['route adverts to converge', String(t.routeAdverts)],
    [
      'interest, initial fixed point',
      `${t.interestInitial.messages} msgs, ${t.interestInitial.authorsCarried} authors ` +
        `(${kb(t.interestInitial.carriedBytes)}; as Bloom filters ${kb(t.interestInitial.bloomBytes)})`,
    ],
    [
      `interest, ${t.interestChurn.operations} follow/unfollow ops`,
      `${t.interestChurn.messages} msgs; deltas ${t.interestChurn.authorsCarried} authors ` +
        `(${kb(t.interestChurn.carriedBytes)}) vs full snapshots ${t.interestChurn.fullSnapshotAuthors} ` +
        `(${kb(t.interestChurn.fullSnapshotBytes)}) vs Bloom filters ${kb(t.interestChurn.bloomBytes)}; ` +
        `${t.interestChurn.snapshotRequests} snapshot requests`,
    ],
    [
      'posts with >= 1 interested bot',
      `${t.routed.postsWithInterest} (${t.routed.interestedPairs} post x bot pairs)`,
    ],
    ['routed (next-hop interest)', `${delivery(t.routed)}, hop-limit stops ${t.routed.hopLimitStops}`],
    ['split-horizon interest only', delivery(t.splitHorizonOnly)],
    ['naive flooding', delivery(t.flooding)],
    [
      'fewest messages any routing needs',
      t.treeFloor === null
        ? 'n/a (computed for super-peers only)'
        : `${t.treeFloor.messages} msgs, ${f2(t.treeFloor.messagesPerInterestedReached)} msgs/reached`,
    ],
    [
      `outage: ${t.outage.downBots} bots down (${t.outage.downSuperPeers} super-peers)`,
      `during outage ${pct(t.outage.completenessDuringOutage)} of ${t.outage.bothUpPairs} pairs with both bots up, ` +
        `after recovery ${pct(t.outage.completeness)}, echoed twice ${t.outage.duplicatesReceived}; ` +
        `${t.outage.rerouted} failed sends re-routed, ${t.outage.queuedForRetry} msgs held for down bots, ` +
        `${t.outage.duplicateMessages} duplicate copies dropped, ${f2(t.outage.messagesPerInterestedReached)} msgs/reached`,
    ],
    [
      'the four figures',
      `(1) ${pct(t.outage.completenessDuringOutage)} during outage [>= 99 %], (2) ${pct(t.outage.completeness)} after [100 %], ` +
        `(3) ${t.outage.duplicatesReceived} echoed twice [0], (4) ${f2(t.routed.messagesPerInterestedReached)} msgs per interested bot [<= 1.2]` +
        (t.treeFloor === null ? '' : ` (floor ${f2(t.treeFloor.messagesPerInterestedReached)})`),
    ],
  ];
  console.log(`\n== ${t.topology} ==`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

for (const topology of result.topologies) print(topology);
console.log(
  `\n(${result.options.bots} bots, ${result.options.posts} posts, seed ${result.options.seed}, ${result.elapsedMs} ms)`,
);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'federation.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
