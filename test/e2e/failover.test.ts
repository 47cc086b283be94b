/**
 * Super-peers route around a dead one (issue 12, item 3), with real local bots:
 *
 *          S1 (super-peer)
 *        /    |    \
 *      A      |      B        A and B are plain bots; S1 and S2 are linked too.
 *        \    |    /
 *          S2 (super-peer)
 *
 * Both routes from B to A are two hops; the tie goes to the smaller URL, so S1 (given the
 * smaller port's URL) carries B's interest in alice@A. S1 is stopped and alice posts at once:
 * the post must reach bob through S2, once, without waiting for S1 (the test never restarts S1
 * before the echo arrives, so a post that waited would time out). Then S1 comes back, routes
 * return to it, and the next post arrives once through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_INFINITY } from '../../lib/federation/route-table.ts';
import { freePort } from '../../local/free-port.ts';
import { type PeerBot, type PeerBotSpec, startPeerBot } from '../support/peer-bots.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550020001'; // on A
const BOB = '+15550020002'; // on B

// Heartbeats every 2 s: each neighbour of a dead super-peer notices it within one interval.
const env = { ECHOBOT_PEER_HEARTBEAT_SECONDS: '2' };
const SPECS: PeerBotSpec[] = [
  { name: 'A', peers: ['S1', 'S2'], env },
  { name: 'B', peers: ['S1', 'S2'], env },
  { name: 'S1', relay: true, peers: ['A', 'B', 'S2'], env },
  { name: 'S2', relay: true, peers: ['A', 'B', 'S1'], env },
];

const ports = new Map<string, number>();
const urlOf = (name: string) => `http://127.0.0.1:${ports.get(name) ?? 0}`;
const bots = new Map<string, PeerBot>();
const bot = (name: string): PeerBot => {
  const b = bots.get(name);
  if (!b) throw new Error(`no bot ${name}`);
  return b;
};
const spec = (name: string): PeerBotSpec => {
  const s = SPECS.find((x) => x.name === name);
  if (!s) throw new Error(`no spec ${name}`);
  return s;
};
const alice = () => `alice@${bot('A').authority}`;
const echoes = async (b: string, to: string) =>
  (await bot(b).outbox()).filter((l) => l.kind === 'echo' && l.to === to).map((l) => l.text);
const interestAtA = async (peer: string) =>
  (await bot('A').network()).interest[bot(peer).url]?.includes(alice()) ?? false;

beforeAll(async () => {
  for (const s of SPECS) ports.set(s.name, await freePort());
  // S1 must win the tie: give it the URL that sorts first.
  const [low, high] = [ports.get('S1') ?? 0, ports.get('S2') ?? 0].sort((x, y) =>
    `http://127.0.0.1:${x}` < `http://127.0.0.1:${y}` ? -1 : 1,
  );
  ports.set('S1', low ?? 0);
  ports.set('S2', high ?? 0);
  // Two at a time: each bot starts a JVM (DynamoDB Local) and the machine is small.
  for (const pair of [SPECS.slice(0, 2), SPECS.slice(2)]) {
    const started = await Promise.all(pair.map((s) => startPeerBot(s, ports.get(s.name) ?? 0, urlOf)));
    for (const b of started) bots.set(b.name, b);
  }
  expect((await bot('A').sms(ALICE, 'JOIN alice')).status).toBe(200);
  expect((await bot('B').sms(BOB, 'JOIN bob')).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await Promise.all([...bots.values()].map((b) => b.stop()));
});

describe('failover between super-peers (four local bots)', { timeout: 240_000 }, () => {
  it('a post whose route crosses a stopped super-peer takes the other one, once; routes come back', async () => {
    await eventually(
      () => bot('B').network(),
      (n) => (n.routes[bot('A').authority] ?? ROUTE_INFINITY) === 2,
      'B knowing its two-hop routes to A',
      90_000,
    );
    expect(await bot('B').say(BOB, `FOLLOW ${alice()}`)).toContain(`You will get ${alice()}'s posts`);
    await eventually(() => interestAtA('S1'), Boolean, 'A learning that S1 wants alice', 60_000);
    expect(await interestAtA('S2')).toBe(false);

    await bot('S1').stop();
    await bot('A').sms(ALICE, 'while S1 is down');
    const first = `${alice()}: while S1 is down`;
    // Shorter than waiting for S1 could ever take: S1 is not started again before this arrives.
    await eventually(
      () => echoes('B', BOB),
      (e) => e.includes(first),
      'bob getting the post via S2',
      25_000,
    );
    const viaS2 = (await bot('B').network()).posts.find((p) => p.author === alice());
    expect(viaS2?.path).toEqual([bot('A').url, bot('S2').url]);

    const s1 = bot('S1');
    bots.set('S1', await startPeerBot(spec('S1'), s1.port, urlOf, s1.dataDir));
    // S1 is back: B's interest moves back to it (the preferred route), and off S2.
    await eventually(
      async () => [await interestAtA('S1'), await interestAtA('S2')],
      ([viaS1, viaS2Still]) => viaS1 === true && viaS2Still === false,
      'interest in alice back on S1 only',
      90_000,
    );
    await bot('A').sms(ALICE, 'after S1 is back');
    const second = `${alice()}: after S1 is back`;
    await eventually(
      () => echoes('B', BOB),
      (e) => e.includes(second),
      'bob getting the second post',
      60_000,
    );
    for (let round = 0; round < 2; round++) for (const b of bots.values()) await b.settle();
    const got = await echoes('B', BOB);
    expect(got.filter((t) => t === first)).toHaveLength(1);
    expect(got.filter((t) => t === second)).toHaveLength(1);
  });
});
