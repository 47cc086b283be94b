import type { TimelineEntry } from '../domain/timeline.ts';
import { html } from './escape.ts';
import { layout } from './layout.ts';
import { postCard, type SiteInfo, siteName } from './timeline.ts';

export function postPage(site: SiteInfo, entry: TimelineEntry): string {
  return layout({
    title: `${entry.author}: ${entry.text.slice(0, 40)} · echobot`,
    site: siteName(site),
    body: html`<h1>Post by ${entry.author}</h1>
${postCard(entry)}
<p><a href="/">← All posts</a></p>`,
  });
}
