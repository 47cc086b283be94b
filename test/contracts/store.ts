import { describe, expect, it } from 'vitest';
import type { Member, Post } from '../../lib/domain/types.ts';
import type { Mutation, RelationKind, Store } from '../../lib/ports/store.ts';

const at = '2026-11-23T10:00:00.000Z';
const member = (id: string, nick: string, phone: string): Member => ({
  id,
  nick,
  channels: [`sms:${phone}`],
  optedOut: [],
  joinedAt: at,
});

/**
 * The behaviour every Store adapter must have, written once as a function of an adapter factory
 * (after Fedify's `testMessageQueue`). `makeStore(pageSize)` returns a fresh, empty store.
 * Run from test/integration/store.contract.test.ts.
 */
export function storeContract(name: string, makeStore: (pageSize?: number) => Promise<Store>) {
  describe(`Store contract: ${name}`, () => {
    it('creates a member findable by id, nick and channel', async () => {
      const store = await makeStore();
      const alice = member('m1', 'alice', '+15550001111');
      expect(
        await store.commit({ key: 'twilio:1', at, reply: 'hi' }, [{ kind: 'createMember', member: alice }]),
      ).toEqual({ ok: true });
      expect(await store.memberById('m1')).toEqual(alice);
      expect(await store.memberByNick('alice')).toEqual(alice);
      expect(await store.channelState('sms:+15550001111')).toEqual({ memberId: 'm1', optedOut: false });
      expect(await store.getInbound('twilio:1')).toEqual({ key: 'twilio:1', at, reply: 'hi' });
    });

    it('commits a message key once: the second commit is a duplicate and changes nothing', async () => {
      const store = await makeStore();
      await store.commit({ key: 'twilio:1', at }, [
        { kind: 'createMember', member: member('m1', 'alice', '+15550001111') },
      ]);
      const again = await store.commit({ key: 'twilio:1', at }, [
        { kind: 'createMember', member: member('m2', 'bob', '+15550002222') },
      ]);
      expect(again).toEqual({ ok: false, reason: 'duplicate' });
      expect(await store.memberByNick('bob')).toBeUndefined();
    });

    it('keeps nicks and channels unique, all-or-nothing', async () => {
      const store = await makeStore();
      await store.commit({ key: 'k1', at }, [
        { kind: 'createMember', member: member('m1', 'alice', '+15550001111') },
      ]);
      const sameNick = await store.commit({ key: 'k2', at }, [
        { kind: 'createMember', member: member('m2', 'alice', '+15550002222') },
      ]);
      expect(sameNick).toEqual({ ok: false, reason: 'nick-taken' });
      expect(await store.channelState('sms:+15550002222')).toBeUndefined();
      expect(await store.getInbound('k2')).toBeUndefined();
      const samePhone = await store.commit({ key: 'k3', at }, [
        { kind: 'createMember', member: member('m3', 'carol', '+15550001111') },
      ]);
      expect(samePhone).toEqual({ ok: false, reason: 'channel-taken' });
      expect(await store.memberByNick('carol')).toBeUndefined();
    });

    it('records unfollows per author and lifts them again', async () => {
      const store = await makeStore();
      await store.commit({ key: 'k1', at }, [
        { kind: 'setMuted', authorId: 'a', memberId: 'm1', muted: true },
        { kind: 'setMuted', authorId: 'a', memberId: 'm2', muted: true },
        { kind: 'setMuted', authorId: 'b', memberId: 'm1', muted: true },
      ]);
      expect(await store.mutedBy('a')).toEqual(new Set(['m1', 'm2']));
      await store.commit({ key: 'k2', at }, [
        { kind: 'setMuted', authorId: 'a', memberId: 'm1', muted: false },
      ]);
      expect(await store.mutedBy('a')).toEqual(new Set(['m2']));
      expect(await store.mutedBy('nobody')).toEqual(new Set());
    });

    it('opts channels out and in, for members and strangers', async () => {
      const store = await makeStore();
      await store.commit({ key: 'k1', at }, [
        { kind: 'createMember', member: member('m1', 'alice', '+15550001111') },
      ]);
      await store.commit({ key: 'k2', at }, [
        { kind: 'setOptOut', channel: 'sms:+15550001111', memberId: 'm1', optedOut: true },
      ]);
      expect((await store.memberById('m1'))?.optedOut).toEqual(['sms:+15550001111']);
      expect(await store.channelState('sms:+15550001111')).toEqual({ memberId: 'm1', optedOut: true });
      await store.commit({ key: 'k3', at }, [
        { kind: 'setOptOut', channel: 'sms:+15550001111', memberId: 'm1', optedOut: false },
      ]);
      expect((await store.memberById('m1'))?.optedOut).toEqual([]);
      await store.commit({ key: 'k4', at }, [
        { kind: 'setOptOut', channel: 'sms:+15550009999', optedOut: true },
      ]);
      expect(await store.channelState('sms:+15550009999')).toEqual({ optedOut: true });
    });

    it('lists every member exactly once across pages', async () => {
      const store = await makeStore(7);
      const ids = Array.from({ length: 23 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      for (const id of ids) {
        await store.commit({ key: `k-${id}`, at }, [
          { kind: 'createMember', member: member(id, `n_${id}`, `+1555000${id.slice(1).padStart(4, '0')}`) },
        ]);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listMembers(cursor);
        seen.push(...page.members.map((m) => m.id));
        cursor = page.cursor;
        pages++;
      } while (cursor);
      expect(seen.sort()).toEqual(ids);
      expect(pages).toBeGreaterThanOrEqual(4);
      const some = await store.membersByIds([...ids.slice(0, 5), 'missing', ids[0] ?? '']);
      expect([...some.keys()].sort()).toEqual(ids.slice(0, 5));
    });

    it('records relations both ways, per author and per member, and lifts them again', async () => {
      const store = await makeStore();
      const rel = (relation: RelationKind, authorId: string, memberId: string, on = true) =>
        ({ kind: 'setRelation', relation, authorId, memberId, on }) as const;
      await store.commit({ key: 'k1', at }, [
        rel('follow', 'a', 'm1'),
        rel('block', 'a', 'm2'),
        rel('off', 'a', 'm3'),
        rel('unfollow', 'b', 'm1'),
      ]);
      expect(await store.relationsOf('a')).toEqual({
        follow: new Set(['m1']),
        unfollow: new Set(),
        off: new Set(['m3']),
        block: new Set(['m2']),
      });
      expect(await store.relationsBy('m1')).toEqual({
        follow: new Set(['a']),
        unfollow: new Set(['b']),
        off: new Set(),
        block: new Set(),
      });
      await store.commit({ key: 'k2', at }, [rel('follow', 'a', 'm1', false)]);
      expect((await store.relationsOf('a')).follow).toEqual(new Set());
      expect((await store.relationsBy('m1')).follow).toEqual(new Set());
      expect((await store.relationsOf('nobody')).block).toEqual(new Set());
    });

    it('keeps OFF and tracked words on the member, where member pages carry them', async () => {
      const store = await makeStore();
      await store.commit({ key: 'k1', at }, [
        { kind: 'createMember', member: member('m1', 'alice', '+15550001111') },
      ]);
      await store.commit({ key: 'k2', at }, [{ kind: 'setDeliveryOff', memberId: 'm1', off: true }]);
      await store.commit({ key: 'k2b', at }, [
        { kind: 'setTrack', memberId: 'm1', word: 'tea', tracked: true },
      ]);
      await store.commit({ key: 'k3', at }, [
        { kind: 'setTrack', memberId: 'm1', word: 'coffee', tracked: true },
      ]);
      expect(await store.memberById('m1')).toMatchObject({ off: true, tracks: ['coffee', 'tea'] });
      expect((await store.listMembers()).members[0]).toMatchObject({ off: true, tracks: ['coffee', 'tea'] });
      await store.commit({ key: 'k4', at }, [{ kind: 'setDeliveryOff', memberId: 'm1', off: false }]);
      await store.commit({ key: 'k4b', at }, [
        { kind: 'setTrack', memberId: 'm1', word: 'tea', tracked: false },
      ]);
      const back = await store.memberById('m1');
      expect(back?.off).toBeUndefined();
      expect(back?.tracks).toEqual(['coffee']);
      await expect(
        store.commit({ key: 'k5', at }, [{ kind: 'setDeliveryOff', memberId: 'ghost', off: true }]),
      ).rejects.toThrow();
    });

    it('renames a member: the new nick finds them, the old one is free, a taken nick is refused', async () => {
      const store = await makeStore();
      await store.commit({ key: 'k1', at }, [
        { kind: 'createMember', member: member('m1', 'alice', '+15550001111') },
        { kind: 'createMember', member: member('m2', 'bob', '+15550002222') },
      ]);
      expect(
        await store.commit({ key: 'k2', at }, [
          { kind: 'renameMember', memberId: 'm1', from: 'alice', to: 'bob' },
        ]),
      ).toEqual({ ok: false, reason: 'nick-taken' });
      expect(await store.getInbound('k2')).toBeUndefined();
      expect(
        await store.commit({ key: 'k3', at }, [
          { kind: 'renameMember', memberId: 'm1', from: 'alice', to: 'al' },
        ]),
      ).toEqual({ ok: true });
      expect((await store.memberByNick('al'))?.id).toBe('m1');
      expect(await store.memberByNick('alice')).toBeUndefined();
      expect((await store.memberById('m1'))?.nick).toBe('al');
    });

    it('removes a member (their channels become strangers) and bans channels', async () => {
      const store = await makeStore();
      const alice = member('m1', 'alice', '+15550001111');
      const bob = member('m2', 'bob', '+15550002222');
      await store.commit({ key: 'k1', at }, [
        { kind: 'createMember', member: alice },
        { kind: 'createMember', member: bob },
      ]);
      await store.commit({ key: 'k2', at }, [{ kind: 'removeMember', member: alice, ban: false }]);
      await store.commit({ key: 'k3', at }, [{ kind: 'removeMember', member: bob, ban: true }]);
      for (const [m, banned] of [
        [alice, false],
        [bob, true],
      ] as const) {
        expect(await store.memberById(m.id)).toBeUndefined();
        expect(await store.memberByNick(m.nick)).toBeUndefined();
        expect(await store.channelState(m.channels[0] ?? 'sms:+1')).toEqual({ optedOut: false });
        expect(await store.isBanned(m.channels[0] ?? 'sms:+1')).toBe(banned);
      }
      expect((await store.listMembers()).members).toEqual([]);
      // The nick is free again.
      expect(
        await store.commit({ key: 'k4', at }, [
          { kind: 'createMember', member: member('m3', 'alice', '+15550003333') },
        ]),
      ).toEqual({ ok: true });
    });

    it('keeps the bot mode, echo until set', async () => {
      const store = await makeStore();
      expect(await store.botMode()).toBe('echo');
      await store.commit({ key: 'k1', at }, [{ kind: 'setMode', mode: 'follow' }]);
      expect(await store.botMode()).toBe('follow');
      await store.commit({ key: 'k2', at }, [{ kind: 'setMode', mode: 'echo' }]);
      expect(await store.botMode()).toBe('echo');
    });

    it('finds an author’s latest post and counts posts', async () => {
      const store = await makeStore();
      expect(await store.latestPost('m1')).toBeUndefined();
      expect(await store.countPosts()).toBe(0);
      const post = (n: number, authorId: string): Post => ({
        id: `https://bot/posts/${authorId}-${n}`,
        authorId,
        authorNick: authorId,
        text: `post ${n}`,
        createdAt: `2026-11-23T10:0${n}:00.000Z`,
      });
      await store.commit({ key: 'k1', at }, [
        { kind: 'putPost', post: post(1, 'm1') },
        { kind: 'putPost', post: post(3, 'm1') },
        { kind: 'putPost', post: post(2, 'm1') },
        { kind: 'putPost', post: post(1, 'm2') },
      ]);
      expect(await store.latestPost('m1')).toMatchObject({ text: 'post 3', author: 'm1' });
      expect(await store.countPosts('m1')).toBe(3);
      expect(await store.countPosts()).toBe(4);
    });

    it('counts posts per member and hour, refusing the one over the limit all-or-nothing', async () => {
      const store = await makeStore();
      const post = (i: number): Post => ({
        id: `https://bot/posts/r${i}`,
        authorId: 'm1',
        authorNick: 'alice',
        text: `p${i}`,
        createdAt: at,
      });
      const count = { kind: 'countPost', memberId: 'm1', hour: '2026-11-23T10', limit: 2 } as const;
      for (const i of [1, 2])
        expect(await store.commit({ key: `r${i}`, at }, [{ kind: 'putPost', post: post(i) }, count])).toEqual(
          {
            ok: true,
          },
        );
      expect(await store.commit({ key: 'r3', at }, [{ kind: 'putPost', post: post(3) }, count])).toEqual({
        ok: false,
        reason: 'rate-limited',
      });
      expect(await store.getPost(post(3).id)).toBeUndefined();
      expect(await store.getInbound('r3')).toBeUndefined();
      // Another hour, another window.
      expect(
        await store.commit({ key: 'r4', at }, [
          { kind: 'putPost', post: post(4) },
          { ...count, hour: '2026-11-23T11' },
        ]),
      ).toEqual({ ok: true });
    });

    it('keeps quiet hours and a time zone per member, and the day’s SMS notices', async () => {
      const store = await makeStore();
      expect(await store.safetySettings('m1')).toEqual({});
      await store.commit({ key: 's1', at }, [
        { kind: 'setQuiet', memberId: 'm1', quiet: { from: 22, to: 7 } },
      ]);
      await store.commit({ key: 's2', at }, [{ kind: 'setTimeZone', memberId: 'm1', tz: 'Europe/Berlin' }]);
      expect(await store.safetySettings('m1')).toEqual({ quiet: { from: 22, to: 7 }, tz: 'Europe/Berlin' });
      await store.commit({ key: 's3', at }, [{ kind: 'setQuiet', memberId: 'm1', quiet: null }]);
      expect(await store.safetySettings('m1')).toEqual({ tz: 'Europe/Berlin' });
      expect(await store.smsUsedOn('2026-11-23')).toBe(0);
      expect(await store.smsPausedNoticed('m1', '2026-11-23')).toBe(false);
      await store.commit({ key: 's4', at }, [
        { kind: 'markSmsPausedNotice', memberId: 'm1', day: '2026-11-23' },
      ]);
      expect(await store.smsPausedNoticed('m1', '2026-11-23')).toBe(true);
      expect(await store.smsPausedNoticed('m1', '2026-11-24')).toBe(false);
    });

    it('stores posts and refuses to overwrite one', async () => {
      const store = await makeStore();
      const post: Post = {
        id: 'https://bot/posts/1',
        authorId: 'm1',
        authorNick: 'alice',
        text: 'hello',
        createdAt: at,
      };
      await store.commit({ key: 'k1', at }, [{ kind: 'putPost', post }]);
      expect(await store.getPost(post.id)).toEqual(post);
      await expect(
        store.commit({ key: 'k2', at }, [{ kind: 'putPost', post: { ...post, text: 'changed' } }]),
      ).rejects.toThrow();
      expect((await store.getPost(post.id))?.text).toBe('hello');
    });

    it('moves the delivery epoch with every change that can stop a queued recipient, once per commit', async () => {
      const store = await makeStore();
      const alice = member('m1', 'alice', '+15550001111');
      const bob = member('m2', 'bob', '+15550002222');
      await store.commit({ key: 'j1', at }, [{ kind: 'createMember', member: alice }]);
      await store.commit({ key: 'j2', at }, [{ kind: 'createMember', member: bob }]);
      expect(await store.deliveryEpoch()).toBe(0);
      // Changes that stop nobody leave it alone.
      await store.commit({ key: 'u1', at }, [
        { kind: 'setMuted', authorId: 'm1', memberId: 'm2', muted: true },
      ]);
      await store.commit({ key: 'u2', at }, [{ kind: 'setDeliveryOff', memberId: 'm2', off: false }]);
      expect(await store.deliveryEpoch()).toBe(0);
      const bumps: Mutation[] = [
        { kind: 'setOptOut', channel: 'sms:+15550002222', memberId: 'm2', optedOut: true },
        { kind: 'setDeliveryOff', memberId: 'm1', off: true },
        { kind: 'removeChannel', memberId: 'm1', channel: 'sms:+15550001111', index: 0 },
        { kind: 'removeMember', member: { ...bob, optedOut: ['sms:+15550002222'] }, ban: false },
      ];
      for (const [i, m] of bumps.entries()) {
        expect(await store.commit({ key: `b${i}`, at }, [m])).toEqual({ ok: true });
        expect(await store.deliveryEpoch()).toBe(i + 1);
      }
      // Two such changes in one commit: one bump.
      const carol = member('m3', 'carol', '+15550003333');
      await store.commit({ key: 'j3', at }, [{ kind: 'createMember', member: carol }]);
      await store.commit({ key: 'two', at }, [
        { kind: 'setOptOut', channel: 'sms:+15550003333', memberId: 'm3', optedOut: true },
        { kind: 'setDeliveryOff', memberId: 'm1', off: true },
      ]);
      expect(await store.deliveryEpoch()).toBe(bumps.length + 1);
    });

    it('reads what ingest needs at once: the seen record, or the channel and its member (a stale guess never shows)', async () => {
      const store = await makeStore();
      expect(await store.ingestReads('twilio:0', 'sms:+15550001111')).toEqual({});
      const alice = member('m1', 'alice', '+15550001111');
      await store.commit({ key: 'twilio:1', at, reply: 'welcome' }, [
        { kind: 'createMember', member: alice },
      ]);
      expect(await store.ingestReads('twilio:1', 'sms:+15550001111')).toEqual({
        prior: { key: 'twilio:1', at, reply: 'welcome' },
      });
      const expected = { state: { memberId: 'm1', optedOut: false }, member: alice };
      expect(await store.ingestReads('twilio:2', 'sms:+15550001111')).toEqual(expected);
      expect(await store.ingestReads('twilio:3', 'sms:+15550001111')).toEqual(expected);
      // The channel changes hands: alice is removed, bob joins with the same number.
      await store.commit({ key: 'kick', at }, [{ kind: 'removeMember', member: alice, ban: false }]);
      expect(await store.ingestReads('twilio:4', 'sms:+15550001111')).toEqual({ state: { optedOut: false } });
      const bob = member('m2', 'bob', '+15550001111');
      await store.commit({ key: 'twilio:5', at }, [{ kind: 'createMember', member: bob }]);
      expect(await store.ingestReads('twilio:6', 'sms:+15550001111')).toEqual({
        state: { memberId: 'm2', optedOut: false },
        member: bob,
      });
    });

    it('deletes a post: tombstoned, off the timeline and the author’s list, idempotently', async () => {
      const store = await makeStore();
      const post = (n: number): Post => ({
        id: `https://bot/posts/d${n}`,
        authorId: 'm1',
        authorNick: 'alice',
        text: `post ${n}`,
        createdAt: `2026-11-23T10:0${n}:00.000Z`,
      });
      await store.commit({ key: 'k1', at }, [
        { kind: 'putPost', post: post(1) },
        { kind: 'putPost', post: post(2) },
      ]);
      const entry = await store.timelineEntry(post(2).id);
      expect(entry).toMatchObject({ id: post(2).id, authorKey: 'm1', text: 'post 2', local: true });
      expect(await store.deletedPosts([post(1).id, post(2).id])).toEqual(new Set());
      const del = { kind: 'deletePost', postId: post(2).id, at, ...(entry ? { entry } : {}) } as const;
      expect(await store.commit({ key: 'k2', at }, [del])).toEqual({ ok: true });
      // A retry under another key (the same DELETE re-sent) changes nothing more.
      expect(await store.commit({ key: 'k3', at }, [del])).toEqual({ ok: true });
      expect(await store.deletedPosts([post(1).id, post(2).id, 'https://x/none'])).toEqual(
        new Set([post(2).id]),
      );
      expect(await store.getPost(post(2).id)).toBeUndefined();
      expect(await store.timelineEntry(post(2).id)).toBeUndefined();
      expect(await store.latestPost('m1')).toMatchObject({ id: post(1).id });
      expect(await store.countPosts('m1')).toBe(1);
      expect(await store.countPosts()).toBe(1);
      // A post that never reached the timeline (a remote one we never showed) can be tombstoned too.
      await store.commit({ key: 'k4', at }, [{ kind: 'deletePost', postId: 'https://other/notes/9', at }]);
      expect(await store.deletedPosts(['https://other/notes/9'])).toEqual(new Set(['https://other/notes/9']));
    });

    it('edits a post’s text on the timeline, and refuses to edit one that is gone', async () => {
      const store = await makeStore();
      const post: Post = {
        id: 'https://bot/posts/e1',
        authorId: 'm1',
        authorNick: 'alice',
        text: 'helo',
        createdAt: at,
      };
      await store.commit({ key: 'k1', at }, [{ kind: 'putPost', post }]);
      const entry = await store.timelineEntry(post.id);
      if (!entry) throw new Error('no timeline entry');
      await store.commit({ key: 'k2', at }, [{ kind: 'editPost', entry, text: 'hello' }]);
      expect((await store.timelineEntry(post.id))?.text).toBe('hello');
      expect(await store.latestPost('m1')).toMatchObject({ text: 'hello' });
      await store.commit({ key: 'k3', at }, [{ kind: 'deletePost', postId: post.id, entry, at }]);
      await expect(
        store.commit({ key: 'k4', at }, [{ kind: 'editPost', entry, text: 'again' }]),
      ).rejects.toThrow();
      expect(await store.timelineEntry(post.id)).toBeUndefined();
      expect(await store.countPosts('m1')).toBe(0);
    });
  });
}
