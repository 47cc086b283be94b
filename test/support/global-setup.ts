import { startFauxqs } from 'fauxqs';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    fauxqsEndpoint: string;
  }
}

/** One DynamoDB Local (in memory) and one fauxqs for all integration suites; each suite makes its own table and queues. */
export default async function setup(project: TestProject) {
  const [dynamo, fauxqs] = await Promise.all([
    startDynamoLocal(),
    startFauxqs({ port: 0, host: '127.0.0.1', logger: false }),
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('fauxqsEndpoint', fauxqs.address);
  return async () => {
    await Promise.all([dynamo.stop(), fauxqs.stop()]);
  };
}
