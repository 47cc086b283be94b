import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { html, type Markup } from '../lib/pages/escape.ts';
import { layout } from '../lib/pages/layout.ts';
import {
  type LeafView,
  leafMarkup,
  leafPositions,
  leavesOf,
  leavesTable,
  rememberLeaves,
} from './network-leaves.ts';

/** What each local bot answers on `GET /dev/network` (built by the federation side). */
export const networkSnapshot = z.object({
  url: z.string(),
  relay: z.boolean(),
  peers: z.array(z.string()),
  /** Peers this bot could not reach on its last try (older bots leave it out). */
  down: z.array(z.string()).optional(),
  /**
   * The leaves this super-peer serves (a leaf has no address the view could ask): its last inbox
   * poll here, what is held for it, and what was dropped because its queue was full.
   */
  leaves: z
    .array(
      z.object({
        url: z.string(),
        lastPoll: z.string().optional(),
        held: z.number(),
        dropped: z.number(),
      }),
    )
    .optional(),
  posts: z.array(
    z.object({
      id: z.string(),
      author: z.string(),
      path: z.array(z.string()),
      from: z.string().nullable(),
      recipients: z.array(z.string()),
    }),
  ),
});
export type NetworkSnapshot = z.infer<typeof networkSnapshot>;

export type BotState = { url: string; snapshot?: NetworkSnapshot; error?: string };

const norm = (u: string) => u.replace(/\/+$/, '');
const label = (u: string) => {
  try {
    return new URL(u).host;
  } catch {
    return u;
  }
};

