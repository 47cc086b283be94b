import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../lib/domain/commands.ts';
import { digestText } from '../../../lib/domain/digest.ts';
import { isQuiet, localMinutes, parseZone, quietEndsAt } from '../../../lib/domain/quiet-hours.ts';
import { countSms } from '../../../lib/domain/sms-segments.ts';

describe('QUIET and TZ commands', () => {
  it('parses quiet windows in the forms people type', () => {
    for (const text of ['QUIET 22-7', 'quiet 22-07', 'Quiet 22:00-07:00', 'QUIET 22 - 7', 'QUIET 22 to 7'])
      expect(parseCommand(text)).toEqual({ kind: 'quiet', quiet: { from: 22, to: 7 } });
    expect(parseCommand('QUIET off')).toEqual({ kind: 'quietOff' });
    expect(parseCommand('QUIET')).toEqual({ kind: 'quietShow' });
  });

  it('answers bad windows with the usage line', () => {
    for (const text of ['QUIET 24-7', 'QUIET 7-7', 'QUIET tonight', 'QUIET 22-7 please', 'QUIET -7'])
      expect(parseCommand(text)).toMatchObject({ kind: 'usage', command: 'QUIET' });
  });

  it('accepts IANA zones and UTC offsets, refuses the rest', () => {
    expect(parseCommand('TZ Europe/Berlin')).toEqual({ kind: 'timeZone', tz: 'Europe/Berlin' });
    expect(parseCommand('tz europe/berlin')).toEqual({ kind: 'timeZone', tz: 'Europe/Berlin' });
    expect(parseZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(parseZone('-5')).toBe('-05:00');
    expect(parseZone('UTC+5:30')).toBe('+05:30');
    expect(parseZone('GMT')).toBe('UTC');
    for (const bad of ['TZ', 'TZ Mars/Olympus', 'TZ +15', 'TZ Europe/Berlin extra', 'TZ ../../etc'])
      expect(parseCommand(bad)).toMatchObject({ kind: 'usage', command: 'TZ' });
  });
});

describe('quiet hours', () => {
  const at = (iso: string) => new Date(iso);

  it('reads the hour in the member’s zone, across midnight', () => {
    const night = { from: 22, to: 7 };
    expect(isQuiet(at('2026-11-23T21:30:00Z'), night, 'Europe/Berlin')).toBe(true); // 22:30 Berlin
    expect(isQuiet(at('2026-11-23T20:59:00Z'), night, 'Europe/Berlin')).toBe(false);
    expect(isQuiet(at('2026-11-24T05:59:00Z'), night, 'Europe/Berlin')).toBe(true);
    expect(isQuiet(at('2026-11-24T06:00:00Z'), night, 'Europe/Berlin')).toBe(false);
    expect(isQuiet(at('2026-11-24T03:00:00Z'), night, '-05:00')).toBe(true); // 22:00 at -5
    expect(isQuiet(at('2026-11-24T12:00:00Z'), { from: 9, to: 17 }, 'UTC')).toBe(true);
    expect(localMinutes(at('2026-11-24T00:15:00Z'), '+05:30')).toBe(5 * 60 + 45);
  });

  it('knows when the window ends (the digest time)', () => {
    expect(quietEndsAt(at('2026-11-23T23:30:10Z'), { from: 22, to: 7 }, 'Europe/Berlin').toISOString()).toBe(
      '2026-11-24T06:00:00.000Z',
    );
    expect(quietEndsAt(at('2026-11-24T03:00:00Z'), { from: 22, to: 7 }, '-05:00').toISOString()).toBe(
      '2026-11-24T12:00:00.000Z',
    );
  });
});

describe('the digest SMS', () => {
  it('joins held echoes oldest first', () => {
    expect(digestText(['alice: hi', 'bob: yo'], 2)).toBe('While you were quiet: alice: hi | bob: yo');
  });

  it('stays within the part limit and says how many more there were', () => {
    const echoes = Array.from({ length: 40 }, (_, i) => `m${i}: message number ${i}`);
    const text = digestText(echoes, 1);
    expect(countSms(text).segments).toBe(1);
    expect(text).toMatch(/^While you were quiet: m0: message number 0 \| .* \(\+\d+ more\)$/);
    const shown = text.split(' | ').length;
    expect(text).toContain(`(+${40 - shown} more)`);
  });

  it('cuts a single echo that is too long alone', () => {
    const text = digestText([`alice: ${'x'.repeat(400)}`, 'bob: yo'], 1);
    expect(countSms(text).segments).toBe(1);
    expect(text).toMatch(/^While you were quiet: alice: x+\.\.\. \(\+1 more\)$/);
  });
});
