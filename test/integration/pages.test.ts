import { describe, expect, it } from 'vitest';
import { DynamoStats } from '../../lib/adapters/dynamodb/dynamo-stats.ts';
import { DynamoTimeline } from '../../lib/adapters/dynamodb/dynamo-timeline.ts';
import { newId } from '../../lib/domain/ids.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { noPeers } from '../../lib/ports/peers.ts';
import { localContext } from '../../local/lambda-context.ts';
import { DOMAIN, functionUrlEvent, TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { parseAtom } from '../support/atom.ts';
import { freshTable } from '../support/aws-local.ts';

const BASE = `https://${DOMAIN}`;
const ADMIN = 'operator-token-123';
const ALICE = '+15550001111';
const BOB = '+15550002222';
const UNSAFE = `<script>alert(1)</script><img src=x onerror="alert('x')"> & "quotes"`;

async function app(options: { withPages?: boolean } = {}) {
  const t = await freshTable();
  const timeline = new DynamoTimeline(t.doc, t.table);
  const stats = new DynamoStats(t.doc, t.table);
  const depths = { queued: 3, inFlight: 1, deadLetters: 2 };
  const http = createHttpApp({
    ingest: { store: t.store, now: () => new Date(), newId },
    twilioAuthToken: async () => TOKEN,
    log: () => undefined,
    ...(options.withPages === false
      ? {}
      : {
          pages: { store: t.store, timeline, now: () => new Date() },
          status: {
            adminToken: async () => ADMIN,
            stats,
            timeline,
            queueDepth: { depths: async () => depths },
            peers: noPeers,
            smsDailyBudget: 500,
            now: () => new Date(),
          },
        }),
  });
  const call = (event: Parameters<typeof http>[0]) => http(event, localContext('http'));
  const get = (path: string, headers: Record<string, string> = {}) => {
    const [p = '/', q = ''] = path.split('?');
    return call({ ...functionUrlEvent({ method: 'GET', path: p, headers }), rawQueryString: q });
  };
  const sms = (from: string, body: string) => call(twilioEvent({ From: from, Body: body }));
  return { ...t, timeline, stats, call, get, sms };
}

const postHrefs = (body: string | undefined) =>
  [...(body ?? '').matchAll(/<p class="text">([^<]*)<\/p>/g)].map((m) => m[1]);

describe('public pages', () => {
  it('lists posts newest first, twenty a page, with a link to the older ones', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    for (let i = 1; i <= 23; i++) await a.sms(ALICE, `post number ${i}`);
    const first = await a.get('/');
    expect(first.statusCode).toBe(200);
    expect(first.headers?.['content-type']).toMatch(/^text\/html/);
    const texts = postHrefs(first.body);
    expect(texts).toHaveLength(20);
    expect(texts[0]).toBe('post number 23');
    expect(texts[19]).toBe('post number 4');
    const older = /href="\/\?before=([^"]+)"/.exec(first.body ?? '')?.[1];
    expect(older).toBeDefined();
    const second = await a.get(`/?before=${older}`);
    expect(postHrefs(second.body)).toEqual(['post number 3', 'post number 2', 'post number 1']);
    expect(second.body).not.toContain('?before=');
  });

  it('shows a member’s profile with only their posts, and never a phone number anywhere', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(BOB, 'JOIN bob');
    await a.sms(ALICE, 'from alice');
    await a.sms(BOB, 'from bob');
    const profile = await a.get('/@alice');
    expect(profile.statusCode).toBe(200);
    expect(postHrefs(profile.body)).toEqual(['from alice']);
    expect(profile.body).toContain('<h1>alice');
    const feed = await a.get('/@alice/feed.atom');
    const everything = [profile, await a.get('/'), feed, await a.get('/feed.atom')]
      .map((r) => r.body)
      .join('\n');
    for (const phone of [ALICE, BOB, '5550001111', '5550002222']) expect(everything).not.toContain(phone);
  });

  it('answers an unknown nick with a 404 HTML page, on the profile and its feed', async () => {
    const a = await app();
    for (const path of ['/@nobody', '/@nobody/feed.atom', '/posts/nope']) {
      const res = await a.get(path);
      expect(res.statusCode).toBe(404);
      expect(res.headers?.['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<h1>Not found</h1>');
    }
  });

  it('shows unsafe text as text in pages and feeds, with a policy that forbids scripts', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(ALICE, UNSAFE);
    const page = await a.get('/');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; &quot;quotes&quot;',
    );
    expect(page.headers?.['content-security-policy']).toMatch(/default-src 'none'/);
    const feed = parseAtom((await a.get('/feed.atom')).body ?? '');
    // A reader decoding the XML gets exactly the text that was posted, as text.
    expect(feed.entry[0]?.content['#text']).toBe(UNSAFE);
    const postUrl = feed.entry[0]?.id ?? '';
    const single = await a.get(new URL(postUrl).pathname);
    expect(single.statusCode).toBe(200);
    expect(single.body).not.toContain('<script>alert');
  });

  it('serves valid Atom feeds: the bot’s and a member’s', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(ALICE, 'first');
    await a.sms(ALICE, 'second');
    const res = await a.get('/feed.atom');
    expect(res.headers?.['content-type']).toMatch(/^application\/atom\+xml/);
    const feed = parseAtom(res.body ?? '');
    expect(feed.id).toBe(`${BASE}/feed.atom`);
    expect(feed.self).toBe(`${BASE}/feed.atom`);
    expect(feed.entry.map((e) => e.content['#text'])).toEqual(['second', 'first']);
    expect(feed.entry[0]?.id).toMatch(new RegExp(`^${BASE}/posts/`));
    expect(feed.entry[0]?.author).toEqual({ name: 'alice', uri: `${BASE}/@alice` });
    expect(feed.updated).toBe(feed.entry[0]?.published);
    const member = parseAtom((await a.get('/@alice/feed.atom')).body ?? '');
    expect(member.self).toBe(`${BASE}/@alice/feed.atom`);
    expect(member.entry).toHaveLength(2);
  });

  it('shows remote posts the federation side records, with their handle', async () => {
    const a = await app();
    await a.timeline.record({
      id: 'https://other.example/posts/1',
      author: 'carol@other.example',
      authorKey: 'carol@other.example',
      local: false,
      text: 'hello from afar',
      createdAt: new Date().toISOString(),
    });
    const page = await a.get('/');
    expect(page.body).toContain('carol@other.example');
    expect(postHrefs(page.body)).toEqual(['hello from afar']);
    expect((await a.timeline.byAuthor('carol@other.example', { limit: 5 })).entries).toHaveLength(1);
  });

  it('renders one post at its URL, and gives ActivityPub clients the actor or the Note', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(ALICE, 'a single post');
    const id = parseAtom((await a.get('/feed.atom')).body ?? '').entry[0]?.id ?? '';
    const path = new URL(id).pathname;
    const page = await a.get(path);
    expect(postHrefs(page.body)).toEqual(['a single post']);

    const actor = await a.get('/@alice', { accept: 'application/activity+json' });
    expect(actor.statusCode).toBe(303);
    expect(actor.headers?.location).toBe(`${BASE}/users/alice`);
    const ld = await a.get('/@alice', {
      accept: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    });
    expect(ld.statusCode).toBe(303);

    const note = await a.get(path, { accept: 'application/activity+json' });
    expect(note.headers?.['content-type']).toMatch(/^application\/activity\+json/);
    expect(JSON.parse(note.body ?? '{}')).toMatchObject({
      id,
      type: 'Note',
      attributedTo: `${BASE}/users/alice`,
      content: '<p>a single post</p>',
    });
  });

  it('refuses a malformed page cursor with a 400 and reads nothing else', async () => {
    const a = await app();
    expect((await a.get('/?before=not-a-cursor')).statusCode).toBe(400);
  });
});

