import type { TimelinePage } from '../domain/timeline.ts';
import { html } from './escape.ts';
import { layout } from './layout.ts';
import { postList, type SiteInfo, siteName } from './timeline.ts';

/** A member's public profile: nick, join date and posts. Never a channel or phone number. */
export function profilePage(
  site: SiteInfo,
  member: { nick: string; joinedAt: string },
  page: TimelinePage,
): string {
  const path = `/@${encodeURIComponent(member.nick)}`;
  return layout({
    title: `${member.nick} · echobot · ${siteName(site)}`,
    site: siteName(site),
    feed: `${site.base}${path}/feed.atom`,
    body: html`<h1>${member.nick}<small style="font-weight:400;color:#5b6478"> @${siteName(site)}</small></h1>
<p class="empty">Member since ${member.joinedAt.slice(0, 10)} · <a href="${path}/feed.atom">Atom feed</a></p>
${postList(page, path, `${member.nick} has not posted yet.`)}`,
  });
}
