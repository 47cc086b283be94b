import { DynamoJobClaims } from '../../lib/adapters/dynamodb/dynamo-job-claims.ts';
import { jobClaimsContract } from '../contracts/job-claims.ts';
import { freshTable } from '../support/aws-local.ts';

// The JobClaims port has one adapter: DynamoDB (the local node runs it against DynamoDB Local).
jobClaimsContract('DynamoDB (DynamoDB Local)', async () => {
  const { doc, table } = await freshTable();
  return new DynamoJobClaims(doc, table);
});
