/**
 * `npm run bench [-- --quick]`: the figures behind the README's Performance section. Prints a
 * table and writes bench/results/bench.json. Loopback only; about 5-10 minutes on 2 cores
 * (`--quick`: smaller cases, for a smoke run). Not part of `npm test`; the counting middleware
 * has its own test (test/integration/bench-counter.test.ts).
 */
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'ERROR';

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoLocal } from '../local/dynamodb-local.ts';
import { startQueueLocal } from '../local/queue-local.ts';
import { coldStart } from './cold-start.ts';
import { costModel, PRICES, smsParts, sumSqsRequests } from './cost-model.ts';
import { runFederationSimulation } from './federation/simulate.ts';
import { echoLatency, ingestThroughput } from './local-node.ts';
import { type PipelineRun, runPipeline, stopFakeSns } from './pipeline-cost.ts';
import {
  measurePeerRelay,
  measureRemoteEchoes,
  type PeerRelayFigures,
  type RemoteEchoFigures,
} from './remote-echoes.ts';
import { callsOf, sumCounts } from './support/aws-counter.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const started = Date.now();
const rows: Array<[string, string, string]> = [];
const row = (figure: string, value: string, target = '') => {
  rows.push([figure, value, target]);
  console.log(`  ${figure}: ${value}${target ? `   [${target}]` : ''}`);
};
const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const usd = (n: number) => `$${n.toFixed(2)}`;

// (a) Fanout cost per echo, and (b) the cost model, against DynamoDB Local and fauxqs.
console.log('(a) fanout cost per echo');
const dynamo = await startDynamoLocal();
const queue = await startQueueLocal();
const env = { dynamoEndpoint: dynamo.endpoint, sqs: queue.sqs, queueUrl: queue.queueUrl };
const fanout: Array<ReturnType<typeof fanoutFigures>> = [];
let costRun: PipelineRun;
let remote: RemoteEchoFigures;
let peerRelay: PeerRelayFigures;
function fanoutFigures(r: PipelineRun) {
  const echoPath = sumCounts(r.fanout.counts, r.deliver.counts);
  return {
    recipients: r.recipientsPerPost,
    echoes: r.echoes,
    jobs: r.jobs,
    snsPublishPerSms: r.smsPublished / Math.max(1, r.echoes),
    sqsRequestsPerEcho: sumSqsRequests(echoPath) / Math.max(1, r.echoes),
    sqsRequests: sumSqsRequests(echoPath),
    // Member pages (1 MB each); the other reads are the post's rules (mode, unfollows, relations).
    recipientPages: r.memberPages,
    ruleReads: callsOf(r.fanout.counts, 'DynamoDB.') - r.memberPages,
    fanoutReadUnits: Object.entries(r.fanout.counts)
      .filter(([k]) => k.startsWith('DynamoDB.'))
      .reduce((s, [, t]) => s + t.readUnits, 0),
    deliverBatchGets: r.deliver.counts['DynamoDB.BatchGetItem']?.calls ?? 0,
    deliverReadUnitsPerEcho:
      (r.deliver.counts['DynamoDB.BatchGetItem']?.readUnits ?? 0) / Math.max(1, r.echoes),
    dynamoCallsPerEcho: callsOf(echoPath, 'DynamoDB.') / Math.max(1, r.echoes),
    writeUnitsPerJob:
      Object.entries(r.deliver.counts)
        .filter(([k]) => k.startsWith('DynamoDB.'))
        .reduce((s, [, t]) => s + t.writeUnits, 0) / Math.max(1, r.jobs),
    counts: { ingest: r.ingest.counts, fanout: r.fanout.counts, deliver: r.deliver.counts },
  };
}
try {
  for (const n of quick ? [10, 1000] : [10, 1000, 10_000]) {
    const r = await runPipeline(env, { members: n + 1, posts: 1 });
    const x = fanoutFigures(r);
    fanout.push(x);
    row(`N=${n}: SNS Publish per SMS`, f(x.snsPublishPerSms), 'exactly 1');
    row(
      `N=${n}: SQS requests per echo`,
      `${f(x.sqsRequestsPerEcho, 4)} (${x.sqsRequests} for ${x.echoes} echoes, ${x.jobs} jobs)`,
      '<= 0.01',
    );
    row(
      `N=${n}: table reads`,
      `fanout ${x.recipientPages} member page(s) + ${x.ruleReads} rule read(s) (${f(x.fanoutReadUnits, 1)} RRU); deliver ${x.deliverBatchGets} BatchGet (${f(x.deliverReadUnitsPerEcho)} RRU/echo)`,
      'scale with pages',
    );
  }
  console.log('(b) cost model');
  costRun = await runPipeline(env, { members: 11, posts: quick ? 30 : 100 });
  console.log('(a) remote echoes: ActivityPub servers and peers');
  remote = await measureRemoteEchoes(dynamo.endpoint);
  peerRelay = await measurePeerRelay(dynamo.endpoint);
} finally {
  await stopFakeSns();
  await queue.stop();
  await dynamo.stop();
}
const cost = costModel(costRun);
for (const l of cost.lines) console.log(`    ${l.item}: $${f(l.perPost * 1e6)} per M posts`);
row(
  'per M posts, 10 non-SMS recipients each (echo path requests)',
  usd(cost.echoPathPerMillionPosts),
  '<= $2',
);
row('  same, one SQS message + invocation per echo', usd(cost.oneCallPerEchoPerMillionPosts), '~ $16');
row(
  '  ratio (one call per echo / batched)',
  f(cost.oneCallPerEchoPerMillionPosts / cost.echoPathPerMillionPosts, 1),
);
row(
  '  echo path Lambda duration, as measured here',
  usd(cost.echoPathDurationPerMillionPosts),
  'machine-bound',
);
row('  with ingest (webhook reads + transaction), requests', usd(cost.withIngestPerMillionPosts));
const sms = {
  shortEcho: smsParts('alice: hello everyone'),
  longEcho: smsParts(`alice: ${'x'.repeat(280)}`),
  emojiEcho: smsParts(`alice: ${'😀'.repeat(40)}`),
};
row(
  'SMS parts per echo',
  `${sms.shortEcho} (short), ${sms.longEcho} (280 GSM chars), ${sms.emojiEcho} (40 emoji); x $${PRICES.smsPartUs}/part (US, before carrier fees)`,
  'separate',
);
row(
  'remote echoes: POSTs per shared-inbox server per post',
  `${f(remote.postsPerPeerServer)} (${remote.peerServers} servers, ${remote.remoteFollowers} remote followers, ${remote.localPosts} posts, ${remote.posts} POSTs)`,
  '1',
);
for (const s of remote.servers.filter((x) => !x.sharedInbox))
  row(
    '  server without a shared inbox, POSTs per post',
    `${f(s.postsPerPost, 0)} (${s.followers} followers: one per follower inbox)`,
  );
