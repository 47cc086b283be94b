import { describe, expect, it } from 'vitest';
import {
  RECIPIENTS_PER_JOB,
  recipientsOf,
  stillDeliverable,
  toJobs,
} from '../../../lib/domain/recipients.ts';
import type { Member } from '../../../lib/domain/types.ts';

const member = (id: string, extra: Partial<Member> = {}): Member => ({
  id,
  nick: id,
  channels: [`sms:+1555000${id.padStart(4, '0')}`],
  optedOut: [],
  joinedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

describe('recipientsOf (echo mode)', () => {
  const alice = member('1');
  const bob = member('2');
  const carol = member('3');

  it('sends to every other member, never back to the author', () => {
    const got = recipientsOf(alice.id, [alice, bob, carol], new Set());
    expect(got.map((r) => r.memberId)).toEqual(['2', '3']);
  });

  it('skips members who unfollowed the author', () => {
    expect(recipientsOf(alice.id, [alice, bob, carol], new Set(['3'])).map((r) => r.memberId)).toEqual(['2']);
  });

  it('skips opted-out channels but keeps the member’s other channels', () => {
    const two = member('4', {
      channels: ['sms:+15550000041', 'sms:+15550000042'],
      optedOut: ['sms:+15550000041'],
    });
    const stopped = member('5', { optedOut: ['sms:+15550000005'] });
    const got = recipientsOf(alice.id, [alice, two, stopped], new Set());
    expect(got).toEqual([{ memberId: '4', channel: 'sms:+15550000042' }]);
  });
});

describe('toJobs', () => {
  it('puts many recipients in each job, with deterministic ids', () => {
    const recipients = Array.from({ length: RECIPIENTS_PER_JOB * 2 + 5 }, (_, i) => ({
      memberId: String(i),
      channel: `sms:+1555${String(i).padStart(7, '0')}` as const,
    }));
    const jobs = toJobs('https://bot/posts/1', 'alice: hi', recipients, 3);
    expect(jobs.map((j) => j.recipients.length)).toEqual([RECIPIENTS_PER_JOB, RECIPIENTS_PER_JOB, 5]);
    expect(jobs.map((j) => j.id)).toEqual([
      'https://bot/posts/1#3',
      'https://bot/posts/1#4',
      'https://bot/posts/1#5',
    ]);
    expect(toJobs('https://bot/posts/1', 'alice: hi', recipients, 3)).toEqual(jobs);
  });
});

describe('stillDeliverable', () => {
  it('refuses channels that opted out after the job was queued, and members who left', () => {
    const bob = member('2');
    const r = { memberId: '2', channel: bob.channels[0] ?? 'sms:+1' } as const;
    expect(stillDeliverable(r, bob)).toBe(true);
    expect(stillDeliverable(r, { ...bob, optedOut: [r.channel] })).toBe(false);
    expect(stillDeliverable(r, undefined)).toBe(false);
  });
});
