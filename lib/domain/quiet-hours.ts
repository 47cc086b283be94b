/**
 * Quiet hours in a member's own time zone. Pure: the clock is always an argument.
 *
 * A zone is an IANA name (`Europe/Berlin`, checked with Intl) or a fixed UTC offset written
 * `+2`, `-05:30`, `UTC+1`, `GMT-3` (stored as `+02:00`). A window `from-to` in whole hours
 * covers `from:00` up to, not including, `to:00`, and may span midnight (`22-7`).
 */

export interface QuietHours {
  /** 0-23, local hour the quiet starts. */
  from: number;
  /** 0-23, local hour it ends; never equal to `from`. */
  to: number;
}

/** What a member set: quiet hours and a zone, each optional (the zone defaults to UTC). */
export interface SafetySettings {
  quiet?: QuietHours;
  tz?: string;
}

export const DEFAULT_ZONE = 'UTC';

const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** A canonical zone string, or undefined when the input names no zone. */
export function parseZone(input: string): string | undefined {
  const text = input.trim();
  if (/^(UTC|GMT|Z)$/i.test(text)) return 'UTC';
  const m = OFFSET.exec(text);
  if (m) {
    const hours = Number(m[2]);
    const minutes = Number(m[3] ?? '0');
    if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
    return `${m[1]}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,40}$/.test(text)) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: text });
  } catch {
    return undefined;
  }
  // Keep the name as the member wrote it (Intl would turn Asia/Kolkata into Asia/Calcutta),
  // with the usual capitals when Intl lists it.
  const lower = text.toLowerCase();
  return Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === lower) ?? text;
}

/** `22-7`, `22-07`, `22:00-07:00`: a window of whole hours, or undefined. */
export function parseQuietRange(input: string): QuietHours | undefined {
  const m = /^(\d{1,2})(?::00)?-(\d{1,2})(?::00)?$/.exec(input.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from > 23 || to > 23 || from === to) return undefined;
  return { from, to };
}

/** Minutes since local midnight at `now` in `zone`. */
export function localMinutes(now: Date, zone: string = DEFAULT_ZONE): number {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (offset) {
    const sign = offset[1] === '-' ? -1 : 1;
    const shift = sign * (Number(offset[2]) * 60 + Number(offset[3]));
    const utc = now.getUTCHours() * 60 + now.getUTCMinutes();
    return (((utc + shift) % 1440) + 1440) % 1440;
  }
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? '0');
  return hour * 60 + minute;
}

export function isQuiet(now: Date, quiet: QuietHours, zone?: string): boolean {
  const hour = Math.floor(localMinutes(now, zone) / 60);
  return quiet.from < quiet.to
    ? hour >= quiet.from && hour < quiet.to
    : hour >= quiet.from || hour < quiet.to;
}

/** When the quiet window that `now` falls in ends (the next local `to:00`), to the minute. */
export function quietEndsAt(now: Date, quiet: QuietHours, zone?: string): Date {
  const minutes = localMinutes(now, zone);
  const until = (((quiet.to * 60 - minutes) % 1440) + 1440) % 1440 || 1440;
  const start = Math.floor(now.getTime() / 60_000) * 60_000;
  return new Date(start + until * 60_000);
}

export const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** `22:00-07:00`, as replies show a window. */
export function describeQuiet(quiet: QuietHours): string {
  return `${hh(quiet.from)}-${hh(quiet.to)}`;
}
