/**
 * A peer's `delete` as the receiving bot applies it, against DynamoDB Local: the origin rule, the
 * tombstone committed with the de-duplication record, and a repeat changing nothing.
 */
import { describe, expect, it } from 'vitest';
import { DynamoPeerStore } from '../../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { DynamoTimeline } from '../../lib/adapters/dynamodb/dynamo-timeline.ts';
import { BadRequestError, ForbiddenError } from '../../lib/domain/errors.ts';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import { type PeerDelete, PeerDeleteSchema } from '../../lib/federation/peer-messages.ts';
import { receivePeerMessage } from '../../lib/usecases/peer-inbound.ts';
import { handleRelayed } from '../../lib/usecases/peer-outbound.ts';
import { freshTable } from '../support/aws-local.ts';

const SELF = 'https://self.example';
const A = 'https://a.example';
const S = 'https://s.example';
const ALICE = 'alice@a.example';

const del = (postId: string, path: string[], author = ALICE): PeerDelete =>
  PeerDeleteSchema.parse({
    type: 'delete',
    envelope: { postId, author, origin: A, hops: path.length, maxHops: 5, path },
    postId,
    author,
    at: '2026-12-01T10:05:00.000Z',
  });

async function harness() {
  const t = await freshTable();
  const peers = new DynamoPeerStore(t.doc, t.table);
  const timeline = new DynamoTimeline(t.doc, t.table);
  const deps = { self: SELF, peers, now: () => new Date('2026-12-01T10:06:00.000Z'), log: () => undefined };
  const showRelayed = (id: string, author = ALICE) =>
    timeline.record({
      id,
      author,
      authorKey: author,
      local: false,
      text: 'hi',
      createdAt: '2026-12-01T10:00:00.000Z',
    });
  const shown = async () => (await timeline.recent({ limit: 10 })).entries.map((e) => e.id);
  return { t, deps, showRelayed, shown };
}

describe('a peer deletes a relayed post', () => {
  it('tombstones it from its origin bot, directly or relayed by a super-peer, once', async () => {
    const h = await harness();
    const direct = `${A}/posts/1`;
    const relayed = `${A}/posts/2`;
    await h.showRelayed(direct);
    await h.showRelayed(relayed);
    expect(await receivePeerMessage(h.deps, A, del(direct, [A]))).toBe('deleted');
    expect(await receivePeerMessage(h.deps, S, del(relayed, [A, S]))).toBe('deleted');
    expect(await h.shown()).toEqual([]);
    expect(await h.t.store.deletedPosts([direct, relayed])).toEqual(new Set([direct, relayed]));
    // A repeat (a retried send, the second copy of a multi-homed leaf) is a duplicate.
    expect(await receivePeerMessage(h.deps, S, del(relayed, [A, S]))).toBe('duplicate');
  });

  it('tombstones a post we never showed, so its echoes still queued are not sent', async () => {
    const h = await harness();
    const id = `${A}/posts/3`;
    expect(await receivePeerMessage(h.deps, A, del(id, [A]))).toBe('deleted');
    expect(await h.t.store.deletedPosts([id])).toEqual(new Set([id]));
  });

  it('refuses a delete whose path does not end at the signer, and changes nothing', async () => {
    const h = await harness();
    const id = `${A}/posts/4`;
    await h.showRelayed(id);
    await expect(receivePeerMessage(h.deps, S, del(id, [A]))).rejects.toBeInstanceOf(BadRequestError);
    expect(await h.shown()).toEqual([id]);
    expect(await h.t.store.deletedPosts([id])).toEqual(new Set());
  });

  it('refuses a delete of a post we hold by another author, and changes nothing', async () => {
    const h = await harness();
    const id = `${A}/posts/5`;
    await h.showRelayed(id, 'ann@a.example');
    await expect(receivePeerMessage(h.deps, A, del(id, [A]))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await h.shown()).toEqual([id]);
    expect(await h.t.store.deletedPosts([id])).toEqual(new Set());
    // A retry after the refusal is refused the same way (nothing was recorded as seen).
    await expect(receivePeerMessage(h.deps, A, del(id, [A]))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('ignores a delete of our own post coming back', async () => {
    const h = await harness();
    const own = { ...del(`${A}/posts/6`, [A]) };
    expect(await receivePeerMessage({ ...h.deps, self: A }, S, own)).toBe('own-post');
  });

  it('a post whose delete overtook it is not shown, echoed or passed on when it arrives', async () => {
    const h = await harness();
    const id = `${A}/posts/7`;
    expect(await receivePeerMessage(h.deps, A, del(id, [A]))).toBe('deleted');
    const jobs: DeliveryJob[] = [];
    const network = {
      ...h.deps,
      relay: true,
      store: h.t.store,
      timeline: new DynamoTimeline(h.t.doc, h.t.table),
      queue: {
        enqueue: async (j: readonly DeliveryJob[]) => {
          jobs.push(...j);
        },
        retryLater: async () => undefined,
      },
    };
    const envelope = { postId: id, author: ALICE, origin: A, hops: 1, maxHops: 5, path: [A] };
    const result = await handleRelayed(network, {
      postId: id,
      author: ALICE,
      text: 'too late',
      createdAt: '2026-12-01T10:00:00.000Z',
      envelope: JSON.stringify(envelope),
      from: A,
      receivedAt: '2026-12-01T10:07:00.000Z',
    });
    expect(result).toEqual({ recipients: 0, forwarded: 0, hopLimitReached: false });
    expect(jobs).toEqual([]);
    expect(await h.shown()).toEqual([]);
  });
});
