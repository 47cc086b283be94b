import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DeliveryJob } from '../../../lib/domain/types.ts';
import { peerEventFromStreamRecord } from '../../../lib/edges/peer-stream-records.ts';
import { PeerMessageSchema } from '../../../lib/federation/peer-messages.ts';
import {
  type DeleteRouteDeps,
  handleRelayedDelete,
  relayLocalDelete,
} from '../../../lib/usecases/peer-deletes.ts';

const A = 'https://a.example';
const B = 'https://b.example';
const S = 'https://s.example';
const POST = `${A}/posts/1`;

const message = (over: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) => ({
  type: 'delete',
  envelope: {
    postId: POST,
    author: 'alice@a.example',
    origin: A,
    hops: 1,
    maxHops: 5,
    path: [A],
    ...envelope,
  },
  postId: POST,
  author: 'alice@a.example',
  at: '2026-12-01T10:05:00.000Z',
  ...over,
});

describe('the peer delete message', () => {
  it('accepts a delete whose post, author and envelope agree with its origin bot', () => {
    expect(PeerMessageSchema.safeParse(message()).success).toBe(true);
    const relayed = message({}, { hops: 2, path: [A, S] });
    expect(PeerMessageSchema.safeParse(relayed).success).toBe(true);
  });

  it('refuses a delete of another bot’s post or member, or one that differs from its envelope', () => {
    const forged = [
      // B claims to be the origin of A's post.
      message({}, { origin: B, path: [B] }),
      // A's delete of a member of B.
      message({ author: 'bob@b.example' }, { author: 'bob@b.example' }),
      // A post id that is not the envelope's.
      message({ postId: `${A}/posts/2` }),
      message({ author: 'ann@a.example' }),
      // A path that does not start at the origin.
      message({}, { path: [S] }),
      message({ at: 'yesterday' }),
    ];
    for (const m of forged) expect(PeerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(false);
  });
});

/** A bot's view of who wants alice (`wanted`) among its `peers`; the jobs it queues are collected. */
function network(self: string, relay: boolean, wanted: string[], peers: string[]) {
  const jobs: DeliveryJob[] = [];
  const deps: DeleteRouteDeps = {
    self,
    relay,
    maxHops: 2,
    peers: {
      wantsOf: async () => ({ members: [], peers: wanted }),
      listPeers: async () =>
        peers.map((url) => ({ url, source: 'config' as const, addedAt: '', outEpoch: 'e', outSeq: 0 })),
    },
    queue: {
      enqueue: async (j) => {
        jobs.push(...j);
      },
    },
    log: () => undefined,
  };
  const sent = () =>
    jobs.map((j) => ({
      to: j.peer?.url,
      postId: j.postId,
      body: PeerMessageSchema.parse(JSON.parse(j.peer?.body ?? '')),
    }));
  return { deps, jobs, sent };
}

describe('where a delete goes', () => {
  it('goes from the origin to each peer whose interest covers the author, never to the others', async () => {
    const { deps, sent } = network(A, false, [S], [S, B]);
    expect(await relayLocalDelete(deps, POST, 'alice', '2026-12-01T10:05:00.000Z')).toBe(1);
    const [job] = sent();
    expect(job?.to).toBe(S);
    // Its job is not the post's: deliver skips the jobs of a deleted post, and this one must go.
    expect(job?.postId).not.toBe(POST);
    expect(job?.body).toEqual(message({}, { maxHops: 2 }));
  });

  it('tells nobody of a post that is not ours, or that no peer wanted', async () => {
    expect(await relayLocalDelete(network(A, false, [S], [S]).deps, `${B}/posts/1`, 'alice', 'x')).toBe(0);
    expect(await relayLocalDelete(network(A, false, [], [S]).deps, POST, 'alice', 'x')).toBe(0);
  });

  it('is forwarded by a super-peer like the post, within the hop limit, and not by a plain bot', async () => {
    const relayed = {
      postId: POST,
      author: 'alice@a.example',
      at: '2026-12-01T10:05:00.000Z',
      envelope: JSON.stringify(message().envelope),
      from: A,
      receivedAt: '2026-12-01T10:05:01.000Z',
    };
    const relay = network(S, true, [A, B], [A, B]);
    expect(await handleRelayedDelete(relay.deps, relayed)).toBe(1);
    expect(relay.sent()[0]).toMatchObject({ to: B, body: { envelope: { hops: 2, path: [A, S] } } });
    expect(await handleRelayedDelete(network(S, false, [B], [A, B]).deps, relayed)).toBe(0);
    const atLimit = { ...relayed, envelope: JSON.stringify(message({}, { maxHops: 1 }).envelope) };
    expect(await handleRelayedDelete(network(S, true, [B], [A, B]).deps, atLimit)).toBe(0);
  });
});

describe('the stream records a delete drives', () => {
  const record = (eventName: 'INSERT' | 'MODIFY', image: Record<string, { S: string }>): DynamoDBRecord => ({
    eventName,
    dynamodb: { NewImage: image },
  });

  it('reads a member’s tombstone with its nick, a remote one without, and ignores a repeat', () => {
    const gone = { pk: { S: `GONE#${POST}` }, sk: { S: 'GONE' }, type: { S: 'gone' }, at: { S: 'now' } };
    expect(peerEventFromStreamRecord(record('INSERT', { ...gone, nick: { S: 'alice' } }))).toEqual({
      kind: 'gone',
      postId: POST,
      nick: 'alice',
      at: 'now',
    });
    expect(peerEventFromStreamRecord(record('INSERT', gone))).toEqual({
      kind: 'gone',
      postId: POST,
      at: 'now',
    });
    // A second DELETE overwrites the tombstone: nothing is told twice.
    expect(peerEventFromStreamRecord(record('MODIFY', gone))).toBeUndefined();
  });

  it('reads a relayed delete', () => {
    const del = {
      postId: POST,
      author: 'alice@a.example',
      at: 'a',
      envelope: '{}',
      from: A,
      receivedAt: 'b',
    };
    const image = Object.fromEntries(Object.entries(del).map(([k, v]) => [k, { S: v }]));
    expect(peerEventFromStreamRecord(record('INSERT', { ...image, type: { S: 'relaydel' } }))).toEqual({
      kind: 'relay-delete',
      del,
    });
  });
});
