import { describe, expect, it } from 'vitest';
import { type BotState, linksOf, overviewPage } from '../../../local/network-view.ts';

const A = 'http://127.0.0.1:8801';
const B = 'http://127.0.0.1:8802';
const C = 'http://127.0.0.1:8803';
const bot = (url: string, peers: string[], down: string[] = [], relay = false): BotState => ({
  url,
  snapshot: { url, relay, peers, down, posts: [] },
});

describe('the network view shows which links are down', () => {
  it('marks a link down when an end is unreachable or a side could not reach the other', () => {
    const states: BotState[] = [
      bot(A, [B, `${C}/`], [C], true),
      bot(B, [A]),
      { url: C, error: 'fetch failed' },
    ];
    const links = linksOf(states);
    expect(links.find((l) => l.a === A && l.b === B)?.down).toBeUndefined();
    const ac = links.find((l) => l.a === A && l.b === C);
    expect(ac?.down).toBe('127.0.0.1:8801 cannot reach 127.0.0.1:8803; 127.0.0.1:8803 unreachable');
    expect(links).toHaveLength(2);

    const page = overviewPage(states);
    expect(page).toContain('Links down');
    expect(page).toContain('127.0.0.1:8801 — 127.0.0.1:8803');
    expect(page.match(/class="peer-link down"/g)).toHaveLength(1);
  });

  it('lists no link as down when every bot answers and every send succeeded', () => {
    const page = overviewPage([bot(A, [B], [], true), bot(B, [A])]);
    expect(page).not.toContain('Links down');
    expect(page).not.toContain('peer-link down');
  });
});
