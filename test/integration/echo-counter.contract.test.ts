import { DynamoStats } from '../../lib/adapters/dynamodb/dynamo-stats.ts';
import { PendingEchoCounts } from '../../lib/adapters/pending-echo-counts.ts';
import { echoCounterContract } from '../contracts/echo-counter.ts';
import { freshTable } from '../support/aws-local.ts';

// The EchoCounter port: the table's day and hour counters, and the deliver function's per-invocation buffer in front of them.
echoCounterContract('DynamoDB counters (DynamoDB Local)', async () => {
  const { doc, table } = await freshTable();
  const stats = new DynamoStats(doc, table);
  return { counter: stats, settle: async () => undefined, stats };
});

echoCounterContract('PendingEchoCounts flushed to DynamoDB counters', async () => {
  const { doc, table } = await freshTable();
  const stats = new DynamoStats(doc, table);
  const pending = new PendingEchoCounts();
  return { counter: pending, settle: (at) => pending.flush(stats, at), stats };
});
