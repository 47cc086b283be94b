import { html, type Markup, trusted } from './escape.ts';

/** Small, phone-first CSS inline in each page: no extra request, no framework. */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f5f8}
header{background:#1f3b5b;color:#fff;padding:.7rem 0}
header a{color:#fff;text-decoration:none}
header nav{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;max-width:44rem;margin:0 auto;padding:0 1rem}
header .brand{font-weight:700;font-size:1.15rem;margin-right:auto}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
.post{background:#fff;border:1px solid #dde1ea;border-radius:10px;padding:.75rem .9rem;margin:0 0 .75rem}
.post .meta{display:flex;gap:.5rem;justify-content:space-between;font-size:.85rem;color:#5b6478}
.post .author{font-weight:600;color:#1f3b5b}
.post .text{margin:.35rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.remote{font-size:.75rem;background:#e8eefc;color:#2c4a8a;border-radius:4px;padding:0 .35rem}
.pager{display:flex;justify-content:space-between;margin:1rem 0}
.empty{color:#5b6478}
a{color:#245bb5}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem;margin-bottom:1rem}
.card{background:#fff;border:1px solid #dde1ea;border-radius:10px;padding:.6rem .8rem}
.card .n{font-size:1.6rem;font-weight:700}
.card .l{font-size:.8rem;color:#5b6478}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e6e9f0}
.ok{color:#17803d}.bad{color:#b42318}
svg text{font:10px system-ui,sans-serif;fill:#5b6478}
`;

export interface PageOptions {
  title: string;
  /** The bot's name in the header: its host. */
  site: string;
  /** Atom feed advertised for this page, if any. */
  feed?: string;
  body: Markup;
  /** Header links; the bot's own (timeline, feed) unless given. */
  nav?: Markup;
}

export function layout(options: PageOptions): string {
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.feed ? html`<link rel="alternate" type="application/atom+xml" title="Atom feed" href="${options.feed}">` : ''}
<style>${trusted(CSS)}</style>
</head>
<body>
<header><nav><a class="brand" href="/">echobot · ${options.site}</a>${options.nav ?? html`<a href="/">Timeline</a><a href="/feed.atom">Atom feed</a>`}</nav></header>
<main>
${options.body}
</main>
</body>
</html>
`.value
  }`;
}