describe('operator status', () => {
  it('needs the bearer token: 401 with WWW-Authenticate without it or with a wrong one', async () => {
    const a = await app();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${ADMIN}` },
    ] as Record<string, string>[]) {
      const res = await a.get('/status', headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain('members');
    }
  });

  it('shows members, posts today, echoes by channel and hour, queue depths, SMS budget and peers', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(BOB, 'JOIN bob');
    await a.sms(ALICE, 'one');
    await a.sms(ALICE, 'two');
    await a.stats.countEchoes({ sms: 3 }, new Date());
    await a.stats.countEchoes({ sms: 1, telegram: 2 }, new Date());
    const res = await a.get('/status', { authorization: `Bearer ${ADMIN}`, accept: 'application/json' });
    expect(res.statusCode).toBe(200);
    const report = JSON.parse(res.body ?? '{}');
    expect(report).toMatchObject({
      members: 2,
      postsToday: 2,
      echoesToday: { sms: 4, telegram: 2 },
      queue: { queued: 3, inFlight: 1, deadLetters: 2 },
      sms: { used: 0, budget: 500 },
      peers: [],
    });
    expect(report.echoesByHour).toHaveLength(24);
    expect(report.echoesByHour.at(-1).count).toBe(6);
    const page = await a.get('/status', { authorization: `Bearer ${ADMIN}` });
    expect(page.headers?.['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('0 / 500');
  });
});

describe('deployed mode', () => {
  it('has no console: /console and /console/send are 404 without the local extras', async () => {
    const a = await app();
    expect((await a.get('/console')).statusCode).toBe(404);
    expect(
      (
        await a.call(
          functionUrlEvent({
            path: '/console/send',
            body: '{}',
            headers: { 'content-type': 'application/json' },
          }),
        )
      ).statusCode,
    ).toBe(404);
    expect((await a.get('/console/events')).statusCode).toBe(404);
  });
});
