import type { TimelineEntry, TimelinePage } from '../domain/timeline.ts';
import { html, type Markup, safeHref } from './escape.ts';
import { layout } from './layout.ts';

export interface SiteInfo {
  /** The bot's public base URL, no trailing slash. */
  base: string;
}

export const siteName = (site: SiteInfo) => new URL(site.base).host;

/** A post's author as a link: local members to their profile, remote authors to the post itself. */
function authorLink(entry: TimelineEntry): Markup {
  return entry.local
    ? html`<a class="author" href="/@${encodeURIComponent(entry.author)}">${entry.author}</a>`
    : html`<span class="author">${entry.author}</span> <span class="remote">remote</span>`;
}

export function postCard(entry: TimelineEntry): Markup {
  const when = entry.createdAt.replace('T', ' ').slice(0, 16);
  return html`<article class="post">
<div class="meta">${authorLink(entry)}<a href="${safeHref(entry.id)}"><time datetime="${entry.createdAt}">${when} UTC</time></a></div>
<p class="text">${entry.text}</p>
</article>`;
}

export function postList(page: TimelinePage, pagePath: string, emptyText: string): Markup {
  return html`${page.entries.length === 0 ? html`<p class="empty">${emptyText}</p>` : page.entries.map(postCard)}
<nav class="pager"><a href="${pagePath}">Newest</a>${
    page.before
      ? html`<a rel="next" href="${pagePath}?before=${encodeURIComponent(page.before)}">Older posts →</a>`
      : ''
  }</nav>`;
}

export function timelinePage(site: SiteInfo, page: TimelinePage): string {
  return layout({
    title: `echobot · ${siteName(site)}`,
    site: siteName(site),
    feed: `${site.base}/feed.atom`,
    body: html`<h1>Recent posts</h1>
${postList(page, '/', 'No posts yet. Text JOIN <nick> to the bot to join, then say something.')}`,
  });
}
