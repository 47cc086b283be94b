/**
 * (g) Signed ActivityPub inbox deliveries per second, echobot beside Fedify, on this machine with
 * one client. The client is a loopback fediverse server (test/fakes/fake-fediverse.ts) whose
 * actor signs N distinct public `Create{Note}` POSTs (draft-cavage HTTP Signatures, RSA-SHA256,
 * all signed before the clock starts) to each server's shared inbox over keep-alive
 * connections; both servers fetch that actor's key from it and must answer 2xx to every POST.
 *
 * - echobot: a whole local node (`startLocalNode`, what `npm start` runs): DynamoDB Local for
 *   the table, the stream poller and queue beside it, as a bot on one machine runs.
 * - Fedify: `createFederation` with its in-memory KV store, a shared inbox whose Create listener
 *   does nothing, served by node:http in this process (test/support/fedify-server.ts, as the
 *   test/e2e/fedify-*.test.ts run it).
 *
 * - DynamoDB Local alone (bench/inbox-bare.ts): a bare server making only the inbox's store calls
 *   for each delivery, into the same DynamoDB Local while the node is idle: how close echobot is
 *   to its store's own rate.
 *
 * Where echobot's time goes: the same deliveries run one at a time through the inbox use case
 * (`handleInbox`, no HTTP) with the node's deps (its stores, timeline and relay store) against
 * its DynamoDB Local, timing every store call (and the wall time with one in flight: calls side
 * by side count once), the key fetch, and the rest (signature verification, JSON and schema
 * parsing, SDK marshalling); and signature verification alone, with the key in hand.
 * `npx tsx bench/inbox-only.ts` runs this section alone; `bench/inbox-profile.ts` is a driver
 * for `node --cpu-prof` of the one-at-a-time path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Create, Person } from '@fedify/fedify';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoRelayStore } from '../lib/adapters/dynamodb/dynamo-relay-store.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { DynamoTimeline } from '../lib/adapters/dynamodb/dynamo-timeline.ts';
import { newId } from '../lib/domain/ids.ts';
import { PUBLIC } from '../lib/federation/activities.ts';
import { generateBotKeyPair } from '../lib/federation/bot-keys.ts';
import { verifyRequest } from '../lib/federation/http-signatures.ts';
import { createKeyCache } from '../lib/federation/key-cache.ts';
import { createSafeFetch } from '../lib/federation/safe-fetch.ts';
import { handleInbox } from '../lib/usecases/federation/inbox.ts';
import { actorKeyLoader, type FederationNet } from '../lib/usecases/federation/remote-actors.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { startLocalNode } from '../local/node.ts';
import { type FakeFediverse, startFakeFediverse } from '../test/fakes/fake-fediverse.ts';
import { loopbackFederation, serveFedify } from '../test/support/fedify-server.ts';
import { startBareInbox } from './inbox-bare.ts';
import { BENCH_SAFETY, percentile } from './local-node.ts';

export interface InboxServerFigures {
  server: 'echobot (local node)' | 'Fedify' | 'DynamoDB Local alone';
  deliveries: number;
  concurrency: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * GETs of the sender's actor document during warm-up and the measured run: for its key, and
   * (echobot) for the author of the Create. Concurrent first deliveries each fetch it.
   */
  actorFetches: number;
}

export interface InboxBreakdown {
  deliveries: number;
  /** handleInbox, one delivery at a time, ms each (mean: the parts below add up to it). */
  totalMs: number;
  /** Sequential store round trips per delivery (calls side by side count once). */
  roundTrips: number;
  /** Time per delivery with a store call in flight. */
  storeMs: number;
  /** Per store method: calls per delivery and ms per delivery. */
  store: Array<{ call: string; callsPerDelivery: number; msPerDelivery: number }>;
  keyFetchMsPerDelivery: number;
  /** total - store - key fetch: signature verification, JSON and schema parsing, ids. */
  restMsPerDelivery: number;
  /** verifyRequest alone with the key cached, ms each. */
  verifyMs: number;
}

export interface InboxFigures {
  echobot: InboxServerFigures;
  fedify: InboxServerFigures;
  /** echobot / Fedify deliveries per second (target >= 1). */
  ratio: number;
  /** The inbox's store calls alone, into the same DynamoDB Local (bench/inbox-bare.ts). */
  bare: InboxServerFigures;
  /** echobot / DynamoDB Local alone (1 = the store is the limit). */
  storeRatio: number;
  breakdown: InboxBreakdown;
}

interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const SENDER = 'sender';

