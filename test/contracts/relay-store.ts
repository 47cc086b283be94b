import { describe, expect, it } from 'vitest';
import type { FederationTask } from '../../lib/domain/federation-task.ts';
import type { RelayStore } from '../../lib/ports/relay-store.ts';

const at = new Date('2026-12-01T10:00:00.000Z');
const task = (id: string): FederationTask => ({
  type: 'deliver',
  id,
  inbox: 'https://relay.example/inbox',
  activity: '{}',
  actor: 'https://bot.example/actor',
});
const sub = (host: string) => ({
  actorId: `https://${host}/actor`,
  inbox: `https://${host}/inbox`,
  host,
  since: at.toISOString(),
});

/**
 * The behaviour every RelayStore adapter must have (FEP-ae0c relays, both directions), as a
 * function of a factory that returns a fresh, empty store. Run from
 * test/integration/relay-store.contract.test.ts.
 */
export function relayStoreContract(name: string, makeStore: () => Promise<RelayStore>) {
  describe(`RelayStore contract: ${name}`, () => {
    it('stores a subscriber once per Follow id: a retried Follow is reported and writes nothing', async () => {
      const store = await makeStore();
      expect(await store.subscribe('https://a.example/f/1', at, sub('a.example'), task('t1'))).toBe(true);
      expect(await store.subscribe('https://a.example/f/1', at, sub('a.example'), task('t2'))).toBe(false);
      expect(await store.subscribers()).toEqual([sub('a.example')]);
    });

    it('lists every subscriber and forgets one on unsubscribe (twice is harmless)', async () => {
      const store = await makeStore();
      await store.subscribe('https://a.example/f/1', at, sub('a.example'), task('t1'));
      await store.subscribe('https://b.example/f/1', at, sub('b.example'), task('t2'));
      expect((await store.subscribers()).map((s) => s.host).sort()).toEqual(['a.example', 'b.example']);
      await store.unsubscribe('https://a.example/actor');
      await store.unsubscribe('https://a.example/actor');
      expect((await store.subscribers()).map((s) => s.host)).toEqual(['b.example']);
    });

    it('is open until set to allowlist, and keeps the allowed hosts', async () => {
      const store = await makeStore();
      expect(await store.relayMode()).toBe('open');
      await store.setRelayMode('allowlist');
      expect(await store.relayMode()).toBe('allowlist');
      await store.setHostAllowed('A.example', true);
      await store.setHostAllowed('b.example', true);
      await store.setHostAllowed('b.example', false);
      expect(await store.allowedHosts()).toEqual(new Set(['a.example']));
    });

    it('joins a relay once (pending), then accepted when its Accept arrives', async () => {
      const store = await makeStore();
      const relay = {
        actorId: 'https://relay.example/actor',
        inbox: 'https://relay.example/inbox',
        followId: 'https://bot.example/actor#relay-follows/1',
      };
      expect(await store.startJoin(relay, at, task('f1'))).toBe(true);
      expect(await store.startJoin({ ...relay, followId: 'other' }, at, task('f2'))).toBe(false);
      expect(await store.joinedRelay(relay.actorId)).toEqual({
        ...relay,
        state: 'pending',
        since: at.toISOString(),
      });
      expect(await store.markJoined(relay.actorId)).toBe(true);
      expect(await store.markJoined('https://unknown.example/actor')).toBe(false);
      expect(await store.joinedRelays()).toEqual([{ ...relay, state: 'accepted', since: at.toISOString() }]);
      expect(await store.joinedRelay('https://unknown.example/actor')).toBeUndefined();
    });
  });
}
