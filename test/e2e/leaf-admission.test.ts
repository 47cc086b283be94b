/**
 * Which leaves a super-peer serves, and how much it keeps for one that stays away. Real
 * `npm start` processes on loopback: S is a super-peer with `ECHOBOT_LEAF_ALLOW` naming only L and
 * `ECHOBOT_LEAF_QUEUE_MAX=3`; L is its leaf, whose ECHOBOT_URL reaches nothing. (Unsigned, wrongly
 * signed and route-grabbing registrations are in leaves.test.ts.)
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { signRequest } from '../../lib/federation/http-signatures.ts';
import { LEAF_REGISTER_PATH } from '../../lib/federation/leaf-messages.ts';
import { keyIdOf } from '../../lib/federation/peer-messages.ts';
import { ROUTE_INFINITY } from '../../lib/federation/route-table.ts';
import { freePort } from '../../local/free-port.ts';
import { type PeerBot, type PeerBotSpec, startPeerBot } from '../support/peer-bots.ts';
import { eventually } from '../support/poll.ts';

const SAM = '+15550030001'; // on S
const ANN = '+15550030002'; // on L
const ADMIN = 'leaf-admission-admin-token';
const BOUND = 3;

/** The part of `/status` (JSON) these tests read. */
const statusPeers = z.object({
  peers: z.array(
    z.object({
      url: z.string(),
      leaf: z.object({ held: z.number(), dropped: z.number(), lastPoll: z.string().optional() }).optional(),
    }),
  ),
});

const ports = new Map<string, number>();
const urlOf = (name: string) => `http://127.0.0.1:${ports.get(name)}`;
let specs: PeerBotSpec[];
const bots = new Map<string, PeerBot>();
const bot = (name: string): PeerBot => {
  const b = bots.get(name);
  if (!b) throw new Error(`no bot ${name}`);
  return b;
};
const samHandle = () => `sam@${bot('S').authority}`;
const echoes = async (to: string) =>
  (await bot('L').outbox()).filter((l) => l.kind === 'echo' && l.to === to).map((l) => l.text);

async function status(accept: 'json' | 'html') {
  const res = await fetch(`${bot('S').url}/status`, {
    headers: {
      authorization: `Bearer ${ADMIN}`,
      accept: accept === 'json' ? 'application/json' : 'text/html',
    },
  });
  expect(res.status).toBe(200);
  return res.text();
}
const peersOnStatus = async () => statusPeers.parse(JSON.parse(await status('json'))).peers;

beforeAll(async () => {
  for (const name of ['S', 'L']) ports.set(name, await freePort());
  specs = [
    {
      name: 'S',
      relay: true,
      peers: [],
      env: {
        ECHOBOT_LEAF_ALLOW: urlOf('L'),
        ECHOBOT_LEAF_QUEUE_MAX: String(BOUND),
        ECHOBOT_ADMIN_TOKEN: ADMIN,
      },
    },
    { name: 'L', peers: [], upstreams: ['S'] },
  ];
  for (const spec of specs) bots.set(spec.name, await startPeerBot(spec, ports.get(spec.name) ?? 0, urlOf));
  expect((await bot('S').sms(SAM, 'JOIN sam')).status).toBe(200);
  expect((await bot('L').sms(ANN, 'JOIN ann')).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await Promise.all([...bots.values()].map((b) => b.stop()));
});

describe('a super-peer with ECHOBOT_LEAF_ALLOW', { timeout: 120_000 }, () => {
  it('serves the leaf on its list, and refuses a correctly signed leaf that is not with 403, registering nothing', async () => {
    await eventually(
      peersOnStatus,
      (peers) => peers.some((p) => p.url === urlOf('L') && p.leaf !== undefined),
      'S serving its allowed leaf L',
      90_000,
    );
    const stranger = 'http://127.0.0.1:9';
    const key = generateBotKeyPair();
    const url = `${bot('S').url}${LEAF_REGISTER_PATH}`;
    const body = JSON.stringify({
      type: 'leaf-register',
      from: stranger,
      publicKeyPem: key.publicKeyPem,
      routes: { '127.0.0.1:9': 0 },
    });
    const { Host: _host, ...signed } = signRequest({
      method: 'POST',
      url,
      body,
      keyId: keyIdOf(stranger),
      privateKeyPem: key.privateKeyPem,
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...signed, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('ECHOBOT_LEAF_ALLOW');
    expect((await peersOnStatus()).map((p) => p.url)).not.toContain(stranger);
    expect(await status('html')).not.toContain(stranger);
    expect((await bot('S').network()).leaves?.map((l) => l.url)).toEqual([urlOf('L')]);
  });
});

describe('a leaf that stays away (ECHOBOT_LEAF_QUEUE_MAX=3)', { timeout: 240_000 }, () => {
  const heldForL = async () => (await peersOnStatus()).find((p) => p.url === urlOf('L'))?.leaf;

  it('keeps at most the bound for it, and counts what it dropped on /status', async () => {
    await eventually(
      () => bot('L').network(),
      (n) => (n.routes[bot('S').authority] ?? ROUTE_INFINITY) < ROUTE_INFINITY,
      'L knowing a route to S',
      90_000,
    );
    expect(await bot('L').say(ANN, `FOLLOW ${samHandle()}`)).toContain(`You will get ${samHandle()}'s posts`);
    await eventually(
      () => bot('S').network(),
      (n) => n.interest[urlOf('L')]?.includes(samHandle()) ?? false,
      'S learning that L wants sam',
      90_000,
    );
    await bot('S').sms(SAM, 'before the sleep');
    await eventually(
      () => echoes(ANN),
      (e) => e.includes(`${samHandle()}: before the sleep`),
      'ann getting a post while awake',
      90_000,
    );

    await bot('L').stop();
    for (const n of [1, 2, 3, 4, 5]) await bot('S').sms(SAM, `away ${n}`);
    await bot('S').settle();
    // Five posts routed to L while it is away: S keeps three and counts the rest.
    const first = await heldForL();
    expect(first?.held).toBe(BOUND);
    expect(first?.dropped).toBeGreaterThanOrEqual(5 - BOUND);
    expect(await status('html')).toContain(`${BOUND} held; ${first?.dropped} held dropped`);
    expect((await bot('S').network()).leaves?.find((l) => l.url === urlOf('L'))).toMatchObject({
      held: BOUND,
      dropped: first?.dropped,
    });

    // More while it is still away: still three held, two more dropped.
    for (const n of [6, 7]) await bot('S').sms(SAM, `away ${n}`);
    await bot('S').settle();
    const later = await heldForL();
    expect(later?.held).toBe(BOUND);
    expect(later?.dropped).toBeGreaterThanOrEqual((first?.dropped ?? 0) + 2);
  });
});
