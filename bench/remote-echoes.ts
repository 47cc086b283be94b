/**
 * Remote echoes cost: a local member with remote followers on several loopback fediverse servers
 * (some with a shared inbox, one without), a few posts fanned out by the real federation fanout
 * (lib/usecases/federation/fanout-federation.ts) and every resulting job carried out by the real
 * deliver code (`deliverJob` with the federation task runner: signed POSTs through the safe
 * fetch). Each fake server counts the POSTs it receives. Target: 1 POST per shared-inbox server
 * per post, never one per remote follower; a server without a shared inbox costs one POST per
 * follower inbox there (as on Mastodon).
 */
import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { DynamoFederationStore } from '../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoPeerStore } from '../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { DynamoStore } from '../lib/adapters/dynamodb/dynamo-store.ts';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { HttpPeerSender } from '../lib/adapters/http-peer-sender.ts';
import { notConfigured } from '../lib/adapters/not-configured-sender.ts';
import { authorityOfBot } from '../lib/domain/addresses.ts';
import { newId } from '../lib/domain/ids.ts';
import type { DeliveryJob, Member } from '../lib/domain/types.ts';
import { generateBotKeyPair } from '../lib/federation/bot-keys.ts';
import { createSafeFetch } from '../lib/federation/safe-fetch.ts';
import type { InboxWrite } from '../lib/ports/federation.ts';
import type { JobQueue } from '../lib/ports/queue.ts';
import { deliverJob } from '../lib/usecases/deliver-job.ts';
import { fanoutToRemoteFollowers } from '../lib/usecases/federation/fanout-federation.ts';
import { runFederationTask, type TaskRunnerDeps } from '../lib/usecases/federation/run-task.ts';
import { relayLocalPost } from '../lib/usecases/peer-outbound.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { type FakeFediverse, startFakeFediverse } from '../test/fakes/fake-fediverse.ts';

export interface RemoteServerFigures {
  server: string;
  sharedInbox: boolean;
  followers: number;
  posts: number;
  postsPerPost: number;
}

export interface RemoteEchoFigures {
  peerServers: number;
  remoteFollowers: number;
  /** Local posts fanned out. */
  localPosts: number;
  /** Inbox POSTs received by all servers. */
  posts: number;
  /** POSTs per shared-inbox server per local post (target 1). */
  postsPerPeerServer: number;
  /** All POSTs per remote follower per local post. */
  postsPerRemoteFollower: number;
  servers: RemoteServerFigures[];
}

export interface RemoteEchoOptions {
  /** Followers per server; `shared` = the server advertises a shared inbox. */
  servers: Array<{ followers: number; shared: boolean }>;
  localPosts: number;
}

const BASE = 'https://bench.example';
/**
 * Followers per applyInbound transaction: DynamoDB allows 100 items, one is the seen record, and
 * each follower is two (the follower and its reverse index, which a remote actor's Delete or Block reads).
 */
const PER_TRANSACTION = 49;

