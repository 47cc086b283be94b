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
