import { countSms } from './sms-segments.ts';

export const DIGEST_PREFIX = 'While you were quiet: ';

/**
 * One SMS for the echoes held during quiet hours, oldest first, within `maxSegments` parts:
 * `While you were quiet: alice: hi | bob: yo (+3 more)`. An echo that does not fit whole is
 * counted in "more" rather than cut, except the first, which is always there (cut if it must be).
 */
export function digestText(echoes: readonly string[], maxSegments: number): string {
  const fits = (t: string) => countSms(t).segments <= Math.max(1, maxSegments);
  const build = (shown: readonly string[], more: number) =>
    `${DIGEST_PREFIX}${shown.join(' | ')}${more > 0 ? ` (+${more} more)` : ''}`;
  const shown: string[] = [];
  for (const [i, echo] of echoes.entries()) {
    const candidate = [...shown, echo];
    if (fits(build(candidate, echoes.length - i - 1))) shown.push(echo);
    else break;
  }
  if (shown.length === 0 && echoes[0] !== undefined) {
    // Even the first alone is too long: cut it, grapheme by grapheme, until it fits.
    const more = echoes.length - 1;
    let first = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(echoes[0])].map(
      (s) => s.segment,
    );
    while (first.length > 0 && !fits(build([`${first.join('')}...`], more))) first = first.slice(0, -1);
    return build([`${first.join('').trimEnd()}...`], more);
  }
  return build(shown, echoes.length - shown.length);
}
