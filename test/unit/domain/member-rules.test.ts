import { describe, expect, it } from 'vitest';
import { echoRecipients, noRules, stillDeliverable, wantsPost } from '../../../lib/domain/recipients.ts';
import { nickListReply } from '../../../lib/domain/replies/member.ts';
import { followersOf, followingOf } from '../../../lib/domain/social.ts';
import type { Member } from '../../../lib/domain/types.ts';

const member = (id: string, extra: Partial<Member> = {}): Member => ({
  id,
  nick: `n${id}`,
  channels: [`sms:+1555000${id.padStart(4, '0')}`],
  optedOut: [],
  joinedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const A = 'author';
const ids = (ms: readonly { memberId: string }[]) => ms.map((m) => m.memberId);

describe('wantsPost / echoRecipients: who gets a post', () => {
  const bob = member('1');
  const off = member('2', { off: true });
  const tracker = member('3', { tracks: ['coffee'] });

  it('echo mode: everyone but the author, OFF members, unfollowers, pausers and blockers', () => {
    const rules = { ...noRules(), muted: new Set(['4']), paused: new Set(['5']), blockedBy: new Set(['6']) };
    const all = [member(A), bob, off, member('4'), member('5'), member('6')];
    expect(ids(echoRecipients(A, all, rules))).toEqual(['1']);
  });

  it('follow mode: only explicit followers who did not pause the author', () => {
    const rules = { ...noRules('follow'), followers: new Set(['1', '5']), paused: new Set(['5']) };
    expect(ids(echoRecipients(A, [bob, member('4'), member('5')], rules))).toEqual(['1']);
  });

  it('a tracked word brings the post past unfollow, pause and follow mode, never past OFF or a block', () => {
    const words = new Set(['coffee', 'now']);
    const rules = { ...noRules('follow'), muted: new Set(['3']), paused: new Set(['3']), words };
    expect(wantsPost(tracker, A, rules)).toBe(true);
    expect(wantsPost({ ...tracker, off: true }, A, rules)).toBe(false);
    expect(wantsPost(tracker, A, { ...rules, blockedBy: new Set(['3']) })).toBe(false);
    expect(wantsPost(tracker, A, { ...rules, words: new Set(['tea']) })).toBe(false);
    expect(wantsPost({ ...tracker, id: A }, A, rules)).toBe(false);
  });

  it('OFF is honoured at send time too', () => {
    const r = { memberId: '1', channel: bob.channels[0] ?? 'sms:+1' } as const;
    expect(stillDeliverable(r, bob)).toBe(true);
    expect(stillDeliverable(r, { ...bob, off: true })).toBe(false);
  });
});

describe('followersOf / followingOf', () => {
  const me = member('0');
  const others = [member('1'), member('2'), member('3'), member('4')];
  const all = [me, ...others];
  const none = { follow: new Set<string>(), unfollow: new Set<string>(), block: new Set<string>() };

  it('echo mode: followers are everyone but those who unfollowed or blocked me; OFF keeps a follower', () => {
    const got = followersOf('0', [...all, member('5', { off: true })], 'echo', new Set(['1']), {
      ...none,
      block: new Set(['2']),
    });
    expect(got.map((m) => m.id)).toEqual(['3', '4', '5']);
  });

  it('follow mode: followers and following are the explicit follows, minus blocks', () => {
    expect(
      followersOf('0', all, 'follow', new Set(), {
        ...none,
        follow: new Set(['1', '2']),
        block: new Set(['2']),
      }).map((m) => m.id),
    ).toEqual(['1']);
    expect(followingOf('0', all, 'follow', { ...none, follow: new Set(['3']) }).map((m) => m.id)).toEqual([
      '3',
    ]);
  });

  it('echo mode: following is everyone but those I unfollowed or blocked', () => {
    expect(
      followingOf('0', all, 'echo', { ...none, unfollow: new Set(['1']), block: new Set(['4']) }).map(
        (m) => m.id,
      ),
    ).toEqual(['2', '3']);
  });
});

describe('nickListReply: one SMS at most', () => {
  const nicks = Array.from({ length: 60 }, (_, i) => `member_${String(i).padStart(2, '0')}`);

  it('fits each page in 160 characters and points at the next one', () => {
    const first = nickListReply('Members', nicks, { page: 1, more: (n) => `WHO ${n} for more` });
    expect(first.length).toBeLessThanOrEqual(160);
    expect(first).toMatch(/^Members \(60\): member_00, member_01, .* WHO 2 for more$/);
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const text = nickListReply('Members', nicks, { page, more: (n) => `WHO ${n} for more` });
      expect(text.length).toBeLessThanOrEqual(160);
      seen.push(...(text.match(/member_\d\d/g) ?? []));
      if (!text.endsWith('for more')) break;
    }
    expect(seen).toEqual(nicks);
    expect(nickListReply('Members', nicks, { page: 99 })).toMatch(/there are \d+ pages/);
  });

  it('says how many more when not paged, and "none" for an empty list', () => {
    expect(nickListReply('Your followers', nicks)).toMatch(/ \+\d+ more$/);
    expect(nickListReply('Your followers', ['a', 'b'])).toBe('Your followers (2): a, b');
    expect(nickListReply('Your followers', [])).toBe('Your followers: none.');
  });
});
