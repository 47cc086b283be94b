/**
 * The inbox's baseline: a bare Node server that makes, per signed Create, exactly the DynamoDB
 * requests echobot's inbox makes for a public note from a known, healthy sender nobody here follows
 * (what the bench sends): the one consistent BatchGetItem of `inboundView` (host, actor, relay
 * join, the note's tombstone), the Query of `followedLocally` (nobody: no task), then the
 * TransactWriteItems of `applyInbound` (the activity id). Through the same adapter calls,
 * into its own table in the same DynamoDB Local, with no signature check, schema parsing or
 * stream consumer: its rate is DynamoDB Local's own for the inbox's store calls.
 */
import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { newId } from '../lib/domain/ids.ts';
import type { RemoteActor } from '../lib/ports/federation.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';

const CreateIds = z.object({ id: z.string(), actor: z.string(), object: z.object({ id: z.string() }) });

export async function startBareInbox(endpoint: string, sender: RemoteActor) {
  const doc = documentClient({ ...LOCAL_AWS, endpoint });
  const table = `bare-inbox-${newId().slice(0, 12).toLowerCase()}`;
  const plain = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ensureTable(plain, table);
  plain.destroy();
  const store = new DynamoFederationStore(doc, table);
  await store.putActor(sender);
  const inbox = async (body: string) => {
    const create = CreateIds.parse(JSON.parse(body));
    const view = await store.inboundView({
      signer: create.actor,
      host: new URL(create.actor).host,
      postIds: [create.object.id],
    });
    if (!view.signer || view.hostFailing || view.deletedPosts.size > 0)
      throw new Error('bare inbox: an unknown, failing or deleted sender');
    if (await store.followedLocally(view.signer.handle)) throw new Error('bare inbox: a followed sender');
    const fresh = await store.applyInbound(create.id, new Date(), []);
    if (!fresh) throw new Error('bare inbox: a duplicate');
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inbox(Buffer.concat(chunks).toString('utf8')).then(
        () => {
          res.writeHead(202, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('accepted\n');
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    inbox: `http://127.0.0.1:${port}/inbox`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      doc.destroy();
    },
  };
}
