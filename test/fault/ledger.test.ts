import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../bench/federation/prng.ts';
import { formatEcho } from '../../lib/domain/format.ts';
import type { Post } from '../../lib/domain/types.ts';
import { seedMembers } from '../support/members.ts';
import { startFlakyCarrier } from './support/flaky-carrier.ts';
import { checkLedger, echoKey } from './support/ledger.ts';
import { startPipeline } from './support/pipeline.ts';

const POSTS = 100;
const MEMBERS = 20;
const SEED = 20261123;

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('ledger: every echo exactly once while 30% of sends fail or hang', () => {
  it(`${POSTS} posts x ${MEMBERS} members: 0 lost, 0 duplicated, dead-letter queue empty`, async () => {
    const rng = createRng(SEED);
    const carrier = await startFlakyCarrier({ failureRate: 0.3, random: () => rng.next() });
    stops.push(() => carrier.stop());
    const p = await startPipeline({ carrierEndpoint: carrier.endpoint });
    stops.push(() => p.stop());
    const members = await seedMembers(p.store, MEMBERS);

    const posts: Post[] = [];
    for (let i = 0; i < POSTS; i++) {
      const author = members[i % MEMBERS];
      if (!author) throw new Error('seed');
      const post: Post = {
        id: `https://bot.example/posts/${i}`,
        authorId: author.id,
        authorNick: author.nick,
        text: `ledger post ${i}`,
        createdAt: new Date().toISOString(),
      };
      posts.push(post);
      const r = await p.store.commit({ key: `ledger:${i}`, at: post.createdAt }, [{ kind: 'putPost', post }]);
      expect(r.ok).toBe(true);
    }

    // Expected from the membership: every member but the author, once per post.
    const expected = posts.flatMap((post) =>
      members
        .filter((m) => m.id !== post.authorId)
        .map((m) => echoKey(formatEcho(post.authorNick, post.text), (m.channels[0] ?? '').slice(4))),
    );
    await p.drained(Date.now(), 150_000);

    const ledger = checkLedger(
      expected,
      carrier.received.map((r) => echoKey(r.message, r.phoneNumber)),
    );
    expect(carrier.failures()).toBeGreaterThan(expected.length * 0.3 * 0.8);
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, unexpected: ledger.unexpected }).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
    });
    expect(ledger.received).toBe(POSTS * (MEMBERS - 1));
    expect(await p.depth(p.dlqUrl)).toBe(0);
  }, 180_000);
});
