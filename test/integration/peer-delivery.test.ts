import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoJobClaims } from '../../lib/adapters/dynamodb/dynamo-job-claims.ts';
import { DynamoPeerStore } from '../../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { HttpPeerSender } from '../../lib/adapters/http-peer-sender.ts';
import { notConfigured } from '../../lib/adapters/not-configured-sender.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import type { Channel } from '../../lib/domain/types.ts';
import { createDeliverHandler } from '../../lib/drivers/deliver-queue.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { createFollowVia } from '../../lib/federation/follow-route.ts';
import { verifyRequest } from '../../lib/federation/http-signatures.ts';
import { ingestMessage } from '../../lib/usecases/ingest-message.ts';
import { peerJob } from '../../lib/usecases/peer-outbound.ts';
import { localContext } from '../../local/lambda-context.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { eventually } from '../support/poll.ts';
import { receiveAll, sqsEvent } from '../support/sqs-helpers.ts';

const SELF = 'https://self.example';
const key = generateBotKeyPair();

/** A peer bot on loopback: checks each request's signature with our public key, answers `status()`. */
async function fakePeer(status: () => number) {
  const received: Array<{ verified: boolean; body: string }> = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(Buffer.from(c));
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const verified = await verifyRequest({
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers,
      body,
      fetchKey: async (keyId) =>
        keyId === `${SELF}/federation/key` ? { publicKeyPem: key.publicKeyPem, actorId: SELF } : null,
    }).then(
      () => true,
      () => false,
    );
    received.push({ verified, body });
    res.writeHead(verified ? status() : 401).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, received, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops) await s();
});

async function harness(status: () => number, maxAttempts = 3) {
  const t = await freshTable();
  const q = await freshQueue();
  const peer = await fakePeer(status);
  stops.push(peer.stop);
  const peers = new DynamoPeerStore(t.doc, t.table);
  await peers.addPeer(peer.url, 'config', new Date());
  const handler = createDeliverHandler({
    store: t.store,
    queue: new SqsJobQueue(q.sqs, q.queueUrl),
    senders: {
      sms: notConfigured('sms'),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    },
    claims: new DynamoJobClaims(t.doc, t.table),
    log: () => undefined,
    retryDelay: { baseSeconds: 1, maxSeconds: 2 },
    peers: {
      sender: new HttpPeerSender({ self: SELF, key: async () => key, allowPrivate: true }),
      store: peers,
      maxAttempts,
    },
  });
  const job = peerJob(peer.url, { type: 'interest-snapshot-request', from: SELF }, 'test|1');
  return { ...t, ...q, peer, peers, handler, job };
}

describe('peer jobs on the delivery queue (fauxqs, DynamoDB Local, a loopback peer)', () => {
  it('signs the POST, which the peer verifies, and marks the peer healthy', async () => {
    const h = await harness(() => 202);
    const out = await h.handler(sqsEvent([{ body: JSON.stringify(h.job) }]), localContext('deliver'));
    expect(out.batchItemFailures).toEqual([]);
    expect(h.peer.received).toEqual([{ verified: true, body: h.job.peer?.body }]);
    expect(await h.peers.getPeer(h.peer.url)).toMatchObject({ healthy: true, lastSeen: expect.any(String) });
  });

  it('retries a peer that is down with a delayed, numbered job, then gives up to the dead-letter path', async () => {
    const h = await harness(() => 503, 2);
    const first = await h.handler(sqsEvent([{ body: JSON.stringify(h.job) }]), localContext('deliver'));
    expect(first.batchItemFailures).toEqual([]);
    expect(await h.peers.getPeer(h.peer.url)).toMatchObject({ healthy: false });
    const retried = await eventually(
      () => receiveAll(h.sqs, h.queueUrl),
      (jobs) => jobs.length === 1,
      'the retry to become visible after its delay',
    );
    expect(retried[0]?.job).toMatchObject({ id: `${h.job.id}.r1`, attempt: 1, kind: 'peer' });
    // The last attempt fails the message, so SQS redelivers it and finally moves it to the DLQ.
    const last = await h.handler(
      sqsEvent([{ body: JSON.stringify(retried[0]?.job) }]),
      localContext('deliver'),
    );
    expect(last.batchItemFailures).toHaveLength(1);
    expect(h.peer.received.every((r) => r.verified)).toBe(true);
  });

  it('does not retry a peer that refuses (4xx): nothing is queued again', async () => {
    const h = await harness(() => 403);
    const out = await h.handler(sqsEvent([{ body: JSON.stringify(h.job) }]), localContext('deliver'));
    expect(out.batchItemFailures).toEqual([]);
    expect(await receiveAll(h.sqs, h.queueUrl)).toEqual([]);
    expect(await h.peers.getPeer(h.peer.url)).toMatchObject({
      healthy: false,
      lastError: expect.stringContaining('403'),
    });
  });
});

