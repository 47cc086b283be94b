import { createServer } from 'node:http';
import { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { composePeering } from '../../lib/compose/peering.ts';
import { leafRoutes } from '../../lib/drivers/routes/leaf-routes.ts';
import { errorResponse } from '../../lib/edges/http-errors.ts';
import { createRouter } from '../../lib/edges/http-router.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import type { PeerPost } from '../../lib/federation/peer-messages.ts';
import { freePort } from '../../local/free-port.ts';
import { readBody, toFunctionUrlEvent, writeResult } from '../../local/http-event.ts';
import { freshTable } from './aws-local.ts';

/** The bot whose member's posts the super-peer holds for its leaf. */
export const FAR = 'https://far.example';

/**
 * A super-peer on loopback: the real leaf routes (register, inbox) on a fresh table of the shared
 * DynamoDB Local, answering polls at once like Lambda. `holdPost` does what its deliver function
 * does with a post routed to a registered leaf; `forget` rebuilds it on an empty table.
 */
export async function startLoopbackSuperPeer(leaf: string) {
  const key = generateBotKeyPair();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const compose = async () => {
    const { doc, table } = await freshTable();
    return composePeering({
      url,
      options: { relay: true, allowPrivate: true, leafMaxWaitSeconds: 0 },
      key: async () => key,
      doc,
      table,
      store: new DynamoStore(doc, table),
      now: () => new Date(),
      log: () => undefined,
    });
  };
  let peering = await compose();
  let route = createRouter(leafRoutes(peering.leafRoutes));
  const server = createServer(async (req, res) => {
    const event = toFunctionUrlEvent(req, await readBody(req), `127.0.0.1:${port}`);
    writeResult(res, await route(event).catch(errorResponse));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  let n = 0;
  return {
    url,
    get peering() {
      return peering;
    },
    async holdPost(text: string) {
      n += 1;
      const id = `${FAR}/posts/${n}`;
      const author = 'alice@far.example';
      const post: PeerPost = {
        type: 'post',
        envelope: { postId: id, author, origin: FAR, hops: 2, maxHops: 10, path: [FAR, url] },
        post: { id, author, text, createdAt: new Date().toISOString() },
      };
      await peering.leaves.hold(leaf, JSON.stringify(post), new Date());
    },
    async forget() {
      peering = await compose();
      route = createRouter(leafRoutes(peering.leafRoutes));
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