row('  POSTs per remote follower per post', f(remote.postsPerRemoteFollower, 4), 'never 1');
row(
  'peer relay: POSTs per post',
  `${f(peerRelay.postsPerPost)} to ${peerRelay.interestedPeers} interested peers, ${peerRelay.postsToOthers} to ${peerRelay.otherPeers} others (${peerRelay.localPosts} posts)`,
  '1 per interested peer',
);

// (c) Echo latency and (d) ingest on the local node.
console.log('(c) echo latency on the local node');
const latency = await echoLatency(
  quick
    ? [
        { followers: 1, samples: 10 },
        { followers: 100, samples: 5 },
      ]
    : [
        { followers: 1, samples: 20 },
        { followers: 100, samples: 10 },
        { followers: 10_000, samples: 3 },
      ],
);
for (const l of latency)
  row(
    `echo latency, ${l.followers} follower(s)`,
    `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (${l.samples} posts)`,
  );
console.log('(d) ingest');
const ingest = await ingestThroughput({ requests: quick ? 300 : 600, concurrency: 16 });
row(
  'ingest, signed webhooks',
  `${f(ingest.node.perSecond, 0)}/s, p99 ${f(ingest.node.p99Ms, 1)} ms; bare Node server ${f(ingest.bare.perSecond, 0)}/s, p99 ${f(ingest.bare.p99Ms, 1)} ms`,
);
row('  ratio (node / bare)', f(ingest.ratio, 3));

console.log('(e) cold start');
const bundles = await coldStart({ runs: quick ? 3 : 7 });
for (const b of bundles)
  row(
    `${b.fn} bundle, ${b.variant}`,
    `${f(b.bytes / 1024, 1)} KiB, import ${f(b.importMs, 0)} ms`,
    '<= 300 KB',
  );

console.log('(f) federation at scale');
const federation = runFederationSimulation(quick ? { bots: 60, posts: 500 } : {});
for (const t of federation.topologies) {
  row(
    `federation ${t.topology}: completeness`,
    `${f(t.routed.completeness * 100)} %, ${f(t.routed.messagesPerInterestedReached)} msgs per interested bot reached, hops mean ${f(t.routed.hops.mean)} max ${t.routed.hops.max}`,
  );
  row(
    `  ${t.outage.downBots} bots down (20%) and back`,
    `during ${f(t.outage.completenessDuringOutage * 100)} %, after ${f(t.outage.completeness * 100)} %, dups ${t.outage.duplicatesReceived}`,
  );
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const elapsedMs = Date.now() - started;
const width = Math.max(...rows.map(([a]) => a.length));
console.log(`\n${'figure'.padEnd(width)}  value  [target]`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(width)}  ${b}${c ? `  [${c}]` : ''}`);
console.log(
  `\n${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${Math.round(elapsedMs / 1000)} s${quick ? ' (quick)' : ''}`,
);

const out = join(import.meta.dirname, 'results', quick ? 'bench-quick.json' : 'bench.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      ranAt: new Date(started).toISOString(),
      elapsedMs,
      quick,
      machine,
      prices: PRICES,
      table: rows.map(([figure, value, target]) => ({ figure, value, target })),
      fanout,
      cost: { ...cost, smsParts: sms },
      remoteEchoes: remote,
      peerRelay,
      latency,
      ingest,
      coldStart: bundles,
      federation: federation.topologies.map((t) => ({
        topology: t.topology,
        routed: t.routed,
        outage: t.outage,
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${out}`);
