import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { dynamoOffsetStore } from '../../lib/adapters/dynamodb/dynamo-offset-store.ts';
import { fileOffsetStore } from '../../lib/adapters/file-offset-store.ts';
import { offsetStoreContract } from '../contracts/offset-store.ts';
import { freshTable } from '../support/aws-local.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// A file per store locally (`npm start`), an item per store in the table deployed.
offsetStoreContract('a JSON file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'echobot-offsets-'));
  dirs.push(dir);
  return { open: (name) => fileOffsetStore(join(dir, `${name}.json`)) };
});

offsetStoreContract('DynamoDB (DynamoDB Local)', async () => {
  const { doc, table } = await freshTable();
  return { open: (name) => dynamoOffsetStore(doc, table, name) };
});
