/**
 * (c) Echo latency and (d) ingest throughput on one machine, through a real local node
 * (`startLocalNode`, what `npm start` runs): signed Twilio webhooks over loopback HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { key, memberToItem } from '../lib/adapters/dynamodb/schema.ts';
import { readOutbox } from '../lib/adapters/outbox-sender.ts';
import { formatEcho } from '../lib/domain/format.ts';
import { newId } from '../lib/domain/ids.ts';
import type { Member } from '../lib/domain/types.ts';
import { twilioSignature } from '../lib/edges/twilio.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { type LocalNode, startLocalNode } from '../local/node.ts';
import { messageSid } from '../local/twilio-phone.ts';

const TOKEN = 'bench-twilio-token';

/**
 * The bench posts hundreds of times as one member, so it sets the safety limits it needs itself
 * (the node never reads them from the environment, but say so here): no per-member post rate
 * limit (`ECHOBOT_POST_RATE_LIMIT` 0), no SMS budget, the default part limit (echoes are short).
 */
export const BENCH_SAFETY = { postRateLimit: 0 } as const;
const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;

export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function withNode<T>(run: (node: LocalNode, store: DynamoStore) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'echobot-bench-'));
  const node = await startLocalNode({ port: 0, dataDir, twilioAuthToken: TOKEN, ...BENCH_SAFETY });
  const doc = documentClient({ ...LOCAL_AWS, endpoint: node.dynamoEndpoint });
  try {
    return await run(node, new DynamoStore(doc, node.tableName));
  } finally {
    doc.destroy();
    await node.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** m0 joins properly (it posts by webhook); members from..to-1 are written straight into the table. */
async function seed(node: LocalNode, store: DynamoStore, from: number, to: number) {
  const joinedAt = new Date().toISOString();
  const member = (i: number): Member => ({
    id: `m${String(i).padStart(6, '0')}`,
    nick: `m${i}`,
    channels: [`sms:${phone(i)}`],
    optedOut: [],
    joinedAt,
  });
  if (from === 0) {
    const r = await store.commit({ key: 'seed:m0', at: joinedAt }, [
      { kind: 'createMember', member: member(0) },
    ]);
    if (!r.ok) throw new Error(`seed: ${r.reason}`);
    from = 1;
  }
  const doc = documentClient({ ...LOCAL_AWS, endpoint: node.dynamoEndpoint });
  const writes: Array<Promise<unknown>> = [];
  for (let i = from; i < to; i += 25) {
    const items = Array.from({ length: Math.min(25, to - i) }, (_, k) => member(i + k)).map((m) => ({
      PutRequest: { Item: { ...key.member(m.id), ...memberToItem(m) } },
    }));
    writes.push(doc.send(new BatchWriteCommand({ RequestItems: { [node.tableName]: items } })));
    if (writes.length >= 16) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  doc.destroy();
}

function signedPost(url: string, from: string, body: string) {
  const sid = messageSid();
  const params = new URLSearchParams({
    MessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: '+15550000000',
    Body: body,
  });
  const target = `${url}/webhooks/twilio`;
  return { target, body: params.toString(), signature: twilioSignature(TOKEN, target, params) };
}

export interface LatencyFigures {
  followers: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

/** Webhook acknowledged -> the post's last echo written to the outbox, one post at a time. */
export async function echoLatency(cases: ReadonlyArray<{ followers: number; samples: number }>) {
  return withNode(async (node, store) => {
    const out: LatencyFigures[] = [];
    let members = 0;
    for (const c of cases) {
      await seed(node, store, members, c.followers + 1);
      members = c.followers + 1;
      const times: number[] = [];
      for (let i = 0; i < c.samples; i++) {
        const text = `latency ${c.followers} ${i}`;
        const p = signedPost(node.url, phone(0), text);
        const res = await fetch(p.target, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': p.signature },
          body: p.body,
        });
        const acked = Date.now();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        if (!(await node.settle(300_000))) throw new Error('node did not settle');
        const echo = formatEcho('m0', text);
        const lines = (await readOutbox(node.outboxFile)).filter((l) => l.kind === 'echo' && l.text === echo);
        if (lines.length !== c.followers) throw new Error(`${lines.length} echoes of ${c.followers}`);
        times.push(Math.max(...lines.map((l) => Date.parse(l.at))) - acked);
      }
      times.sort((a, b) => a - b);
      out.push({
        followers: c.followers,
        samples: c.samples,
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
      });
    }
    return out;
  });
}

export interface LoadFigures {
  requests: number;
  concurrency: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sends pre-built requests with `concurrency` keep-alive connections; every answer must be 200. */
async function load(
  port: number,
  path: string,
  requests: ReadonlyArray<{ body: string; signature: string }>,
  concurrency: number,
): Promise<LoadFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const one = (r: { body: string; signature: string }) =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(r.body),
            'x-twilio-signature': r.signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - start)
              : reject(new Error(`status ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let r = requests[next++]; r !== undefined; r = requests[next++]) latencies.push(await one(r));
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: requests.length,
    concurrency,
    perSecond: requests.length / (elapsed / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export interface IngestFigures {
  node: LoadFigures;
  /** The bare server making the same DynamoDB requests (DynamoDB Local's own rate for them). */
  bare: LoadFigures;
  /** node / bare requests per second. */
  ratio: number;
}

/**
 * The baseline: a bare Node server that makes, per webhook, exactly the DynamoDB requests the
 * bot's ingest of a post makes (the one consistent BatchGetItem of the seen record, channel and
 * member, then the TransactWriteItems of the record, the post and its timeline items), through
 * the same adapter calls, into its own table in the same DynamoDB Local, with no signature check,
 * command parsing or stream consumer. Its rate is DynamoDB Local's own for those requests.
 */
async function startBareIngest(endpoint: string, baseUrl: string) {
  const doc = documentClient({ ...LOCAL_AWS, endpoint });
  const table = `bare-${newId().slice(0, 12).toLowerCase()}`;
  const plain = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ensureTable(plain, table);
  plain.destroy();
  const store = new DynamoStore(doc, table);
  const author: Member = {
    id: 'm000000',
    nick: 'm0',
    channels: [`sms:${phone(0)}`],
    optedOut: [],
    joinedAt: new Date().toISOString(),
  };
  const joined = await store.commit({ key: 'seed:m0', at: author.joinedAt }, [
    { kind: 'createMember', member: author },
  ]);
  if (!joined.ok) throw new Error(`bare seed: ${joined.reason}`);
  const ingest = async (form: URLSearchParams) => {
    const key = `twilio:${form.get('MessageSid') ?? ''}`;
    const { prior, member } = await store.ingestReads(key, `sms:${form.get('From') ?? ''}`);
    if (prior || !member) throw new Error('bare ingest: a seen message or an unknown sender');
    const at = new Date().toISOString();
    const post = {
      id: `${baseUrl}/posts/${newId()}`,
      authorId: member.id,
      authorNick: member.nick,
      text: form.get('Body') ?? '',
      createdAt: at,
    };
    const r = await store.commit({ key, at }, [{ kind: 'putPost', post }]);
    if (!r.ok) throw new Error(`bare ingest: ${r.reason}`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      ingest(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))).then(
        () => {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end('<Response/>');
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
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      doc.destroy();
    },
  };
}

/**
 * Signed posts (each with one follower) into a local node (fanout and deliver running beside
 * it, as they do), against the bare baseline above in the same DynamoDB Local, in the same run.
 */
export async function ingestThroughput(options: {
  requests: number;
  concurrency: number;
  /** Requests sent to each server before measuring (default 100). */
  warmUp?: number;
}): Promise<IngestFigures> {
  const warmUp = options.warmUp ?? 100;
  return await withNode(async (node, store) => {
    await seed(node, store, 0, 2);
    const bareServer = await startBareIngest(node.dynamoEndpoint, node.url);
    const barePort = bareServer.port;
    try {
      const build = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => signedPost(node.url, phone(0), `${tag} ${i}`));
      await load(node.port, '/webhooks/twilio', build(warmUp, 'warm-up'), options.concurrency);
      // The warm-up's fanout and deliver finish first: the baseline runs alone.
      if (!(await node.settle(300_000))) throw new Error('node did not settle after the warm-up');
      await load(barePort, '/webhooks/twilio', build(warmUp, 'warm-up bare'), options.concurrency);
      const bare = await load(
        barePort,
        '/webhooks/twilio',
        build(options.requests, 'bare'),
        options.concurrency,
      );
      const measured = await load(
        node.port,
        '/webhooks/twilio',
        build(options.requests, 'ingest'),
        options.concurrency,
      );
      if (!(await node.settle(300_000))) throw new Error('node did not settle');
      // Every measured webhook must have been a post, echoed to the one follower (not, say, a
      // rate-limit reply answered 200 with nothing stored).
      const echoes = (await readOutbox(node.outboxFile)).filter(
        (l) => l.kind === 'echo' && l.text.startsWith(formatEcho('m0', 'ingest ')),
      ).length;
      if (echoes !== options.requests)
        throw new Error(`${echoes} echoes of ${options.requests} ingested posts`);
      return { node: measured, bare, ratio: measured.perSecond / bare.perSecond };
    } finally {
      await bareServer.stop();
    }
  });
}
