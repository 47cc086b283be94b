import type { PeerHealth } from '../ports/peers.ts';
import { html, type Markup } from './escape.ts';
import { layout } from './layout.ts';
import { type SiteInfo, siteName } from './timeline.ts';

export interface StatusReport {
  at: string;
  members: number;
  postsToday: number;
  echoesToday: Record<string, number>;
  echoesByHour: Array<{ hour: string; count: number }>;
  queue: { queued: number; inFlight: number; deadLetters: number } | { error: string };
  sms: { used: number; budget: number | null };
  /** SMS sent today through the provider and what their receipts said (absent = no provider). */
  smsDelivery?: {
    provider: string;
    sent: number;
    delivered: number;
    failed: number;
    topFailures: Array<{ code: string; count: number }>;
  };
  peers: PeerHealth[];
}

/** Echoes per hour as bars: server-drawn SVG, no script. */
export function hourlyChart(hours: StatusReport['echoesByHour']): Markup {
  const w = 480;
  const h = 120;
  const pad = 18;
  const max = Math.max(1, ...hours.map((x) => x.count));
  const bw = (w - pad) / Math.max(1, hours.length);
  return html`<svg viewBox="0 0 ${w} ${h + pad}" width="100%" role="img" aria-label="Echoes per hour, last 24 hours" style="background:#fff;border:1px solid #dde1ea;border-radius:10px">
<text x="2" y="12">${max}</text><line x1="${pad}" y1="${h}" x2="${w}" y2="${h}" stroke="#c7ccd8"/>
${hours.map((x, i) => {
  const bh = Math.round(((h - 16) * x.count) / max);
  const bx = (pad + i * bw + 1).toFixed(1);
  return html`<rect x="${bx}" y="${h - bh}" width="${(bw - 2).toFixed(1)}" height="${bh}" fill="#3d6fc4"><title>${x.hour}:00 UTC: ${x.count}</title></rect>${
    i % 6 === 0 ? html`<text x="${bx}" y="${h + 13}">${x.hour.slice(11)}h</text>` : ''
  }`;
})}
</svg>`;
}

const card = (n: number | string, label: string) =>
  html`<div class="card"><div class="n">${n}</div><div class="l">${label}</div></div>`;

export function statusPage(site: SiteInfo, r: StatusReport): string {
  const echoTotal = Object.values(r.echoesToday).reduce((a, b) => a + b, 0);
  const queue = 'error' in r.queue ? undefined : r.queue;
  return layout({
    title: `Status · echobot · ${siteName(site)}`,
    site: siteName(site),
    body: html`<h1>Status</h1>
<div class="cards">
${card(r.members, 'members')}
${card(r.postsToday, 'posts today')}
${card(echoTotal, 'echoes today')}
${card(queue ? queue.queued + queue.inFlight : '?', 'jobs queued')}
${card(queue ? queue.deadLetters : '?', 'dead letters')}
${card(`${r.sms.used}${r.sms.budget === null ? '' : ` / ${r.sms.budget}`}`, 'SMS budget used today')}
</div>
<h2>Echoes, last 24 hours</h2>
${hourlyChart(r.echoesByHour)}
<h2>Echoes today by channel</h2>
<table><tr><th>channel</th><th>echoes</th></tr>
${Object.keys(r.echoesToday).length === 0 ? html`<tr><td colspan="2">none yet</td></tr>` : Object.entries(r.echoesToday).map(([k, n]) => html`<tr><td>${k}</td><td>${n}</td></tr>`)}
</table>
${
  r.smsDelivery
    ? html`<h2>SMS today (${r.smsDelivery.provider})</h2>
<table><tr><th>sent</th><th>delivered</th><th>failed</th></tr><tr><td>${r.smsDelivery.sent}</td><td class="ok">${r.smsDelivery.delivered}</td><td class="${r.smsDelivery.failed > 0 ? 'bad' : 'ok'}">${r.smsDelivery.failed}</td></tr></table>
${
  r.smsDelivery.topFailures.length === 0
    ? html`<p class="empty">No failure codes today.</p>`
    : html`<table><tr><th>failure code</th><th>SMS</th></tr>${r.smsDelivery.topFailures.map((f) => html`<tr><td>${f.code}</td><td>${f.count}</td></tr>`)}</table>`
}`
    : ''
}
<h2>Delivery queue</h2>
${
  queue
    ? html`<table><tr><th>waiting</th><th>in flight</th><th>dead letters</th></tr><tr><td>${queue.queued}</td><td>${queue.inFlight}</td><td class="${queue.deadLetters > 0 ? 'bad' : 'ok'}">${queue.deadLetters}</td></tr></table>`
    : html`<p class="bad">Queue depth unavailable: ${'error' in r.queue ? r.queue.error : ''}</p>`
}
<h2>Peers</h2>
${
  r.peers.length === 0
    ? html`<p class="empty">No peers yet.</p>`
    : html`<table><tr><th>peer</th><th>health</th><th>last seen</th></tr>${r.peers.map(
        (p) =>
          html`<tr><td>${p.url}${p.leaf ? ` (leaf; last poll ${p.leaf.lastPoll ?? 'never'}; ${p.leaf.held} held; ${p.leaf.dropped} held dropped)` : ''}</td><td class="${p.healthy ? 'ok' : 'bad'}">${p.healthy ? 'ok' : (p.detail ?? 'failing')}</td><td>${p.lastSeen ?? '—'}</td></tr>`,
      )}</table>`
}
<p class="empty">As of ${r.at}. JSON: send <code>Accept: application/json</code>.</p>`,
  });
}