/** Distinct public notes from the client's actor, each signed for `inboxUrl`. */
function deliveries(client: FakeFediverse, inboxUrl: string, n: number, tag: string): Delivery[] {
  const actor = client.actor(SENDER);
  const url = new URL(inboxUrl);
  return Array.from({ length: n }, (_, i) => {
    const id = `${actor}/statuses/${tag}-${i}-${newId()}`;
    const published = new Date().toISOString();
    const body = JSON.stringify({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${id}/activity`,
      type: 'Create',
      actor,
      published,
      to: [PUBLIC],
      cc: [`${actor}/followers`],
      object: {
        id,
        type: 'Note',
        attributedTo: actor,
        content: `<p>inbox bench ${tag} ${i}</p>`,
        published,
        to: [PUBLIC],
        cc: [`${actor}/followers`],
      },
    });
    const { Host: _host, ...headers } = client.sign(SENDER, inboxUrl, body);
    return {
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, 'content-type': 'application/activity+json' },
      body,
    };
  });
}

/** POSTs every delivery with `concurrency` keep-alive connections; any answer but 2xx fails the run. */
async function post(port: number, all: readonly Delivery[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const one = (d: Delivery) =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: d.path,
          method: 'POST',
          agent,
          headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () =>
            (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300
              ? resolve(performance.now() - start)
              : reject(new Error(`inbox answered ${res.statusCode}: ${text.slice(0, 200)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(d.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let d = all[next++]; d !== undefined; d = all[next++]) latencies.push(await one(d));
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: all.length / (elapsed / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** A Fedify server with a shared inbox that accepts Create; returns its base URL and how many it got. */
async function startFedify() {
  const federation = loopbackFederation();
  let created = 0;
  // Fedify serves inboxes only beside an actor dispatcher (one actor, for the routes).
  federation.setActorDispatcher('/users/{identifier}', async (ctx, identifier) =>
    identifier === 'bench'
      ? new Person({
          id: ctx.getActorUri(identifier),
          preferredUsername: identifier,
          inbox: ctx.getInboxUri(identifier),
        })
      : null,
  );
  federation.setInboxListeners('/users/{identifier}/inbox', '/inbox').on(Create, async () => {
    created++;
  });
  const server = await serveFedify(federation);
  return { port: server.port, inbox: `${server.base}/inbox`, created: () => created, close: server.close };
}

/** Store calls of the breakdown: per method, and the wall time with at least one in flight. */
interface Tally {
  calls: Map<string, { calls: number; ms: number }>;
  inFlight: number;
  since: number;
  /** Time with a store call in flight (calls run side by side count once). */
  wallMs: number;
  /** Sequential round trips: how often the store went from idle to busy. */
  trips: number;
}

const tally = (): Tally => ({ calls: new Map(), inFlight: 0, since: 0, wallMs: 0, trips: 0 });

/** Wraps every method of a store to add its calls and time to `into`. */
function timed<T extends object>(store: T, into: Tally): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        if (into.inFlight++ === 0) {
          into.since = start;
          into.trips++;
        }
        try {
          return await Reflect.apply(value, target, args);
        } finally {
          const end = performance.now();
          if (--into.inFlight === 0) into.wallMs += end - into.since;
          const t = into.calls.get(String(prop)) ?? { calls: 0, ms: 0 };
          t.calls++;
          t.ms += end - start;
          into.calls.set(String(prop), t);
        }
      };
    },
  });
}

export async function breakdown(client: FakeFediverse, dynamoEndpoint: string, table: string, n: number) {
  const doc = documentClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  try {
    const calls = tally();
    const baseUrl = 'http://127.0.0.1:9';
    const net: FederationNet = {
      baseUrl,
      keys: generateBotKeyPair(),
      fetch: createSafeFetch({ allowPrivate: true }),
      store: timed(new DynamoFederationStore(doc, table), calls),
      allowPrivate: true,
    };
    // The node's inbox deps: its timeline and its relay store (no relay offered, none joined).
    const timeline = timed(new DynamoTimeline(doc, table), calls);
    let keyMs = 0;
    const load = actorKeyLoader(net);
    const cache = createKeyCache({
      load: async (keyId) => {
        const start = performance.now();
        try {
          return await load(keyId);
        } finally {
          keyMs += performance.now() - start;
        }
      },
    });
    const deps = {
      net,
      members: timed(new DynamoStore(doc, table), calls),
      timeline,
      relay: { store: timed(new DynamoRelayStore(doc, table), calls), offered: false },
      fetchKey: cache.fetchKey,
      now: () => new Date(),
      newId,
      log: () => undefined,
    };
    const all = deliveries(client, `${baseUrl}/inbox`, n + 1, 'breakdown');
    const asRequest = (d: Delivery) => ({
      method: 'POST',
      url: `${baseUrl}${d.path}`,
      headers: {
        ...Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v])),
        host: '127.0.0.1:9',
      },
      body: d.body,
    });
    // The first delivery fetches the key and warms up; the rest are measured.
    const [first, ...rest] = all;
    if (first) await handleInbox(deps, asRequest(first));
    Object.assign(calls, tally());
    keyMs = 0;
    const totals: number[] = [];
    let sum = 0;
    for (const d of rest) {
      const start = performance.now();
      const outcome = await handleInbox(deps, asRequest(d));
      if (outcome !== 'accepted') throw new Error(`breakdown delivery was ${outcome}`);
      const t = performance.now() - start;
      totals.push(t);
      sum += t;
    }
    totals.sort((a, b) => a - b);
    const storeMs = calls.wallMs;
    const verifyTimes: number[] = [];
    const key = await cache.fetchKey(`${client.actor(SENDER)}#main-key`, { refresh: false });
    for (const d of rest) {
      const r = asRequest(d);
      const start = performance.now();
      await verifyRequest({ ...r, now: new Date(), fetchKey: async () => key });
      verifyTimes.push(performance.now() - start);
    }
    verifyTimes.sort((a, b) => a - b);
    return {
      deliveries: rest.length,
      totalMs: sum / rest.length,
      roundTrips: calls.trips / rest.length,
      storeMs: storeMs / rest.length,
      store: [...calls.calls.entries()].map(([call, c]) => ({
        call,
        callsPerDelivery: c.calls / rest.length,
        msPerDelivery: c.ms / rest.length,
      })),
      keyFetchMsPerDelivery: keyMs / rest.length,
      restMsPerDelivery: (sum - storeMs - keyMs) / rest.length,
      verifyMs: percentile(verifyTimes, 50),
    };
  } finally {
    doc.destroy();
  }
}