/** Reads every bot's `/dev/network`; a bot that does not answer is drawn as unreachable, not an error. */
export async function fetchNetwork(bots: readonly string[], timeoutMs = 3000): Promise<BotState[]> {
  return Promise.all(
    bots.map(async (raw) => {
      const url = norm(raw);
      try {
        const res = await fetch(`${url}/dev/network`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return { url, error: `HTTP ${res.status}` };
        return { url, snapshot: networkSnapshot.parse(await res.json()) };
      } catch (err) {
        return { url, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

export interface PeerLink {
  a: string;
  b: string;
  /** Why the link is down (an end unreachable, or a side's last send to the other failed); undefined when up. */
  down?: string;
}

/** The peers a bot reports that are not its leaves (those are drawn as uplinks). */
const peersOf = (s: BotState): string[] => {
  const leaves = new Set((s.snapshot?.leaves ?? []).map((l) => norm(l.url)));
  return (s.snapshot?.peers ?? []).map(norm).filter((p) => !leaves.has(p));
};

/** Every peer link the bots report, each once, and whether it is down. */
export function linksOf(states: readonly BotState[]): PeerLink[] {
  const byUrl = new Map(states.map((s) => [s.url, s]));
  const links = new Map<string, PeerLink>();
  for (const s of states) {
    for (const raw of peersOf(s)) {
      const [a, b] = [s.url, norm(raw)].sort() as [string, string];
      links.set(`${a} ${b}`, { a, b });
    }
  }
  for (const link of links.values()) {
    const reasons: string[] = [];
    for (const [end, other] of [
      [link.a, link.b],
      [link.b, link.a],
    ] as const) {
      const state = byUrl.get(end);
      if (state?.error) reasons.push(`${label(end)} unreachable`);
      else if (state?.snapshot?.down?.some((d) => norm(d) === other))
        reasons.push(`${label(end)} cannot reach ${label(other)}`);
    }
    if (reasons.length > 0) link.down = reasons.join('; ');
  }
  return [...links.values()];
}

interface Point {
  x: number;
  y: number;
}

/** Bots on a circle, in the order given: stable between reloads, readable up to a few dozen bots. */
function positions(urls: readonly string[], size: number, leaves: boolean): Map<string, Point> {
  const c = size / 2;
  // Leaves get the outer ring.
  const r = urls.length === 1 ? 0 : size / 2 - (leaves ? 155 : 100);
  return new Map(
    urls.map((u, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / urls.length;
      return [u, { x: Math.round(c + r * Math.cos(a)), y: Math.round(c + r * Math.sin(a)) }];
    }),
  );
}

/** The edges a post travelled to reach every bot that has it: consecutive pairs of each bot's path. */
export function hopsOf(states: readonly BotState[], postId: string) {
  const edges = new Map<string, { from: string; to: string; hop: number }>();
  const reached: Array<{
    bot: string;
    hops: number;
    from: string | null;
    recipients: string[];
    route: string[];
  }> = [];
  for (const s of states) {
    const post = s.snapshot?.posts.find((p) => p.id === postId);
    if (!post) continue;
    const route = post.path.map(norm);
    if (route.at(-1) !== s.url) route.push(s.url);
    route.forEach((to, i) => {
      const from = route[i - 1];
      if (from !== undefined && from !== to) edges.set(`${from}>${to}`, { from, to, hop: i });
    });
    reached.push({ bot: s.url, hops: route.length - 1, from: post.from, recipients: post.recipients, route });
  }
  reached.sort((a, b) => a.hops - b.hops || a.bot.localeCompare(b.bot));
  return { edges: [...edges.values()], reached, origin: reached[0]?.route[0] };
}

function graph(
  states: readonly BotState[],
  leaves: readonly LeafView[],
  highlight?: ReturnType<typeof hopsOf>,
): Markup {
  const size = 560;
  const urls = states.map((s) => s.url);
  const leafUrls = new Set(leaves.map((l) => l.url));
  const extra = new Set<string>();
  for (const s of states) for (const p of peersOf(s)) if (!urls.includes(p) && !leafUrls.has(p)) extra.add(p);
  const all = [...urls, ...extra];
  const at = positions(all, size, leaves.length > 0);
  const leafAt = leafPositions(leaves, at, size);
  const leafParts = leafMarkup(leaves, new Map([...at, ...leafAt]));
  const links = linksOf(states);
  const relay = new Set(states.filter((s) => s.snapshot?.relay).map((s) => s.url));
  const reached = new Set(highlight?.reached.map((r) => r.bot) ?? []);
  const line = (a: string, b: string) => ({ p: at.get(a), q: at.get(b) });
  return html`<svg viewBox="0 0 ${size} ${size}" width="100%" style="max-width:${size}px;background:#fff;border:1px solid #dde1ea;border-radius:10px" role="img" aria-label="bots, their peer links, and leaves with their uplinks">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d9480f"/></marker></defs>
${links.map(({ a, b, down }) => {
  const { p, q } = line(a, b);
  if (!p || !q) return '';
  return down
    ? html`<line class="peer-link down" x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="#e03131" stroke-width="2" stroke-dasharray="6 5"><title>down: ${down}</title></line>`
    : html`<line class="peer-link" x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="#b8c0d0" stroke-width="2"/>`;
})}
${leafParts.links}
${(highlight?.edges ?? []).map((e) => {
  const { p, q } = line(e.from, e.to);
  if (!p || !q) return '';
  // Stop the arrow at the target's rim.
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  const ex = q.x - (dx / len) * 30;
  const ey = q.y - (dy / len) * 30;
  return html`<g class="hop"><line x1="${p.x}" y1="${p.y}" x2="${ex.toFixed(1)}" y2="${ey.toFixed(1)}" stroke="#d9480f" stroke-width="4" marker-end="url(#arrow)"/><text x="${((p.x + q.x) / 2 + 6).toFixed(0)}" y="${((p.y + q.y) / 2 - 6).toFixed(0)}" style="font-weight:700;fill:#d9480f;font-size:13px">hop ${e.hop}</text></g>`;
})}
${all.map((u) => {
  const p = at.get(u);
  if (!p) return '';
  const state = states.find((s) => s.url === u);
  const down = !state || !!state.error;
  const fill = highlight
    ? u === highlight.origin
      ? '#d9480f'
      : reached.has(u)
        ? '#2f9e44'
        : '#e9ecef'
    : relay.has(u)
      ? '#1f3b5b'
      : '#3d6fc4';
  const r = relay.has(u) ? 28 : 20;
  return html`<g class="bot" data-url="${u}"><circle cx="${p.x}" cy="${p.y}" r="${r}" fill="${down && state ? '#adb5bd' : fill}" stroke="#fff" stroke-width="3"/><text x="${p.x}" y="${p.y + r + 14}" text-anchor="middle" style="font-size:12px;fill:#1d2330">${label(u)}${relay.has(u) ? ' (relay)' : ''}${state?.error ? ' (unreachable)' : ''}</text></g>`;
})}
${leafParts.nodes}
</svg>`;
}

export function overviewPage(states: readonly BotState[], leaves: readonly LeafView[] = []): string {
  const posts = new Map<string, { id: string; author: string; bots: number }>();
  for (const s of states) {
    for (const p of s.snapshot?.posts ?? []) {
      const seen = posts.get(p.id);
      posts.set(p.id, { id: p.id, author: p.author, bots: (seen?.bots ?? 0) + 1 });
    }
  }
  const downLinks = [
    ...linksOf(states).flatMap((l) => (l.down === undefined ? [] : [{ a: l.a, b: l.b, down: l.down }])),
    ...leaves.flatMap((l) =>
      l.uplinks.flatMap((u) => (u.down === undefined ? [] : [{ a: u.leaf, b: u.upstream, down: u.down }])),
    ),
  ];
  return layout({
    title: 'echobot network',
    site: 'local network',
    nav: html`<a href="?">Network</a>`,
    body: html`<h1>Network: ${states.length} bots${leaves.length > 0 ? `, ${leaves.length} ${leaves.length === 1 ? 'leaf' : 'leaves'}` : ''}</h1>
${graph(states, leaves)}
<p class="empty">Large dark circles are relays (super-peers); lines are peer links, dashed red when down.${leaves.length > 0 ? ' Violet diamonds are leaves, violet lines their uplinks to their super-peers, dashed red when that super-peer does not answer or the leaf has not polled it for a minute.' : ''}</p>
<h2>Recent posts</h2>
${posts.size === 0 ? html`<p class="empty">No posts yet.</p>` : ''}
<ul id="posts">${[...posts.values()].map(
      (p) =>
        html`<li><a href="?post=${encodeURIComponent(p.id)}">${p.author}</a> · reached ${p.bots} bot${p.bots === 1 ? '' : 's'} <small>${p.id}</small></li>`,
    )}</ul>
<h2>Bots</h2>
<table><tr><th>bot</th><th>role</th><th>peers</th></tr>${states.map(
      (s) =>
        html`<tr><td>${s.url}</td><td>${s.error ? html`<span class="bad">unreachable: ${s.error}</span>` : s.snapshot?.relay ? 'relay' : 'bot'}</td><td>${peersOf(s).map(label).join(', ')}</td></tr>`,
    )}</table>
${leavesTable(leaves)}
${downLinks.length === 0 ? '' : html`<h2>Links down</h2><ul id="links-down">${downLinks.map((l) => html`<li>${label(l.a)} — ${label(l.b)}: ${l.down}</li>`)}</ul>`}`,
  });
}

export function postPathPage(
  states: readonly BotState[],
  postId: string,
  leaves: readonly LeafView[] = [],
): string {
  const hops = hopsOf(states, postId);
  const author = states.flatMap((s) => s.snapshot?.posts ?? []).find((p) => p.id === postId)?.author;
  return layout({
    title: 'echobot network · post path',
    site: 'local network',
    nav: html`<a href="?">Network</a>`,
    body: html`<p><a href="?">← Network</a></p>
<h1>Path of a post${author ? html` by ${author}` : ''}</h1>
<p class="empty">${postId}</p>
${
  hops.reached.length === 0
    ? html`<p class="empty">No bot has seen this post.</p>`
    : html`${graph(states, leaves, hops)}
<p class="empty">Orange: origin and the hops the post took · green: bots that received it.</p>
<table id="reached"><tr><th>bot</th><th>hops</th><th>came from</th><th>route</th><th>recipients</th></tr>${hops.reached.map(
        (r) =>
          html`<tr><td>${label(r.bot)}</td><td>${r.hops}</td><td>${r.from ? label(r.from) : 'origin'}</td><td>${r.route.map(label).join(' → ')}</td><td>${r.recipients.length === 0 ? '—' : r.recipients.join(', ')}</td></tr>`,
      )}</table>`
}`,
  });
}

/**
 * A Node request handler serving the network view for these bots: `/` the overview, `/?post=<id>`
 * one post's path. Make one per view: it remembers the leaves it has seen, so a super-peer that
 * stops still shows its leaves' uplinks, down.
 */
export function networkViewHandler(bots: readonly string[], now: () => number = Date.now) {
  let remembered = new Map<string, string[]>();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    const states = await fetchNetwork(bots);
    const leaves = leavesOf(states, now(), remembered);
    remembered = rememberLeaves(leaves);
    const post = url.searchParams.get('post');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(post ? postPathPage(states, post, leaves) : overviewPage(states, leaves));
  };
}
