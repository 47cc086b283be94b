import { readFile } from 'node:fs/promises';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEcho } from '../../lib/domain/format.ts';
import { newId } from '../../lib/domain/ids.ts';
import type { Member, Post } from '../../lib/domain/types.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { localContext } from '../../local/lambda-context.ts';
import { TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { seedMembers } from '../support/members.ts';
import { eventually } from '../support/poll.ts';
import { messageSid } from '../support/twilio-phone.ts';
import { startFlakyCarrier } from './support/flaky-carrier.ts';
import { checkLedger, echoKey } from './support/ledger.ts';
import { startPipeline } from './support/pipeline.ts';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops.splice(0)) await s();
});

async function reliablePipeline() {
  const carrier = await startFlakyCarrier({ failureRate: 0, random: Math.random });
  stops.push(() => carrier.stop());
  const p = await startPipeline({ carrierEndpoint: carrier.endpoint, streamMaxAttempts: 2 });
  stops.push(() => p.stop());
  return { ...p, carrier };
}

const expectedEchoes = (posts: Post[], members: Member[]) =>
  posts.flatMap((post) =>
    members
      .filter((m) => m.id !== post.authorId)
      .map((m) => echoKey(formatEcho(post.authorNick, post.text), (m.channels[0] ?? '').slice(4))),
  );

describe('a poison record in the middle of a stream batch', () => {
  it('fans out every other record, sends the poison to the failure destination, and keeps the shard moving', async () => {
    const p = await reliablePipeline();
    const members = await seedMembers(p.store, 5);
    const post = (i: number): Post => {
      const author = members[i % members.length];
      if (!author) throw new Error('seed');
      return {
        id: `https://bot.example/posts/p${i}`,
        authorId: author.id,
        authorNick: author.nick,
        text: `stream post ${i}`,
        createdAt: new Date().toISOString(),
      };
    };
    const posts: Post[] = [];
    const put = async (i: number) => {
      const x = post(i);
      posts.push(x);
      await p.store.commit({ key: `poison:${i}`, at: x.createdAt }, [{ kind: 'putPost', post: x }]);
    };
    for (let i = 0; i < 10; i++) await put(i);
    // A post item the fanout cannot read (no author, no text), between good ones.
    await p.doc.send(
      new PutCommand({
        TableName: p.table,
        Item: { pk: 'POST#poison', sk: 'POST', type: 'post', id: 'poison' },
      }),
    );
    for (let i = 10; i < 20; i++) await put(i);
    // "Drained since t" means a quiet stream pass began after t, so t is taken after the writes.
    await p.drained(Date.now(), 60_000);
    const failures = await eventually(
      async () => (await readFile(p.failureFile, 'utf8')).trim().split('\n'),
      (lines) => lines.length >= 1,
      'the poison in the failure destination',
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('POST#poison');

    // A post written after the poison still goes out: nothing blocks the shard.
    await put(20);
    await p.drained(Date.now(), 60_000);
    const ledger = checkLedger(
      expectedEchoes(posts, members),
      p.carrier.received.map((r) => echoKey(r.message, r.phoneNumber)),
    );
    expect({ lost: ledger.lost, duplicated: ledger.duplicated, unexpected: ledger.unexpected }).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
    });
    expect(ledger.received).toBe(21 * 4);
  });
});

describe('replays', () => {
  it('the same signed webhook 100 times is one post, one answer and one set of echoes', async () => {
    const p = await reliablePipeline();
    const members = await seedMembers(p.store, 5);
    const [alice] = members;
    if (!alice) throw new Error('seed');
    const http = createHttpApp({
      ingest: { store: p.store, now: () => new Date(), newId },
      twilioAuthToken: async () => TOKEN,
      log: () => undefined,
    });
    const event = twilioEvent({
      From: (alice.channels[0] ?? '').slice(4),
      Body: 'only once',
      MessageSid: messageSid(),
    });
    const answers: Array<string | undefined> = [];
    // Ten at a time, as a provider retrying from several workers would.
    for (let round = 0; round < 10; round++) {
      const res = await Promise.all(Array.from({ length: 10 }, () => http(event, localContext('http'))));
      for (const r of res) {
        expect(r.statusCode).toBe(200);
        answers.push(r.body);
      }
    }
    expect(new Set(answers).size).toBe(1);
    const items = (await p.doc.send(new ScanCommand({ TableName: p.table }))).Items ?? [];
    expect(items.filter((i) => String(i.pk).startsWith('POST#'))).toHaveLength(1);
    await p.drained(Date.now(), 60_000);
    expect(p.carrier.received.map((r) => r.message).sort()).toEqual(
      Array.from({ length: 4 }, () => formatEcho(alice.nick, 'only once')),
    );
  });
});
