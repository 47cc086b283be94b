import { html, type Markup } from '../lib/pages/escape.ts';

/**
 * Leaves in the network view. A leaf has no address the view could ask, so everything about it
 * comes from the super-peers it polls: each lists its leaves with their last poll, what it holds
 * for them and what it dropped. A stopped super-peer tells nothing, so the view remembers which
 * super-peers it saw each leaf on and draws those uplinks down while the super-peer does not answer.
 */

/** The part of a bot's state (local/network-view.ts) the leaves are read from. */
export interface LeafSource {
  url: string;
  error?: string;
  snapshot?: {
    leaves?: ReadonlyArray<{ url: string; lastPoll?: string; held: number; dropped: number }>;
  };
}

export interface Uplink {
  leaf: string;
  upstream: string;
  lastPoll?: string;
  held?: number;
  dropped?: number;
  /** Why the uplink is down (the super-peer does not answer, or the leaf stopped polling it); undefined when up. */
  down?: string;
}

export interface LeafView {
  url: string;
  uplinks: Uplink[];
}

/**
 * A super-peer holds a leaf's poll open up to 20 s (lib/federation/leaf-messages.ts), so a live
 * leaf polls at least that often; three intervals without one and the uplink is drawn down.
 */
export const STALE_POLL_MS = 3 * 20_000;

const norm = (u: string) => u.replace(/\/+$/, '');
export const hostOf = (u: string) => {
  try {
    return new URL(u).host;
  } catch {
    return u;
  }
};

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/**
 * Every leaf the super-peers report, or that `remembered` (leaf -> super-peers it was seen on)
 * says one served before it stopped answering. A super-peer that answers and no longer lists a
 * leaf has forgotten it: so does the view.
 */
export function leavesOf(
  states: readonly LeafSource[],
  now: number,
  remembered: ReadonlyMap<string, readonly string[]> = new Map(),
): LeafView[] {
  const byLeaf = new Map<string, Uplink[]>();
  const add = (u: Uplink) => byLeaf.set(u.leaf, [...(byLeaf.get(u.leaf) ?? []), u]);
  for (const s of states) {
    for (const l of s.snapshot?.leaves ?? []) {
      const polled = l.lastPoll ? Date.parse(l.lastPoll) : Number.NaN;
      const down = Number.isNaN(polled)
        ? `${hostOf(l.url)} has not polled ${hostOf(s.url)} yet`
        : now - polled > STALE_POLL_MS
          ? `no poll from ${hostOf(l.url)} for ${ago(now - polled)}`
          : undefined;
      add({
        leaf: norm(l.url),
        upstream: s.url,
        held: l.held,
        dropped: l.dropped,
        ...(l.lastPoll ? { lastPoll: l.lastPoll } : {}),
        ...(down ? { down } : {}),
      });
    }
  }
  const unreachable = new Set(states.filter((s) => s.error !== undefined).map((s) => s.url));
  for (const [leaf, upstreams] of remembered)
    for (const upstream of upstreams)
      if (unreachable.has(upstream) && !byLeaf.get(leaf)?.some((u) => u.upstream === upstream))
        add({ leaf, upstream, down: `${hostOf(upstream)} unreachable` });
  return [...byLeaf.entries()]
    .map(([url, uplinks]) => ({ url, uplinks: uplinks.sort((a, b) => a.upstream.localeCompare(b.upstream)) }))
    .sort((a, b) => a.url.localeCompare(b.url));
}

/** What the view remembers for its next look: each leaf and the super-peers it was seen on. */
export function rememberLeaves(leaves: readonly LeafView[]): Map<string, string[]> {
  return new Map(leaves.map((l) => [l.url, l.uplinks.map((u) => u.upstream)]));
}

interface Point {
  x: number;
  y: number;
}

/**
 * Leaves on an outer ring, each at the mean angle of its super-peers (so its uplinks stay short),
 * nudged apart when two would sit on the same spot.
 */
