/**
 * `npx node --cpu-prof --import tsx bench/inbox-profile.ts [deliveries]`: the inbox's one-at-a-time
 * path (the breakdown of bench/inbox-throughput.ts) against a fresh DynamoDB Local, for a CPU
 * profile of where the time outside the store goes. Prints the breakdown; writes nothing else.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { LOCAL_AWS, startDynamoLocal } from '../local/dynamodb-local.ts';
import { startFakeFediverse } from '../test/fakes/fake-fediverse.ts';
import { breakdown } from './inbox-throughput.ts';

const dynamo = await startDynamoLocal();
const plain = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
await ensureTable(plain, 'prof');
plain.destroy();
const client = await startFakeFediverse();
try {
  await breakdown(client, dynamo.endpoint, 'prof', 50); // warm-up: JIT, connections, the key
  console.log(
    JSON.stringify(await breakdown(client, dynamo.endpoint, 'prof', Number(process.argv[2] ?? 300)), null, 2),
  );
} finally {
  await client.close();
  await dynamo.stop();
}
