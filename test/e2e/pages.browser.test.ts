import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAtom } from '../support/atom.ts';
import { launchBrowser, screenshots, watchDialogs } from '../support/browser.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

const ADMIN = 'e2e-admin-token';
const PEOPLE = [
  { phone: '+15550001111', nick: 'alice' },
  { phone: '+15550002222', nick: 'bob' },
  { phone: '+15550003333', nick: 'carol' },
] as const;
const UNSAFE = `<script>alert(1)</script><img src=x onerror="alert('img')"> & "quoted"`;

let bot: LocalBot;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let consolePage: Page;
let dialogs: string[];

beforeAll(async () => {
  [bot, browser] = await Promise.all([
    startLocalBot({ env: { ECHOBOT_ADMIN_TOKEN: ADMIN, ECHOBOT_SMS_DAILY_BUDGET: '250' } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await bot?.stop();
});

const person = (page: Page, phone: string) => page.locator(`[data-person="sms:${phone}"]`);
const say = async (page: Page, phone: string, text: string) => {
  await person(page, phone).locator('.compose input').fill(text);
  await person(page, phone).locator('.compose button').click();
};

describe('pages in a real browser (headless Chromium against npm start)', () => {
  it('console: three people join, one posts, the other two see the echo live and the sender does not', async () => {
    consolePage = await browser.context.newPage();
    dialogs = watchDialogs(consolePage);
    await consolePage.goto(`${bot.url}/console`);
    for (const { phone } of PEOPLE) {
      await consolePage.locator('#add-kind').selectOption('sms');
      await consolePage.locator('#add-address').fill(phone);
      await consolePage.locator('#add-btn').click();
      await expect.poll(() => person(consolePage, phone).count()).toBe(1);
    }
    for (const { phone, nick } of PEOPLE) {
      await say(consolePage, phone, `JOIN ${nick}`);
      await person(consolePage, phone)
        .locator('.inbox li.reply', { hasText: `Welcome to echobot, ${nick}!` })
        .waitFor();
    }
    const [alice, bob, carol] = PEOPLE;
    await say(consolePage, alice.phone, 'hello from the console');
    for (const p of [bob, carol]) {
      await person(consolePage, p.phone)
        .locator('.inbox li.echo', { hasText: 'alice: hello from the console' })
        .waitFor();
    }
    await bot.settle();
    expect(await person(consolePage, alice.phone).locator('.inbox li.echo').count()).toBe(0);
    // The raw side: the signed webhook requests and the outbox records.
    expect(await consolePage.locator('#webhooks li', { hasText: 'x-twilio-signature' }).count()).toBe(4);
    await consolePage
      .locator('#outbox li', { hasText: '"text":"alice: hello from the console"' })
      .nth(1)
      .waitFor();
    await screenshots(consolePage, 'console');
  });

  it('unsafe text posted through the console shows as text in the console and on the timeline, and runs nothing', async () => {
    const [alice, bob] = PEOPLE;
    await say(consolePage, alice.phone, UNSAFE);
    await person(consolePage, bob.phone)
      .locator('.inbox li.echo', { hasText: `alice: ${UNSAFE}` })
      .waitFor();
    await bot.settle();
    expect(await consolePage.locator('img[src="x"]').count()).toBe(0);

    const page = await browser.context.newPage();
    const pageDialogs = watchDialogs(page);
    await page.goto(`${bot.url}/`);
    await expect.poll(() => page.locator('.post .text').first().textContent()).toBe(UNSAFE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect([...dialogs, ...pageDialogs]).toEqual([]);
    await page.close();
  });

  it('timeline and profile: newest first, authors linked, no phone numbers; the feed is valid Atom', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${bot.url}/`);
    expect(res?.status()).toBe(200);
    const texts = await page.locator('.post .text').allTextContents();
    expect(texts).toEqual([UNSAFE, 'hello from the console']);
    expect(await page.locator('meta[name=viewport]').count()).toBe(1);
    const html = await page.content();
    for (const { phone } of PEOPLE) expect(html).not.toContain(phone.slice(2));
    await screenshots(page, 'timeline');

    await page.locator('.post a.author').first().click();
    await page.waitForURL(`${bot.url}/@alice`);
    expect(await page.locator('h1').textContent()).toContain('alice');
    await screenshots(page, 'profile');

    const feedRes = await page.request.get(`${bot.url}/feed.atom`);
    expect(feedRes.headers()['content-type']).toMatch(/^application\/atom\+xml/);
    const feed = parseAtom(await feedRes.text());
    expect(feed.self).toBe(`${bot.url}/feed.atom`);
    expect(feed.entry.map((e) => e.content['#text'])).toEqual([UNSAFE, 'hello from the console']);
    expect(feed.entry.every((e) => e.author.name === 'alice')).toBe(true);

    await page.goto(feed.entry[1]?.id ?? '');
    expect(await page.locator('.post .text').textContent()).toBe('hello from the console');
    await screenshots(page, 'post');
    await page.close();
  });

  it('an unknown nick gets a 404 page', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${bot.url}/@nobody`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    expect(await page.locator('main').textContent()).toContain('There is no member called “nobody”');
    await screenshots(page, 'not-found');
    await page.close();
  });

  it('/status: 401 without the token; with it, the numbers and the chart', async () => {
    const page = await browser.context.newPage();
    const refused = await page.goto(`${bot.url}/status`);
    expect(refused?.status()).toBe(401);
    expect(refused?.headers()['www-authenticate']).toMatch(/^Bearer/);

    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN}` });
    const res = await page.goto(`${bot.url}/status`);
    expect(res?.status()).toBe(200);
    const card = async (label: string) =>
      (await page.locator('.card', { hasText: label }).locator('.n').textContent())?.trim();
    expect(await card('members')).toBe('3');
    expect(await card('posts today')).toBe('2');
    expect(await card('echoes today')).toBe('4');
    expect(await card('dead letters')).toBe('0');
    // The SMS budget's own counter: the 4 SMS echoes above, one part each.
    expect(await card('SMS budget used today')).toBe('4 / 250');
    expect(await page.locator('table', { hasText: 'channel' }).locator('td').allTextContents()).toEqual([
      'sms',
      '4',
    ]);
    expect(await page.locator('svg rect').count()).toBe(24);
    expect(await page.locator('main').textContent()).toContain('No peers yet.');
    await screenshots(page, 'status');
    await page.close();
  });
});
