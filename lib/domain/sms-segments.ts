/**
 * How many SMS parts a text costs, and how to keep it within a number of parts. Pure.
 *
 * A text made only of GSM 03.38 characters travels as GSM-7: 160 septets in one part, 153 per
 * part once concatenated (the rest is the UDH). Characters of the extension table (`^{}\[~]|€`
 * and form feed) take an escape plus the character: 2 septets. Anything else makes the whole
 * text UCS-2: 70 UTF-16 code units in one part, 67 per part concatenated; an emoji outside the
 * BMP is a surrogate pair, 2 units.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

export function isGsm7(text: string): boolean {
  for (const c of text) if (!BASIC.has(c) && !EXTENSION.has(c)) return false;
  return true;
}

/** Septets of one character in GSM-7 (assumes it is GSM-7), or UTF-16 units in UCS-2. */
function unitsOf(c: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS-2') return c.length;
  return EXTENSION.has(c) ? 2 : 1;
}

function segmentsFor(units: number, encoding: SmsEncoding): number {
  const { single, multi } = LIMITS[encoding];
  if (units === 0) return 1;
  return units <= single ? 1 : Math.ceil(units / multi);
}

export function countSms(text: string): SmsCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  let units = 0;
  for (const c of text) units += unitsOf(c, encoding);
  return { encoding, units, segments: segmentsFor(units, encoding) };
}

/** Units that fit in `segments` parts. */
function capacity(segments: number, encoding: SmsEncoding): number {
  const { single, multi } = LIMITS[encoding];
  return segments <= 1 ? single : segments * multi;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` if it fits in `maxSegments` parts; otherwise cut at a character (grapheme) boundary,
 * so neither a surrogate pair nor an emoji sequence is split, and ended with an ellipsis:
 * `...` in GSM-7 (the `…` character would turn the whole text into UCS-2), `…` in UCS-2.
 */
export function fitSms(text: string, maxSegments: number): string {
  const max = Math.max(1, Math.floor(maxSegments));
  const count = countSms(text);
  if (count.segments <= max) return text;
  const ellipsis = count.encoding === 'GSM-7' ? '...' : '…';
  let room = capacity(max, count.encoding) - ellipsis.length;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    let cost = 0;
    for (const c of segment) cost += unitsOf(c, count.encoding);
    if (cost > room) break;
    room -= cost;
    out += segment;
  }
  return `${out.trimEnd()}${ellipsis}`;
}
