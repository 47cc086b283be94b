import { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { storeContract } from '../contracts/store.ts';
import { freshTable } from '../support/aws-local.ts';

// The Store port has one adapter: DynamoDB (the local node runs it against DynamoDB Local).
storeContract('DynamoDB (DynamoDB Local)', async (pageSize) => {
  const { doc, table } = await freshTable();
  return new DynamoStore(doc, table, pageSize);
});
