/**
 * `npx tsx bench/cost-only.ts [posts]`: only the cost model of `npm run bench` (section b), its
 * lines per million posts x 10 non-SMS echoes and the DynamoDB calls per phase, in about 20 s.
 * For working on the echo path's cost without the whole bench; prints, writes nothing.
 */
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'ERROR';

import { startDynamoLocal } from '../local/dynamodb-local.ts';
import { startQueueLocal } from '../local/queue-local.ts';
import { costModel } from './cost-model.ts';
import { runPipeline, stopFakeSns } from './pipeline-cost.ts';

const posts = Number(process.argv[2] ?? 30);
const dynamo = await startDynamoLocal();
const queue = await startQueueLocal();
try {
  const run = await runPipeline(
    { dynamoEndpoint: dynamo.endpoint, sqs: queue.sqs, queueUrl: queue.queueUrl },
    { members: 11, posts },
  );
  if (run.echoes !== posts * 10) throw new Error(`${run.echoes} echoes of ${posts * 10}`);
  const cost = costModel(run);
  for (const l of cost.lines) console.log(`${l.item}: $${(l.perPost * 1e6).toFixed(3)} per M posts`);
  console.log(`echo path requests: $${cost.echoPathPerMillionPosts.toFixed(2)} per M posts (target <= $2)`);
  console.log(`with ingest: $${cost.withIngestPerMillionPosts.toFixed(2)} per M posts`);
  for (const phase of ['ingest', 'fanout', 'deliver'] as const)
    for (const [kind, t] of Object.entries(run[phase].counts))
      if (kind.startsWith('DynamoDB.'))
        console.log(
          `  ${phase} ${kind}: ${(t.calls / posts).toFixed(2)} calls, ${(t.writeUnits / posts).toFixed(2)} WRU, ${(t.readUnits / posts).toFixed(2)} RRU per post`,
        );
} finally {
  await stopFakeSns();
  await queue.stop();
  await dynamo.stop();
}