export async function inboxThroughput(options: {
  deliveries: number;
  concurrency: number;
  breakdownDeliveries: number;
  /** Deliveries to each server before measuring (default 50). */
  warmUp?: number;
}): Promise<InboxFigures> {
  const client = await startFakeFediverse();
  try {
    const warmUp = options.warmUp ?? 50;
    // Fedify first, while no bot runs beside it.
    const fed = await startFedify();
    let fedify: InboxServerFigures;
    try {
      const before = client.actorFetches;
      await post(fed.port, deliveries(client, fed.inbox, warmUp, 'warm-up'), options.concurrency);
      const run = await post(
        fed.port,
        deliveries(client, fed.inbox, options.deliveries, 'fedify'),
        options.concurrency,
      );
      if (fed.created() !== warmUp + options.deliveries)
        throw new Error(`Fedify's listener saw ${fed.created()} of ${warmUp + options.deliveries} Creates`);
      fedify = {
        server: 'Fedify',
        deliveries: options.deliveries,
        concurrency: options.concurrency,
        ...run,
        actorFetches: client.actorFetches - before,
      };
    } finally {
      await fed.close();
    }

    const dataDir = await mkdtemp(join(tmpdir(), 'echobot-bench-inbox-'));
    const node = await startLocalNode({
      port: 0,
      dataDir,
      channels: { allowPrivate: true },
      ...BENCH_SAFETY,
    });
    try {
      const inbox = `${node.url}/inbox`;
      const before = client.actorFetches;
      await post(node.port, deliveries(client, inbox, warmUp, 'warm-up'), options.concurrency);
      await node.settle(120_000);
      // DynamoDB Local alone with the inbox's store calls, while the node is idle.
      const bareServer = await startBareInbox(node.dynamoEndpoint, {
        id: client.actor(SENDER),
        handle: `${SENDER}@${client.host}`,
        inbox: `${client.actor(SENDER)}/inbox`,
      });
      let bare: InboxServerFigures;
      try {
        await post(
          bareServer.port,
          deliveries(client, bareServer.inbox, warmUp, 'warm-up'),
          options.concurrency,
        );
        bare = {
          server: 'DynamoDB Local alone',
          deliveries: options.deliveries,
          concurrency: options.concurrency,
          ...(await post(
            bareServer.port,
            deliveries(client, bareServer.inbox, options.deliveries, 'bare'),
            options.concurrency,
          )),
          actorFetches: 0,
        };
      } finally {
        await bareServer.stop();
      }
      const run = await post(
        node.port,
        deliveries(client, inbox, options.deliveries, 'echobot'),
        options.concurrency,
      );
      const echobot: InboxServerFigures = {
        server: 'echobot (local node)',
        deliveries: options.deliveries,
        concurrency: options.concurrency,
        ...run,
        actorFetches: client.actorFetches - before,
      };
      if (!(await node.settle(300_000))) throw new Error('node did not settle after the inbox run');
      return {
        echobot,
        fedify,
        ratio: echobot.perSecond / fedify.perSecond,
        bare,
        storeRatio: echobot.perSecond / bare.perSecond,
        breakdown: await breakdown(client, node.dynamoEndpoint, node.tableName, options.breakdownDeliveries),
      };
    } finally {
      await node.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  } finally {
    await client.close();
  }
}
