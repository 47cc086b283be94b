/**
 * A member's DELETE on the peer network, with real local bots: A (plain) ── S (super-peer) ── B
 * (plain), and L, a leaf of S (it polls S for held messages). A and B are not peers, so alice's
 * post and its delete reach B and L only through S.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { signRequest } from '../../lib/federation/http-signatures.ts';
import { ROUTE_INFINITY } from '../../lib/federation/route-table.ts';
import { type PeerBot, startPeerBots } from '../support/peer-bots.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550020001'; // on A
const BOB = '+15550020002'; // on B
const LEO = '+15550020003'; // on L

const SPECS = [
  { name: 'A', peers: ['S'] },
  { name: 'S', relay: true, peers: ['A', 'B'] },
  { name: 'B', peers: ['S'] },
  { name: 'L', peers: [], upstreams: ['S'] },
] as const;

let bots: Map<string, PeerBot>;
const bot = (name: string): PeerBot => {
  const b = bots.get(name);
  if (!b) throw new Error(`no bot ${name}`);
  return b;
};
const alice = () => `alice@${bot('A').authority}`;
// Where each bot's pages are read (a leaf's own URL reaches nothing).
const timeline = async (b: string) => (await fetch(`${bot(b).listenUrl}/`)).text();
const feed = async (b: string) => (await fetch(`${bot(b).listenUrl}/feed.atom`)).text();
const echoes = async (b: string, to: string) =>
  (await bot(b).outbox()).filter((l) => l.kind === 'echo' && l.to === to).map((l) => l.text);

/** FOLLOW alice once `b` knows a route to her bot (without one the follow would go over ActivityPub). */
async function followAlice(b: string, phone: string) {
  await eventually(
    () => bot(b).network(),
    (n) => (n.routes[bot('A').authority] ?? ROUTE_INFINITY) < ROUTE_INFINITY,
    `${b} knowing a route to A`,
    90_000,
  );
  expect(await bot(b).say(phone, `FOLLOW ${alice()}`)).toContain(`You will get ${alice()}'s posts`);
}

/** Waits until `b` knows that `peer` wants alice (so a post made now reaches it). */
async function interestAt(b: string, peer: string) {
  await eventually(
    () => bot(b).network(),
    (n) => n.interest[bot(peer).url]?.includes(alice()) ?? false,
    `${b} learning that ${peer} wants alice`,
    90_000,
  );
}

/** A `delete` of `postId` as bot `signer` would send it to S, with the envelope given. */
async function signedDelete(signer: string, postId: string, envelope: Record<string, unknown>) {
  const raw = JSON.stringify({
    type: 'delete',
    envelope: { postId, author: alice(), hops: 1, maxHops: 5, ...envelope },
    postId,
    author: alice(),
    at: new Date().toISOString(),
  });
  const key = parseBotKeyPair(
    await readFile(join(bot(signer).dataDir, 'bot-key.json'), 'utf8'),
  ).privateKeyPem;
  const { Host: _h, ...headers } = signRequest({
    method: 'POST',
    url: `${bot('S').url}/federation/peer`,
    body: raw,
    keyId: `${bot(signer).url}/federation/key`,
    privateKeyPem: key,
  });
  return fetch(`${bot('S').url}/federation/peer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
}

beforeAll(async () => {
  bots = await startPeerBots(SPECS);
  expect((await bot('A').sms(ALICE, 'JOIN alice')).status).toBe(200);
  expect((await bot('B').sms(BOB, 'JOIN bob')).status).toBe(200);
  expect((await bot('L').sms(LEO, 'JOIN leo')).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await Promise.all([...(bots?.values() ?? [])].map((b) => b.stop()));
});

describe('a member deletes a post that went to peers', { timeout: 240_000 }, () => {
  it('the delete follows the post through the super-peer; forgeries change nothing', async () => {
    await followAlice('B', BOB);
    await followAlice('L', LEO);
    await interestAt('S', 'B');
    await interestAt('S', 'L');
    await interestAt('A', 'S');
    await bot('A').sms(ALICE, 'a post to take back');
    const echo = `${alice()}: a post to take back`;
    for (const [b, phone] of [
      ['B', BOB],
      ['L', LEO],
    ] as const)
      await eventually(
        () => echoes(b, phone),
        (e) => e.includes(echo),
        `${b} echoing alice’s post`,
        60_000,
      );
    await eventually(
      () => timeline('B'),
      (t) => t.includes('a post to take back'),
      'B showing it',
      30_000,
    );
    const postId = (await bot('B').network()).posts.find((p) => p.author === alice())?.id;
    if (!postId) throw new Error('B holds no post by alice');

    // Another bot cannot delete alice's post: not as its own origin, nor as her bot without relaying it.
    const asOrigin = await signedDelete('B', postId, { origin: bot('B').url, path: [bot('B').url] });
    expect(asOrigin.status).toBe(400);
    const notTheSender = await signedDelete('B', postId, { origin: bot('A').url, path: [bot('A').url] });
    expect(notTheSender.status).toBe(400);
    expect(await timeline('S')).toContain('a post to take back');

    expect(await bot('A').say(ALICE, 'DELETE')).toContain('a post to take back');
    expect((await fetch(postId)).status).toBe(410);
    for (const b of ['S', 'B', 'L'])
      await eventually(
        () => timeline(b),
        (t) => !t.includes('a post to take back'),
        `${b}'s timeline dropping the post`,
        60_000,
      );
    expect(await feed('B')).not.toContain('a post to take back');
    expect(await feed('L')).not.toContain('a post to take back');
  });
});
