import { DynamoRelayStore } from '../../lib/adapters/dynamodb/dynamo-relay-store.ts';
import { relayStoreContract } from '../contracts/relay-store.ts';
import { freshTable } from '../support/aws-local.ts';

// One adapter: DynamoDB. The local node (`npm start`) runs the same adapter against DynamoDB Local.
relayStoreContract('DynamoDB (DynamoDB Local)', async () => {
  const { doc, table } = await freshTable();
  return new DynamoRelayStore(doc, table);
});
