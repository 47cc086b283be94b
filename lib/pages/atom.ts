import type { TimelineEntry } from '../domain/timeline.ts';
import { html, safeHref } from './escape.ts';

export interface FeedInfo {
  /** The feed's own URL (its id and rel=self). */
  self: string;
  /** The HTML page it mirrors. */
  alternate: string;
  title: string;
  /** The bot's base URL, for author links. */
  base: string;
}

function title(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** An Atom 1.0 feed (RFC 4287). Text is escaped like HTML; `type="text"` keeps readers from rendering it. */
export function atomFeed(feed: FeedInfo, entries: readonly TimelineEntry[], now: Date): string {
  const updated = entries[0]?.createdAt ?? now.toISOString();
  return `<?xml version="1.0" encoding="utf-8"?>\n${
    html`<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${feed.self}</id>
  <title type="text">${feed.title}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${feed.self}"/>
  <link rel="alternate" type="text/html" href="${feed.alternate}"/>
  <generator>echobot</generator>
${entries.map(
  (e) => html`  <entry>
    <id>${e.id}</id>
    <title type="text">${e.author}: ${title(e.text)}</title>
    <link rel="alternate" type="text/html" href="${safeHref(e.id)}"/>
    <published>${e.createdAt}</published>
    <updated>${e.createdAt}</updated>
    <author><name>${e.author}</name>${e.local ? html`<uri>${feed.base}/@${encodeURIComponent(e.author)}</uri>` : ''}</author>
    <content type="text">${e.text}</content>
  </entry>
`,
)}</feed>
`.value
  }`;
}
