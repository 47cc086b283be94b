/**
 * Leaves: bots with no public address (a laptop) that open every connection to their upstream
 * super-peers. Real `npm start` processes on loopback; each leaf's ECHOBOT_URL is a port where
 * nothing listens, so anything that tried to reach a leaf would fail.
 *
 *     F (plain) ── S1 (super-peer) ── S2 (super-peer)
 *                   │     ╲            │
 *                  LA      ╲────────  LB        LA: leaf of S1; LB: leaf of S1 and S2
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { signRequest } from '../../lib/federation/http-signatures.ts';
import { LEAF_REGISTER_PATH } from '../../lib/federation/leaf-messages.ts';
import { keyIdOf } from '../../lib/federation/peer-messages.ts';
import { ROUTE_INFINITY } from '../../lib/federation/route-table.ts';
import { type PeerBot, type PeerBotSpec, startPeerBot, startPeerBots } from '../support/peer-bots.ts';
import { eventually } from '../support/poll.ts';

const FAY = '+15550020001'; // on F
const ANN = '+15550020002'; // on LA
const BEA = '+15550020003'; // on LB

const SPECS: PeerBotSpec[] = [
  { name: 'S1', relay: true, peers: ['F', 'S2'] },
  { name: 'F', peers: ['S1'] },
  { name: 'S2', relay: true, peers: ['S1'] },
  { name: 'LA', peers: [], upstreams: ['S1'] },
  { name: 'LB', peers: [], upstreams: ['S1', 'S2'] },
];

let bots: Map<string, PeerBot>;
const bot = (name: string): PeerBot => {
  const b = bots.get(name);
  if (!b) throw new Error(`no bot ${name}`);
  return b;
};
const handle = (nick: string, b: string) => `${nick}@${bot(b).authority}`;
const echoes = async (b: string, to: string) =>
  (await bot(b).outbox()).filter((l) => l.kind === 'echo' && l.to === to).map((l) => l.text);

async function follow(b: string, phone: string, target: string) {
  const authority = target.slice(target.indexOf('@') + 1);
  await eventually(
    () => bot(b).network(),
    (n) => (n.routes[authority] ?? ROUTE_INFINITY) < ROUTE_INFINITY,
    `${b} knowing a route to ${authority}`,
    90_000,
  );
  expect(await bot(b).say(phone, `FOLLOW ${target}`)).toContain(`You will get ${target}'s posts`);
}

/** Waits until `b` knows that `peer` wants `author` (so a post made now reaches it). */
async function interestAt(b: string, peer: string, author: string) {
  await eventually(
    () => bot(b).network(),
    (n) => n.interest[bot(peer).url]?.includes(author) ?? false,
    `${b} learning that ${peer} wants ${author}`,
    90_000,
  );
}

async function restart(name: string) {
  const old = bot(name);
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`no spec ${name}`);
  const urls = new Map([...bots.values()].map((b) => [b.name, b.url]));
  bots.set(name, await startPeerBot(spec, old.port, (n) => urls.get(n) ?? '', old.dataDir));
}

