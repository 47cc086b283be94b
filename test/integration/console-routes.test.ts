import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../lib/edges/http-router.ts';
import { verifyTwilioSignature } from '../../lib/edges/twilio.ts';
import { ConsoleFeed } from '../../local/console/console-feed.ts';
import { consoleRoutes } from '../../local/console/console-routes.ts';
import { functionUrlEvent } from '../fakes/function-url-event.ts';

/** A loopback stand-in for the node's webhook routes: records what the console sends. */
let server: Server;
let url = '';
const received: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    received.push({ path: req.url ?? '', headers: req.headers, body });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function consoleApp() {
  const feed = new ConsoleFeed();
  const route = createRouter(
    consoleRoutes({ url, twilioAuthToken: 'tok', telegramSecret: 'tg-secret', feed }),
  );
  const send = (body: unknown) =>
    route(
      functionUrlEvent({
        path: '/console/send',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  return { feed, send };
}

describe('console webhooks (signed like the providers sign them)', () => {
  it('sends an SMS as a Twilio webhook whose signature the bot accepts, and logs it raw', async () => {
    const c = consoleApp();
    const res = await c.send({ channel: 'sms', address: '+15550001111', text: 'JOIN alice' });
    expect(res.statusCode).toBe(200);
    const hit = received.at(-1);
    expect(hit?.path).toBe('/webhooks/twilio');
    const params = new URLSearchParams(hit?.body);
    expect(params.get('From')).toBe('+15550001111');
    expect(params.get('Body')).toBe('JOIN alice');
    expect(() =>
      verifyTwilioSignature(
        'tok',
        `${url}/webhooks/twilio`,
        params,
        String(hit?.headers['x-twilio-signature']),
      ),
    ).not.toThrow();
    expect(c.feed.webhooks).toHaveLength(1);
    expect(c.feed.webhooks[0]).toMatchObject({ status: 200, url: `${url}/webhooks/twilio` });
  });

  it('sends a Telegram message as a bot Update with the secret token header', async () => {
    const c = consoleApp();
    await c.send({ channel: 'telegram', address: '424242', text: 'hello' });
    const hit = received.at(-1);
    expect(hit?.path).toBe('/webhooks/telegram');
    expect(hit?.headers['x-telegram-bot-api-secret-token']).toBe('tg-secret');
    expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({
      update_id: expect.any(Number),
      message: {
        message_id: expect.any(Number),
        from: { id: 424242 },
        chat: { id: 424242, type: 'private' },
        date: expect.any(Number),
        text: 'hello',
      },
    });
  });

  it('refuses a bad address with a 400 naming the problem, and sends nothing', async () => {
    const c = consoleApp();
    const before = received.length;
    await expect(c.send({ channel: 'sms', address: '5550001111', text: 'x' })).rejects.toThrow(/E\.164/);
    await expect(c.send({ channel: 'telegram', address: 'abc', text: 'x' })).rejects.toThrow(
      /Telegram user id/,
    );
    expect(received.length).toBe(before);
    expect(c.feed.webhooks).toEqual([]);
  });
});
