import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkSnapshot, networkViewHandler } from '../../local/network-view.ts';
import { launchBrowser, screenshots } from '../support/browser.ts';

/** A loopback stand-in for a local bot's `GET /dev/network` (the federation side serves the real one). */
async function fakeBot(snapshot: (url: string) => NetworkSnapshot): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== '/dev/network') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(snapshot(url)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server };
}

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

let servers: Server[] = [];
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let viewUrl: string;
const urls: Record<'a' | 'relay' | 'b' | 'c', string> = { a: '', relay: '', b: '', c: '' };
let postId = '';

beforeAll(async () => {
  browser = await launchBrowser();
  // a -> relay -> b is the post's path; c is a relay peer that did not ask for alice.
  const post = (path: string[], from: string | null, recipients: string[]) => ({
    id: postId,
    author: `alice@${new URL(urls.a).host}`,
    path,
    from,
    recipients,
  });
  const a = await fakeBot((url) => ({
    url,
    relay: false,
    peers: [urls.relay],
    posts: [post([url], null, ['bob'])],
  }));
  const relay = await fakeBot((url) => ({
    url,
    relay: true,
    peers: [urls.a, urls.b, urls.c],
    posts: [post([urls.a, url], urls.a, [])],
  }));
  const b = await fakeBot((url) => ({
    url,
    relay: false,
    peers: [urls.relay],
    posts: [post([urls.a, urls.relay, url], urls.relay, ['carol', 'dave'])],
  }));
  const c = await fakeBot((url) => ({ url, relay: false, peers: [urls.relay], posts: [] }));
  Object.assign(urls, { a: a.url, relay: relay.url, b: b.url, c: c.url });
  postId = `${a.url}/posts/01abc`;
  // A fifth address nobody listens on: drawn as unreachable, not an error.
  const gone = createServer();
  const goneUrl = await listen(gone);
  await new Promise<void>((r) => gone.close(() => r()));
  const view = createServer(networkViewHandler([a.url, relay.url, b.url, c.url, goneUrl]));
  viewUrl = await listen(view);
  servers = [a.server, relay.server, b.server, c.server, view];
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe('network view (headless Chromium, loopback fake bots)', () => {
  it('draws the bots and their peer links, and lists recent posts', async () => {
    const page = await browser.context.newPage();
    await page.goto(viewUrl);
    expect(await page.locator('svg g.bot').count()).toBe(5);
    expect(await page.locator('svg line.peer-link').count()).toBe(3);
    expect(await page.locator('svg g.bot', { hasText: '(relay)' }).count()).toBe(1);
    expect(await page.locator('svg g.bot', { hasText: '(unreachable)' }).count()).toBe(1);
    expect(await page.locator('#posts li').allTextContents()).toEqual([
      expect.stringContaining('reached 3 bots'),
    ]);
    await screenshots(page, 'network');
    await page.close();
  });

  it('shows the path a chosen post travelled, hop by hop, and who received it', async () => {
    const page = await browser.context.newPage();
    await page.goto(viewUrl);
    await page.locator('#posts a').first().click();
    await page.waitForURL(/\?post=/);
    expect(await page.locator('h1').textContent()).toContain('alice@');
    expect(await page.locator('svg g.hop').allTextContents()).toEqual(['hop 1', 'hop 2']);
    const rows = await page.locator('#reached tr').allTextContents();
    const host = (u: string) => new URL(u).host;
    expect(rows.slice(1)).toEqual([
      `${host(urls.a)}0origin${host(urls.a)}bob`,
      `${host(urls.relay)}1${host(urls.a)}${host(urls.a)} → ${host(urls.relay)}—`,
      `${host(urls.b)}2${host(urls.relay)}${host(urls.a)} → ${host(urls.relay)} → ${host(urls.b)}carol, dave`,
    ]);
    await screenshots(page, 'network-post');
    await page.close();
  });
});

describe('leaves in the network view (headless Chromium, loopback fake super-peers)', () => {
  // A leaf has no address: nothing listens at either leaf's URL, the view learns them from S1 and S2.
  const leaf = 'http://127.0.0.1:9';
  const sleepy = 'http://127.0.0.1:7';
  const sp: Record<'s1' | 's2', string> = { s1: '', s2: '' };
  let s2: Server;
  let leafView = '';
  const host = (u: string) => new URL(u).host;

  beforeAll(async () => {
    const now = () => new Date().toISOString();
    const s1 = await fakeBot((url) => ({
      url,
      relay: true,
      peers: [sp.s2, leaf, sleepy],
      leaves: [
        { url: leaf, lastPoll: now(), held: 0, dropped: 0 },
        // Last polled ten minutes ago: its uplink is drawn down.
        { url: sleepy, lastPoll: new Date(Date.now() - 600_000).toISOString(), held: 4, dropped: 2 },
      ],
      posts: [],
    }));
    const second = await fakeBot((url) => ({
      url,
      relay: true,
      peers: [sp.s1, leaf],
      leaves: [{ url: leaf, lastPoll: now(), held: 1, dropped: 0 }],
      posts: [],
    }));
    Object.assign(sp, { s1: s1.url, s2: second.url });
    s2 = second.server;
    const view = createServer(networkViewHandler([s1.url, second.url]));
    leafView = await listen(view);
    servers.push(s1.server, second.server, view);
  });

  it('draws each leaf with its uplinks to its super-peers, and lists its upstreams', async () => {
    const page = await browser.context.newPage();
    await page.goto(leafView);
    expect(await page.locator('h1').textContent()).toContain('2 bots, 2 leaves');
    expect(await page.locator('svg g.leaf').count()).toBe(2);
    expect(await page.locator('svg g.leaf', { hasText: `${host(leaf)} (leaf)` }).count()).toBe(1);
    // Leaves are not peer links: only S1 - S2 is.
    expect(await page.locator('svg line.peer-link').count()).toBe(1);
    expect(await page.locator(`svg line.uplink[data-leaf="${leaf}"]`).count()).toBe(2);
    expect(await page.locator(`svg line.uplink.down[data-leaf="${leaf}"]`).count()).toBe(0);
    expect(await page.locator(`svg line.uplink.down[data-leaf="${sleepy}"] title`).textContent()).toContain(
      'no poll from 127.0.0.1:7 for 10 min',
    );
    const rows = (await page.locator('#leaves tr').allTextContents()).slice(1);
    const leafRows = rows.filter((r) => r.startsWith(host(leaf)));
    expect(leafRows).toHaveLength(2);
    expect(leafRows).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${host(leaf)}${host(sp.s1)}.*00up$`)),
        expect.stringMatching(new RegExp(`^${host(leaf)}${host(sp.s2)}.*10up$`)),
      ]),
    );
    expect(rows.find((r) => r.startsWith(host(sleepy)))).toMatch(/42down: no poll/);
    await screenshots(page, 'network-leaves');
    await page.close();
  });

  it('draws the uplink to a super-peer that stopped down, and lists it under links down', async () => {
    s2.closeAllConnections();
    await new Promise<void>((r) => s2.close(() => r()));
    const page = await browser.context.newPage();
    await page.goto(leafView);
    expect(await page.locator(`svg line.uplink[data-leaf="${leaf}"]`).count()).toBe(2);
    const down = page.locator(`svg line.uplink.down[data-leaf="${leaf}"]`);
    expect(await down.count()).toBe(1);
    expect(await down.getAttribute('data-upstream')).toBe(sp.s2);
    expect(await down.locator('title').textContent()).toBe(`down: ${host(sp.s2)} unreachable`);
    expect(await page.locator('#links-down li').allTextContents()).toContain(
      `${host(leaf)} — ${host(sp.s2)}: ${host(sp.s2)} unreachable`,
    );
    await screenshots(page, 'network-leaf-down');
    await page.close();
  });
});