beforeAll(async () => {
  bots = await startPeerBots(SPECS);
  for (const [b, phone, nick] of [
    ['F', FAY, 'fay'],
    ['LA', ANN, 'ann'],
    ['LB', BEA, 'bea'],
  ] as const)
    expect((await bot(b).sms(phone, `JOIN ${nick}`)).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await Promise.all([...(bots?.values() ?? [])].map((b) => b.stop()));
});

describe('leaves behind super-peers (five local bots)', { timeout: 240_000 }, () => {
  it('a leaf’s member follows a member two hops away and gets her posts, and she gets his', async () => {
    // Nothing listens at the leaf's own URL.
    await expect(fetch(`${bot('LA').url}/federation/key`)).rejects.toThrow();
    await follow('LA', ANN, handle('fay', 'F'));
    await follow('F', FAY, handle('ann', 'LA'));
    await interestAt('F', 'S1', handle('fay', 'F'));
    await interestAt('LA', 'S1', handle('ann', 'LA'));
    await bot('F').sms(FAY, 'hello leaf');
    await bot('LA').sms(ANN, 'hello from a laptop');
    const fromFay = `${handle('fay', 'F')}: hello leaf`;
    const fromAnn = `${handle('ann', 'LA')}: hello from a laptop`;
    await eventually(
      () => echoes('LA', ANN),
      (e) => e.includes(fromFay),
      'ann getting fay’s post',
      90_000,
    );
    await eventually(
      () => echoes('F', FAY),
      (e) => e.includes(fromAnn),
      'fay getting ann’s post',
      90_000,
    );
    for (const b of bots.values()) await b.settle();
    expect((await echoes('LA', ANN)).filter((t) => t === fromFay)).toHaveLength(1);
    expect((await echoes('F', FAY)).filter((t) => t === fromAnn)).toHaveLength(1);
    // S1 advertises its leaf: F's route to LA goes through S1.
    expect((await bot('F').network()).routes[bot('LA').authority]).toBe(2);
  });

  it('a leaf that sleeps: two posts made meanwhile arrive once each when it comes back', async () => {
    await bot('LA').stop();
    await bot('F').sms(FAY, 'while you slept 1');
    await bot('F').sms(FAY, 'while you slept 2');
    await bot('F').settle();
    await bot('S1').settle();
    await restart('LA');
    const texts = [1, 2].map((n) => `${handle('fay', 'F')}: while you slept ${n}`);
    await eventually(
      () => echoes('LA', ANN),
      (e) => texts.every((t) => e.includes(t)),
      'ann getting both posts after waking up',
      90_000,
    );
    await bot('LA').settle();
    const got = await echoes('LA', ANN);
    for (const t of texts) expect(got.filter((e) => e === t)).toHaveLength(1);
    // Nothing from before the sleep came again.
    expect(got.filter((e) => e === `${handle('fay', 'F')}: hello leaf`)).toHaveLength(1);
  });

  it('a leaf with two upstreams gets every post once, and still does with one of them down', async () => {
    await follow('LB', BEA, handle('fay', 'F'));
    await interestAt('S1', 'LB', handle('fay', 'F'));
    await interestAt('S2', 'LB', handle('fay', 'F'));
    await interestAt('F', 'S1', handle('fay', 'F'));
    await bot('F').sms(FAY, 'to both homes');
    const both = `${handle('fay', 'F')}: to both homes`;
    await eventually(
      () => echoes('LB', BEA),
      (e) => e.includes(both),
      'bea getting the post',
      90_000,
    );
    await bot('S2').stop();
    await bot('F').sms(FAY, 'one home down');
    const one = `${handle('fay', 'F')}: one home down`;
    await eventually(
      () => echoes('LB', BEA),
      (e) => e.includes(one),
      'bea getting the post with S2 down',
      90_000,
    );
    // S2 is down, so S1 and LB keep retrying it and never settle: wait for a later post instead.
    await bot('F').sms(FAY, 'marker');
    const marker = `${handle('fay', 'F')}: marker`;
    await eventually(
      () => echoes('LB', BEA),
      (e) => e.includes(marker),
      'bea getting the marker',
      90_000,
    );
    await bot('LB')
      .settle()
      .catch(() => undefined);
    const got = await echoes('LB', BEA);
    expect(got.filter((e) => e === both)).toHaveLength(1);
    expect(got.filter((e) => e === one)).toHaveLength(1);
  });
});

describe('bad leaf registrations (against S1)', { timeout: 60_000 }, () => {
  const register = async (body: Record<string, unknown>, sign?: { keyPem: string; keyId: string }) => {
    const url = `${bot('S1').url}${LEAF_REGISTER_PATH}`;
    const raw = JSON.stringify(body);
    const headers = sign
      ? (({ Host: _h, ...h }) => h)(
          signRequest({ method: 'POST', url, body: raw, keyId: sign.keyId, privateKeyPem: sign.keyPem }),
        )
      : {};
    return fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: raw,
    });
  };
  const leafUrl = 'http://127.0.0.1:9';

  it('refuses unsigned and wrongly signed registrations with 401, and routes for other bots with 403', async () => {
    const key = generateBotKeyPair();
    const other = generateBotKeyPair();
    const body = {
      type: 'leaf-register',
      from: leafUrl,
      publicKeyPem: key.publicKeyPem,
      routes: { '127.0.0.1:9': 0 },
    };
    expect((await register(body)).status).toBe(401);
    expect((await register(body, { keyPem: other.privateKeyPem, keyId: keyIdOf(leafUrl) })).status).toBe(401);
    const greedy = { ...body, routes: { '127.0.0.1:9': 0, [bot('F').authority]: 0 } };
    const refused = await register(greedy, { keyPem: key.privateKeyPem, keyId: keyIdOf(leafUrl) });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('own route');
    // Nothing was registered: S1 has no such peer.
    expect((await bot('S1').network()).peers).not.toContain(leafUrl);
  });
});
