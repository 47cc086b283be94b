import { html } from './escape.ts';
import { layout } from './layout.ts';
import { type SiteInfo, siteName } from './timeline.ts';

export function notFoundPage(site: SiteInfo, what: string): string {
  return layout({
    title: 'Not found · echobot',
    site: siteName(site),
    body: html`<h1>Not found</h1>
<p>${what}</p>
<p><a href="/">← Back to the timeline</a></p>`,
  });
}

/** A post its author deleted (410 Gone). */
export function gonePage(site: SiteInfo): string {
  return layout({
    title: 'Deleted · echobot',
    site: siteName(site),
    body: html`<h1>Deleted</h1>
<p>This post was deleted by its author.</p>
<p><a href="/">← Back to the timeline</a></p>`,
  });
}
