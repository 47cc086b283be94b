import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoFederationStore } from '../../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { newId } from '../../lib/domain/ids.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { createSafeFetch } from '../../lib/federation/safe-fetch.ts';
import { localContext } from '../../local/lambda-context.ts';
import { startFakeFediverse } from '../fakes/fake-fediverse.ts';
import { TOKEN } from '../fakes/function-url-event.ts';
import { freshTable } from '../support/aws-local.ts';
import { AP_TARGET_NICK, activityPubRoute } from './support/activitypub-route.ts';
import { IM_SECRET, INBOUND_ROUTES, TELEGRAM_SECRET } from './support/inbound-routes.ts';

/** One member reachable on every inbound route's channel kind (activitypub: the remote follower's nick). */
const ADDRESS = { sms: '+15550009999', telegram: '424242', im: 'u-42', activitypub: 'carol' } as const;

/** The outside fediverse server whose actor signs the inbox requests (its key is fetched over loopback). */
const fediverse = await startFakeFediverse();
afterAll(() => fediverse.close());

async function app() {
  const t = await freshTable();
  const federation = new DynamoFederationStore(t.doc, t.table);
  const http = createHttpApp({
    ingest: { store: t.store, now: () => new Date(), newId },
    twilioAuthToken: async () => TOKEN,
    telegramSecretToken: async () => TELEGRAM_SECRET,
    imSecret: async () => IM_SECRET,
    log: () => undefined,
    federation: {
      keys: generateBotKeyPair(),
      // Loopback key fetches, as ECHOBOT_ALLOW_PRIVATE=1 allows them on the local node.
      fetch: createSafeFetch({ allowPrivate: true }),
      store: federation,
      members: t.store,
      allowPrivate: true,
      now: () => new Date(),
      newId,
      log: () => undefined,
    },
  });
  const items = async () => (await t.doc.send(new ScanCommand({ TableName: t.table }))).Items ?? [];
  return { ...t, call: (e: Parameters<typeof http>[0]) => http(e, localContext('http')), items };
}

describe.each([...INBOUND_ROUTES, activityPubRoute(fediverse)])('forgeries: $name', (route) => {
  it('verifies the provider’s published example signature', async () => {
    expect(await route.publishedExampleVerifies()).toBe(true);
  });

  it('refuses every mutated request with a 4xx and writes nothing; the genuine one is accepted', async () => {
    const a = await app();
    const joinedAt = new Date().toISOString();
    const joined = await a.store.commit({ key: 'seed:forgeries', at: joinedAt }, [
      {
        kind: 'createMember',
        member: {
          id: 'id-forgeries',
          nick: AP_TARGET_NICK,
          channels: [`sms:${ADDRESS.sms}`, `telegram:${ADDRESS.telegram}`, `im:${ADDRESS.im}`],
          optedOut: [],
          joinedAt,
        },
      },
    ]);
    expect(joined.ok).toBe(true);
    const from = ADDRESS[route.kind];
    const before = await a.items();
    const forgeries = route.forgeries(from, 'forged hello');
    expect(forgeries.length).toBeGreaterThanOrEqual(200);
    const accepted: string[] = [];
    for (const f of forgeries) {
      const res = await a.call(f.event);
      const status = res.statusCode ?? 0;
      if ((status < 400 || status >= 500) && status !== f.alsoRefused) accepted.push(`${f.what}: ${status}`);
    }
    expect(accepted).toEqual([]);
    expect(await a.items()).toEqual(before);
    // The same request unmutated goes through, so the suite can tell a refusal from a broken route.
    const { status, itemPrefix } = route.accepted ?? { status: 200, itemPrefix: 'POST#' };
    expect((await a.call(route.genuine(from, 'real hello'))).statusCode).toBe(status);
    expect((await a.items()).filter((i) => String(i.pk).startsWith(itemPrefix))).toHaveLength(1);
    // The inbox's ~1,600 forgeries cost an RSA verification each, some a key fetch: slow on a loaded machine.
  }, 240_000);
});