describe('PEER ADD / DEL / PEERS by SMS (DynamoDB Local)', () => {
  const ADMIN: Channel = 'sms:+15550009999';
  const OTHER: Channel = 'sms:+15550008888';

  async function bot(allowPrivate: boolean) {
    const t = await freshTable();
    const peers = new DynamoPeerStore(t.doc, t.table);
    let n = 0;
    const deps = {
      store: t.store,
      baseUrl: SELF,
      now: () => new Date(),
      newId: () => `id${n++}`,
      admins: [ADMIN],
      peers: {
        store: peers,
        self: SELF,
        allowPrivate,
        followVia: createFollowVia(SELF, () => peers.listPeers()),
      },
    };
    const text = async (channel: Channel, body: string) =>
      (await ingestMessage(deps, { provider: 'test', messageId: `m${n++}`, channel, text: body })).reply ??
      '';
    return { peers, text };
  }

  it('refuses private and loopback peers unless ECHOBOT_ALLOW_PRIVATE is set, storing nothing', async () => {
    const b = await bot(false);
    for (const url of ['http://127.0.0.1:8801', 'http://10.1.2.3', 'http://169.254.169.254'])
      expect(await b.text(ADMIN, `PEER ADD ${url}`)).toContain('was refused');
    expect(await b.peers.listPeers()).toEqual([]);
    const local = await bot(true);
    expect(await local.text(ADMIN, 'PEER ADD http://127.0.0.1:8801')).toContain('Peered with');
  });

  it('lets operators add, list and remove peers, and nobody else', async () => {
    const b = await bot(false);
    expect(await b.text(OTHER, 'PEER ADD https://203.0.113.5')).toContain('Only the bot’s operators');
    expect(await b.text(ADMIN, 'PEER ADD https://203.0.113.5')).toContain('Peered with https://203.0.113.5');
    expect(await b.text(ADMIN, 'PEER ADD https://203.0.113.5')).toContain('already a peer');
    expect(await b.text(ADMIN, 'PEERS')).toBe('Peers (1): https://203.0.113.5 new');
    await b.peers.markHealth('https://203.0.113.5', true, new Date());
    expect(await b.text(ADMIN, 'PEERS')).toBe('Peers (1): https://203.0.113.5 ok');
    // Failover routes around it (its last answer was fine, its heartbeats went unanswered since).
    await b.peers.setDown('https://203.0.113.5', true, new Date());
    expect(await b.text(ADMIN, 'PEERS')).toBe('Peers (1): https://203.0.113.5 down');
    expect((await b.peers.listPeers()).map((p) => [p.url, p.source])).toEqual([
      ['https://203.0.113.5', 'admin'],
    ]);
    expect(await b.text(ADMIN, 'PEER DEL https://203.0.113.5')).toContain('no longer a peer');
    expect(await b.text(ADMIN, 'PEER DEL https://203.0.113.5')).toContain('is not a peer');
    expect(await b.peers.listPeers()).toEqual([]);
  });
});
