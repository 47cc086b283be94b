import { describe, expect, it } from 'vitest';
import { SendPacer, smsShare } from '../../../lib/usecases/send-pacer.ts';

describe('SMS pacing', () => {
  it('gives sends slots at the rate, and defers what would wait longer than allowed', () => {
    let now = 1_000_000;
    const pacer = new SendPacer(2, 1000, () => now);
    expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 500, 1000]);
    expect(pacer.reserve()).toBeUndefined();
    // Three more need the backlog (1.5 s) plus 1.5 s of their own.
    expect(pacer.secondsFor(3)).toBe(3);
    now += 1500;
    expect(pacer.reserve()).toBe(0);
  });

  it('shares a number’s rate among the invocations that may run at once', () => {
    expect(smsShare(1, 2)).toBe(0.5);
    expect(smsShare(100, undefined)).toBe(100);
    expect(smsShare(undefined, 2)).toBeUndefined();
    expect(() => new SendPacer(0, 1000)).toThrow(/above 0/);
  });
});
