import { describe, expect, it } from 'vitest';
import { countSms, fitSms, isGsm7 } from '../../../lib/domain/sms-segments.ts';

describe('SMS segments', () => {
  it('counts GSM-7 texts: 160 septets in one part, 153 per part after that', () => {
    expect(countSms('hello')).toEqual({ encoding: 'GSM-7', units: 5, segments: 1 });
    expect(countSms('a'.repeat(160)).segments).toBe(1);
    expect(countSms('a'.repeat(161)).segments).toBe(2);
    expect(countSms('a'.repeat(306)).segments).toBe(2);
    expect(countSms('a'.repeat(307)).segments).toBe(3);
    expect(countSms('').segments).toBe(1);
  });

  it('counts extension-table characters as two septets', () => {
    expect(countSms('{€}')).toEqual({ encoding: 'GSM-7', units: 6, segments: 1 });
    expect(countSms(`${'a'.repeat(158)}€`).segments).toBe(1);
    expect(countSms(`${'a'.repeat(159)}€`).segments).toBe(2);
    expect(isGsm7('Ça coûte 5€ [ok]')).toBe(false);
    expect(isGsm7('Ça va? 5€ [ok] ñ')).toBe(true);
  });

  it('counts anything else as UCS-2: 70 code units, then 67 per part; an emoji is 2 units', () => {
    expect(countSms('привет')).toEqual({ encoding: 'UCS-2', units: 6, segments: 1 });
    expect(countSms('😀')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(countSms('я'.repeat(70)).segments).toBe(1);
    expect(countSms('я'.repeat(71)).segments).toBe(2);
    expect(countSms('я'.repeat(135)).segments).toBe(3);
  });

  it('leaves a text that fits alone', () => {
    expect(fitSms('alice: hi', 1)).toBe('alice: hi');
    expect(fitSms('a'.repeat(306), 2)).toBe('a'.repeat(306));
  });

  it('cuts a GSM-7 text to the limit with a GSM-7 ellipsis, so it stays GSM-7', () => {
    const cut = fitSms('a'.repeat(400), 2);
    expect(cut).toBe(`${'a'.repeat(303)}...`);
    expect(countSms(cut)).toEqual({ encoding: 'GSM-7', units: 306, segments: 2 });
    expect(countSms(fitSms('€'.repeat(200), 1))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('never splits a surrogate pair or an emoji sequence when cutting UCS-2', () => {
    const text = `x${'😀'.repeat(60)}`;
    const cut = fitSms(text, 1);
    expect(countSms(cut).segments).toBe(1);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).toBe(`x${'😀'.repeat(34)}…`);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
    const family = '👨‍👩‍👧';
    const cutFamily = fitSms(family.repeat(20), 1);
    expect(
      cutFamily
        .slice(0, -1)
        .split(family)
        .every((s) => s === ''),
    ).toBe(true);
  });

  it('treats a limit below one part as one part', () => {
    expect(countSms(fitSms('b'.repeat(500), 0)).segments).toBe(1);
  });
});