export async function measureRemoteEchoes(
  dynamoEndpoint: string,
  options: RemoteEchoOptions = {
    servers: [
      { followers: 1200, shared: true },
      { followers: 780, shared: true },
      { followers: 20, shared: false },
    ],
    localPosts: 3,
  },
): Promise<RemoteEchoFigures> {
  const config = { ...LOCAL_AWS, endpoint: dynamoEndpoint };
  const table = `bench-remote-${newId().slice(0, 12).toLowerCase()}`;
  await ensureTable(new DynamoDBClient(config), table);
  const doc = documentClient(config);
  const store = new DynamoStore(doc, table);
  const federation = new DynamoFederationStore(doc, table);
  const servers: FakeFediverse[] = await Promise.all(options.servers.map(() => startFakeFediverse()));
  try {
    const at = new Date().toISOString();
    const alice: Member = {
      id: 'm-alice',
      nick: 'alice',
      channels: ['sms:+15550001111'],
      optedOut: [],
      joinedAt: at,
    };
    const r = await store.commit({ key: 'bench:alice', at }, [{ kind: 'createMember', member: alice }]);
    if (!r.ok) throw new Error(`seed: ${r.reason}`);

    // Remote followers, accepted the way the inbox accepts a Follow (applyInbound).
    for (const [s, spec] of options.servers.entries()) {
      const server = servers[s];
      if (!server) throw new Error('server not started');
      const writes: InboxWrite[] = Array.from({ length: spec.followers }, (_, i) => {
        const actorId = server.actor(`f${i}`);
        return {
          kind: 'addFollower',
          memberId: alice.id,
          follower: {
            actorId,
            inbox: `${actorId}/inbox`,
            ...(spec.shared ? { sharedInbox: `${server.base}/inbox` } : {}),
          },
        };
      });
      for (let i = 0; i < writes.length; i += PER_TRANSACTION)
        await federation.applyInbound(
          `${server.base}/follows/${i}`,
          new Date(),
          writes.slice(i, i + PER_TRANSACTION),
        );
    }

    const jobs: DeliveryJob[] = [];
    const queue: JobQueue = { enqueue: async (j) => void jobs.push(...j), retryLater: async () => undefined };
    const runner: TaskRunnerDeps = {
      baseUrl: BASE,
      keys: generateBotKeyPair(),
      fetch: createSafeFetch({ allowPrivate: true }),
      store: federation,
      allowPrivate: true,
      now: () => new Date(),
      log: () => undefined,
    };
    const senders = {
      sms: notConfigured('sms'),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    };
    for (let p = 0; p < options.localPosts; p++) {
      const post = {
        id: `${BASE}/posts/p${p}`,
        authorId: alice.id,
        authorNick: alice.nick,
        text: `bench remote post ${p}`,
        createdAt: new Date().toISOString(),
      };
      jobs.length = 0;
      await fanoutToRemoteFollowers({ store, queue, federation }, post);
      // Deliver: the jobs of one post, 8 at a time (as a batch of the deliver function would run them).
      let next = 0;
      const worker = async () => {
        for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
          const out = await deliverJob(
            {
              store,
              senders,
              queue,
              log: () => undefined,
              federation: { run: (t) => runFederationTask(runner, t) },
            },
            job,
          );
          if (out.sent !== 1) throw new Error(`job ${job.id} was not delivered`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    }

    const perServer = options.servers.map((spec, s): RemoteServerFigures => {
      const server = servers[s];
      const posts = server?.received.length ?? 0;
      return {
        server: `server ${s + 1}`,
        sharedInbox: spec.shared,
        followers: spec.followers,
        posts,
        postsPerPost: posts / options.localPosts,
      };
    });
    const shared = perServer.filter((s) => s.sharedInbox);
    const posts = perServer.reduce((n, s) => n + s.posts, 0);
    const remoteFollowers = options.servers.reduce((n, s) => n + s.followers, 0);
    return {
      peerServers: servers.length,
      remoteFollowers,
      localPosts: options.localPosts,
      posts,
      postsPerPeerServer: shared.reduce((n, s) => n + s.postsPerPost, 0) / Math.max(1, shared.length),
      postsPerRemoteFollower: posts / options.localPosts / Math.max(1, remoteFollowers),
      servers: perServer,
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

export interface PeerRelayFigures {
  /** Peers that registered interest in the author (each stands for any number of its members). */
  interestedPeers: number;
  /** Peers connected but not interested in the author. */
  otherPeers: number;
  localPosts: number;
  /** POSTs received by the interested peers, per post (target: one each, so = interestedPeers). */
  postsPerPost: number;
  /** POSTs received by the peers that did not ask, in all (target 0). */
  postsToOthers: number;
}

/** A loopback peer bot that counts the POSTs it gets (the signature is checked by the peer tests). */
async function countingPeer() {
  let posts = 0;
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    if (req.method === 'POST') posts++;
    res.writeHead(202).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    posts: () => posts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The peer path: a member's post relayed by the real `relayLocalPost` to the peers whose interest
 * covers its author, each job carried out by `deliverJob` (signed POST by `HttpPeerSender`).
 * Target: one POST per interested peer per post, none to the others.
 */
export async function measurePeerRelay(
  dynamoEndpoint: string,
  options = { interestedPeers: 5, otherPeers: 2, localPosts: 3 },
): Promise<PeerRelayFigures> {
  const config = { ...LOCAL_AWS, endpoint: dynamoEndpoint };
  const table = `bench-peers-${newId().slice(0, 12).toLowerCase()}`;
  await ensureTable(new DynamoDBClient(config), table);
  const doc = documentClient(config);
  const store = new DynamoStore(doc, table);
  const peers = new DynamoPeerStore(doc, table);
  const servers = await Promise.all(
    Array.from({ length: options.interestedPeers + options.otherPeers }, () => countingPeer()),
  );
  const interested = servers.slice(0, options.interestedPeers);
  const others = servers.slice(options.interestedPeers);
  try {
    const self = BASE;
    const author = `alice@${authorityOfBot(self)}`;
    for (const s of servers) await peers.addPeer(s.url, 'config', new Date());
    for (const s of interested) await peers.setPeerWants(s.url, author, true);
    const jobs: DeliveryJob[] = [];
    const queue: JobQueue = { enqueue: async (j) => void jobs.push(...j), retryLater: async () => undefined };
    const log = () => undefined;
    const keys = generateBotKeyPair();
    const sender = new HttpPeerSender({ self, key: async () => keys, allowPrivate: true });
    const senders = {
      sms: notConfigured('sms'),
      telegram: notConfigured('telegram'),
      im: notConfigured('im'),
      email: notConfigured('email'),
    };
    for (let p = 0; p < options.localPosts; p++) {
      jobs.length = 0;
      await relayLocalPost(
        { self, relay: false, peers, store, queue, now: () => new Date(), log },
        {
          id: `${self}/posts/peer-p${p}`,
          authorId: 'm-alice',
          authorNick: 'alice',
          text: `bench relayed post ${p}`,
          createdAt: new Date().toISOString(),
        },
      );
      for (const job of jobs) {
        const out = await deliverJob({ store, senders, queue, log, peers: { sender } }, job);
        if (out.sent !== 1) throw new Error(`peer job ${job.id} was not delivered`);
      }
    }
    return {
      interestedPeers: interested.length,
      otherPeers: others.length,
      localPosts: options.localPosts,
      postsPerPost: interested.reduce((n, s) => n + s.posts(), 0) / options.localPosts,
      postsToOthers: others.reduce((n, s) => n + s.posts(), 0),
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