export function leafPositions(leaves: readonly LeafView[], bots: ReadonlyMap<string, Point>, size: number) {
  const c = size / 2;
  // Room for the label beside the ring's edge.
  const r = size / 2 - 70;
  const taken: number[] = [];
  const at = new Map<string, Point>();
  for (const leaf of leaves) {
    let x = 0;
    let y = 0;
    for (const u of leaf.uplinks) {
      const p = bots.get(u.upstream);
      if (p) {
        x += p.x - c;
        y += p.y - c;
      }
    }
    // Super-peers on opposite sides: beside the line through them, not on it (its uplinks would
    // run through one of them).
    const first = bots.get(leaf.uplinks[0]?.upstream ?? '');
    let a =
      Math.hypot(x, y) >= 1
        ? Math.atan2(y, x)
        : first
          ? Math.atan2(first.y - c, first.x - c) + Math.PI / 2
          : Math.PI / 2;
    while (taken.some((t) => Math.abs(Math.atan2(Math.sin(a - t), Math.cos(a - t))) < 0.22)) a += 0.25;
    taken.push(a);
    at.set(leaf.url, { x: Math.round(c + r * Math.cos(a)), y: Math.round(c + r * Math.sin(a)) });
  }
  return at;
}

/** The uplinks (violet, dashed red when down) and the leaves (violet diamonds) of the graph. */
export function leafMarkup(
  leaves: readonly LeafView[],
  at: ReadonlyMap<string, Point>,
): { links: Markup; nodes: Markup } {
  const links = leaves.flatMap((leaf) =>
    leaf.uplinks.map((u) => {
      const p = at.get(u.leaf);
      const q = at.get(u.upstream);
      if (!p || !q) return '';
      return u.down
        ? html`<line class="uplink down" data-leaf="${u.leaf}" data-upstream="${u.upstream}" x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="#e03131" stroke-width="2" stroke-dasharray="6 5"><title>down: ${u.down}</title></line>`
        : html`<line class="uplink" data-leaf="${u.leaf}" data-upstream="${u.upstream}" x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="#9775fa" stroke-width="2"><title>${hostOf(u.leaf)} polls ${hostOf(u.upstream)}</title></line>`;
    }),
  );
  const nodes = leaves.map((leaf) => {
    const p = at.get(leaf.url);
    if (!p) return '';
    const allDown = leaf.uplinks.every((u) => u.down !== undefined);
    return html`<g class="leaf" data-url="${leaf.url}"><rect x="${p.x - 11}" y="${p.y - 11}" width="22" height="22" transform="rotate(45 ${p.x} ${p.y})" fill="${allDown ? '#adb5bd' : '#7048e8'}" stroke="#fff" stroke-width="3"/><text x="${p.x}" y="${p.y + 30}" text-anchor="middle" style="font-size:12px;fill:#1d2330">${hostOf(leaf.url)} (leaf)</text></g>`;
  });
  return { links: html`${links}`, nodes: html`${nodes}` };
}

/** One row per uplink: which super-peer, its last poll, what is held and dropped, and its state. */
export function leavesTable(leaves: readonly LeafView[]): Markup {
  if (leaves.length === 0) return html``;
  return html`<h2>Leaves</h2>
<p class="empty">A leaf has no address: it polls its upstream super-peers, which report it here.</p>
<table id="leaves"><tr><th>leaf</th><th>upstream</th><th>last poll</th><th>held</th><th>dropped</th><th>uplink</th></tr>${leaves.flatMap(
    (leaf) =>
      leaf.uplinks.map(
        (u) =>
          html`<tr><td>${hostOf(u.leaf)}</td><td>${hostOf(u.upstream)}</td><td>${u.lastPoll ?? '—'}</td><td>${u.held ?? '—'}</td><td>${u.dropped ?? '—'}</td><td>${u.down ? html`<span class="bad">down: ${u.down}</span>` : 'up'}</td></tr>`,
      ),
  )}</table>`;
}
