import { afterAll, describe, expect, it } from 'vitest';
import { dynamoOffsetStore, leafCursorName } from '../../lib/adapters/dynamodb/dynamo-offset-store.ts';
import { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { composePeering } from '../../lib/compose/peering.ts';
import { createUplinkHandler, UPLINK_MARGIN_MS } from '../../lib/drivers/uplink-schedule.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { LEAF_POLL_LIMIT } from '../../lib/federation/leaf-messages.ts';
import { freePort } from '../../local/free-port.ts';
import { localContext } from '../../local/lambda-context.ts';
import { freshTable } from '../support/aws-local.ts';
import { startLoopbackSuperPeer } from '../support/loopback-super-peer.ts';

const LEAF = 'https://leaf.example';
const quiet = () => undefined;
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

async function startSuperPeer() {
  const hub = await startLoopbackSuperPeer(LEAF);
  stops.push(hub.stop);
  return hub;
}
const leafKey = generateBotKeyPair();

/** The deployed leaf as its uplink function composes it (a new call = a new container: nothing kept in memory). */
function leafRuntime(doc: Parameters<typeof composePeering>[0]['doc'], table: string, upstreams: string[]) {
  const peering = composePeering({
    url: LEAF,
    options: { upstreams, allowPrivate: true },
    key: async () => leafKey,
    doc,
    table,
    store: new DynamoStore(doc, table),
    now: () => new Date(),
    log: quiet,
  });
  const handler = createUplinkHandler({
    rounds: (until) =>
      peering.runUplinkRounds({ cursors: (u) => dynamoOffsetStore(doc, table, leafCursorName(u)), until }),
    log: quiet,
  });
  return {
    peering,
    /** One scheduled run; `timeoutMs` is the function's time left (default: a minute). */
    round: (timeoutMs?: number) => handler({}, localContext('uplink', timeoutMs)),
  };
}

describe('a deployed leaf’s uplink rounds (DynamoDB Local, a loopback super-peer)', () => {
  it('registers once, gets what is held across rounds and a restart once each, and the super-peer lets go of it', async () => {
    const hub = await startSuperPeer();
    const { doc, table } = await freshTable();
    let leaf = leafRuntime(doc, table, [hub.url]);

    // First round: the leaf registers (the super-peer now holds for it) and becomes its peer.
    expect(await leaf.round()).toEqual([
      {
        upstream: hub.url,
        ok: true,
        received: 0,
        duplicates: 0,
        registered: true,
        lastPollAt: expect.any(Number),
      },
    ]);
    expect(await hub.peering.leaves.getLeaf(LEAF)).toMatchObject({ publicKeyPem: leafKey.publicKeyPem });
    expect(await leaf.peering.peers.getPeer(hub.url)).toMatchObject({ source: 'config', healthy: true });

    await hub.holdPost('one');
    await hub.holdPost('two');
    // Second round: both, and no new registration (each makes the super-peer re-send everything).
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 2, duplicates: 0, registered: false }]);

    await hub.holdPost('three');
    // A new container: only the cursor in the table says where it was.
    leaf = leafRuntime(doc, table, [hub.url]);
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 1, duplicates: 0, registered: false }]);
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 0 }]);

    const relayed = await leaf.peering.peers.recentRelayed(10);
    expect(relayed.map((p) => p.text).sort()).toEqual(['one', 'three', 'two']);
    expect(await dynamoOffsetStore(doc, table, leafCursorName(hub.url)).read()).toBe(3);
    // The last poll acknowledged everything: nothing stays held for the leaf.
    expect(await hub.peering.leaves.heldAfter(LEAF, 0, 100)).toEqual([]);
  });

  it('a run short of time stops after the page it has and leaves the rest, unlost, for the next run', async () => {
    const hub = await startSuperPeer();
    const { doc, table } = await freshTable();
    const leaf = leafRuntime(doc, table, [hub.url]);
    await leaf.round();
    // One more than a poll hands out (LEAF_POLL_LIMIT).
    for (let i = 1; i <= LEAF_POLL_LIMIT + 1; i++) await hub.holdPost(`post ${i}`);
    // With no time left past the margin, the run handles its first page and starts no new poll.
    expect(await leaf.round(UPLINK_MARGIN_MS)).toMatchObject([{ ok: true, received: LEAF_POLL_LIMIT }]);
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 1, duplicates: 0 }]);
    expect(await leaf.peering.peers.recentRelayed(LEAF_POLL_LIMIT + 10)).toHaveLength(LEAF_POLL_LIMIT + 1);
  });

  it('a super-peer that is down fails its round (and the invocation) without stopping the other upstream', async () => {
    const hub = await startSuperPeer();
    const down = `http://127.0.0.1:${await freePort()}`;
    const { doc, table } = await freshTable();
    const leaf = leafRuntime(doc, table, [hub.url, down]);
    await expect(leaf.round()).rejects.toThrow(`uplink round failed for ${down}`);
    await hub.holdPost('while the other is down');
    await expect(leaf.round()).rejects.toThrow(down);
    expect((await leaf.peering.peers.recentRelayed(10)).map((p) => p.text)).toEqual([
      'while the other is down',
    ]);
    // Never registered: it is not our peer yet (it will be once a round registers with it).
    expect(await leaf.peering.peers.getPeer(down)).toBeUndefined();
  });

  it('registers again when the super-peer has forgotten the leaf (a 401 on the poll), and resets its cursor', async () => {
    const hub = await startSuperPeer();
    const { doc, table } = await freshTable();
    const leaf = leafRuntime(doc, table, [hub.url]);
    await leaf.round();
    await hub.holdPost('before');
    await leaf.round();
    await hub.forget();
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 0, registered: true }]);
    expect(await hub.peering.leaves.getLeaf(LEAF)).toBeDefined();
    await hub.holdPost('after');
    expect(await leaf.round()).toMatchObject([{ ok: true, received: 1, registered: false }]);
    expect((await leaf.peering.peers.recentRelayed(10)).map((p) => p.text).sort()).toEqual([
      'after',
      'before',
    ]);
  });
});
