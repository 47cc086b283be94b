/**
 * Escaping for every page and feed. Hand-rolled on purpose: a tagged template that escapes each
 * interpolated value unless it is already markup is a dozen lines, and a templating library
 * would add weight to the http function's cold start for nothing else.
 */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Markup | string | number | undefined | null | false | readonly Part[];

/** Text for HTML and XML: the five special characters as entities, and characters XML forbids removed. */
export function escapeText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML 1.0 forbids.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Markup) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeText(String(part));
}

/** `html\`<p>${userText}</p>\``: every value is escaped; nested `html` results are kept as markup. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

/** Markup the caller built itself (constants only, never user text). */
export function trusted(markup: string): Markup {
  return new Markup(markup);
}

/** A link target from data (a remote post's id): only http(s) URLs and site paths, never `javascript:` and the like. */
export function safeHref(url: string): string {
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : '#';
  } catch {
    return '#';
  }
}
