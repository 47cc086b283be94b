import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFederationStore } from '../../lib/adapters/dynamodb/dynamo-federation-store.ts';
import { DynamoTimeline } from '../../lib/adapters/dynamodb/dynamo-timeline.ts';
import { newId } from '../../lib/domain/ids.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { generateBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { createSafeFetch } from '../../lib/federation/safe-fetch.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type FakeFediverse, startFakeFediverse } from '../fakes/fake-fediverse.ts';
import { DOMAIN, functionUrlEvent, TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { freshTable } from '../support/aws-local.ts';
import { messageSid } from '../support/twilio-phone.ts';

const BASE = `https://${DOMAIN}`;
const ALICE = '+15550001111';
const BOB = '+15550002222';
let remote: FakeFediverse;
beforeAll(async () => {
  remote = await startFakeFediverse();
});
afterAll(async () => {
  await remote?.close();
});

async function app() {
  const t = await freshTable();
  const federation = new DynamoFederationStore(t.doc, t.table);
  const timeline = new DynamoTimeline(t.doc, t.table);
  const http = createHttpApp({
    ingest: { store: t.store, now: () => new Date(), newId, federation },
    twilioAuthToken: async () => TOKEN,
    log: () => undefined,
    pages: { store: t.store, timeline, now: () => new Date() },
    federation: {
      keys: generateBotKeyPair(),
      fetch: createSafeFetch({ allowPrivate: true }),
      store: federation,
      members: t.store,
      timeline,
      allowPrivate: true,
      now: () => new Date(),
      newId,
      log: () => undefined,
    },
  });
  const call = (event: Parameters<typeof http>[0]) => http(event, localContext('http'));
  const items = async () => (await t.doc.send(new ScanCommand({ TableName: t.table }))).Items ?? [];
  const get = (path: string, accept = 'application/activity+json') =>
    call({
      ...functionUrlEvent({ method: 'GET', path, headers: { accept } }),
      rawQueryString: path.includes('?') ? path.slice(path.indexOf('?') + 1) : '',
      rawPath: path.split('?')[0] ?? path,
    });
  const sms = (from: string, body: string) =>
    call(twilioEvent({ From: from, Body: body, MessageSid: messageSid() }));
  /** A signed POST of `activity` to our inbox, as `nick` on the remote server. */
  const deliver = (
    activity: unknown,
    options: {
      nick?: string;
      path?: string;
      now?: Date;
      tamper?: (body: string) => string;
      sign?: boolean;
      keys?: ReturnType<typeof generateBotKeyPair>;
    } = {},
  ) => {
    const path = options.path ?? '/inbox';
    const body = JSON.stringify(activity);
    const headers =
      options.sign === false
        ? {}
        : remote.sign(options.nick ?? 'carol', `${BASE}${path}`, body, {
            ...(options.now ? { now: options.now } : {}),
            ...(options.keys ? { keys: options.keys } : {}),
          });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return call(
      functionUrlEvent({
        path,
        headers: { ...lower, 'content-type': 'application/activity+json' },
        body: options.tamper ? options.tamper(body) : body,
      }),
    );
  };
  return { ...t, federation, call, items, get, sms, deliver };
}

const followOf = (nick: string, id = `${Math.random()}`) => ({
  '@context': 'https://www.w3.org/ns/activitystreams',
  id: `${remote.actor('carol')}#follow-${id}`,
  type: 'Follow',
  actor: remote.actor('carol'),
  object: `${BASE}/users/${nick}`,
});

const noteFrom = (nick: string, text: string, to: string[]) => {
  const id = `${remote.base}/notes/${Math.random().toString(36).slice(2)}`;
  return {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${id}/activity`,
    type: 'Create',
    actor: remote.actor(nick),
    object: { id, type: 'Note', attributedTo: remote.actor(nick), content: `<p>${text}</p>`, to, cc: [] },
  };
};

describe('ActivityPub identity: WebFinger, actors, NodeInfo', () => {
  it('finds a member by acct handle and serves their actor without a phone number', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const wf = await a.get(`/.well-known/webfinger?resource=acct:alice@${DOMAIN}`, 'application/jrd+json');
    expect(wf.statusCode).toBe(200);
    expect(JSON.parse(wf.body ?? '')).toMatchObject({
      subject: `acct:alice@${DOMAIN}`,
      links: expect.arrayContaining([
        { rel: 'self', type: 'application/activity+json', href: `${BASE}/users/alice` },
      ]),
    });
    const actor = await a.get('/users/alice');
    expect(actor.statusCode).toBe(200);
    expect(actor.headers?.['content-type']).toMatch(/^application\/activity\+json/);
    expect(JSON.parse(actor.body ?? '')).toMatchObject({
      id: `${BASE}/users/alice`,
      type: 'Person',
      preferredUsername: 'alice',
      inbox: `${BASE}/users/alice/inbox`,
      outbox: `${BASE}/users/alice/outbox`,
      followers: `${BASE}/users/alice/followers`,
      endpoints: { sharedInbox: `${BASE}/inbox` },
      publicKey: { id: `${BASE}/users/alice#main-key`, owner: `${BASE}/users/alice` },
    });
    for (const r of [wf, actor]) expect(r.body).not.toContain('5550001111');
  });

  it('answers 404 for unknown members and other hosts, 400 without a resource', async () => {
    const a = await app();
    expect((await a.get(`/.well-known/webfinger?resource=acct:nobody@${DOMAIN}`)).statusCode).toBe(404);
    expect((await a.get('/.well-known/webfinger?resource=acct:alice@elsewhere.example')).statusCode).toBe(
      404,
    );
    expect((await a.get('/.well-known/webfinger')).statusCode).toBe(400);
    expect((await a.get('/users/nobody')).statusCode).toBe(404);
  });

  it('serves the bot actor and NodeInfo 2.1 naming echobot', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    expect(JSON.parse((await a.get('/actor')).body ?? '')).toMatchObject({
      type: 'Service',
      id: `${BASE}/actor`,
    });
    const links = JSON.parse((await a.get('/.well-known/nodeinfo')).body ?? '');
    expect(links.links[0].href).toBe(`${BASE}/nodeinfo/2.1`);
    expect(JSON.parse((await a.get('/nodeinfo/2.1')).body ?? '')).toMatchObject({
      version: '2.1',
      software: { name: 'echobot' },
      protocols: ['activitypub'],
      usage: { users: { total: 1 } },
    });
  });

  it('lists a member’s public posts in their outbox as Create(Note)', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.sms(ALICE, 'first <post>');
    const outbox = JSON.parse((await a.get('/users/alice/outbox')).body ?? '');
    expect(outbox).toMatchObject({ type: 'OrderedCollection', totalItems: 1 });
    expect(outbox.orderedItems[0]).toMatchObject({
      type: 'Create',
      actor: `${BASE}/users/alice`,
      object: {
        type: 'Note',
        content: '<p>first &lt;post&gt;</p>',
        to: ['https://www.w3.org/ns/activitystreams#Public'],
      },
    });
  });
});

describe('signed inbox', () => {
  it('accepts a remote Follow: stores the follower and queues a signed Accept to its inbox', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const res = await a.deliver(followOf('alice'), { path: '/users/alice/inbox' });
    expect(res.statusCode).toBe(202);
    expect(await a.federation.followersOf((await a.store.memberByNick('alice'))?.id ?? '')).toEqual([
      {
        actorId: remote.actor('carol'),
        inbox: `${remote.actor('carol')}/inbox`,
        sharedInbox: `${remote.base}/inbox`,
      },
    ]);
    const followers = JSON.parse((await a.get('/users/alice/followers')).body ?? '');
    expect(followers.totalItems).toBe(1);
    const tasks = (await a.items())
      .filter((i) => i.type === 'fedtask')
      .map((i) => JSON.parse(String(i.task)));
    expect(tasks).toEqual([
      expect.objectContaining({
        type: 'deliver',
        inbox: `${remote.actor('carol')}/inbox`,
        actor: `${BASE}/users/alice`,
      }),
    ]);
    expect(JSON.parse(tasks[0].activity)).toMatchObject({
      type: 'Accept',
      object: { type: 'Follow', actor: remote.actor('carol') },
    });
  });

  it('a verified request from a server declared dead revives it', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    await a.federation.recordHostFailure(remote.host, new Date());
    await a.federation.markHostDead(remote.host, new Date());
    expect((await a.deliver(followOf('alice'))).statusCode).toBe(202);
    expect(await a.federation.hostHealth(remote.host)).toEqual({ host: remote.host, failures: 0 });
  });

  it('answers an Undo(Follow) by dropping the follower', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const follow = followOf('alice');
    await a.deliver(follow);
    const undo = { id: `${follow.id}/undo`, type: 'Undo', actor: remote.actor('carol'), object: follow };
    expect((await a.deliver(undo)).statusCode).toBe(202);
    expect(await a.federation.followersOf((await a.store.memberByNick('alice'))?.id ?? '')).toEqual([]);
  });

  it('rejects unsigned, forged, stale, tampered and impersonating deliveries with 401 and writes nothing', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const before = (await a.items()).length;
    const cases = [
      await a.deliver(followOf('alice'), { sign: false }),
      await a.deliver(followOf('alice'), { keys: generateBotKeyPair() }),
      await a.deliver(followOf('alice'), { now: new Date(Date.now() - 2 * 3600 * 1000) }),
      await a.deliver(followOf('alice'), { now: new Date(Date.now() + 3600 * 1000) }),
      await a.deliver(followOf('alice'), { tamper: (b) => b.replace('alice', 'alicf') }),
      // Signed by dave, but claims to be carol's activity.
      await a.deliver(followOf('alice'), { nick: 'dave' }),
    ];
    expect(cases.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await a.items()).length).toBe(before);
  });

  it('a replayed delivery (same activity) has no second effect', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const follow = followOf('alice');
    const first = await a.deliver(follow);
    const after = (await a.items()).length;
    const again = await a.deliver(follow);
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(again.body).toContain('duplicate');
    expect((await a.items()).length).toBe(after);
  });

  it('refuses activities that are not valid (400) and ignores kinds it does not act on (202, nothing stored)', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const before = (await a.items()).length;
    expect((await a.deliver({ type: 'Follow', actor: remote.actor('carol') })).statusCode).toBe(400);
    const like = {
      id: `${remote.base}/likes/1`,
      type: 'Like',
      actor: remote.actor('carol'),
      object: `${BASE}/posts/x`,
    };
    expect((await a.deliver(like)).statusCode).toBe(202);
    expect((await a.items()).length).toBe(before);
  });

  it('a public Note from a followed author becomes a remote-note task and joins the public timeline', async () => {
    const a = await app();
    await a.sms(BOB, 'JOIN bob');
    await a.sms(BOB, `FOLLOW carol@${remote.host}`);
    const create = noteFrom('carol', 'hello &amp; welcome', ['https://www.w3.org/ns/activitystreams#Public']);
    expect((await a.deliver(create)).statusCode).toBe(202);
    const after = (await a.items()).length;
    // A retried delivery: no second task, no second timeline entry.
    expect((await a.deliver(create)).body).toContain('duplicate');
    expect((await a.items()).length).toBe(after);
    const tasks = (await a.items())
      .filter((i) => i.type === 'fedtask')
      .map((i) => JSON.parse(String(i.task)));
    expect(tasks).toContainEqual(
      expect.objectContaining({
        type: 'remoteNote',
        handle: `carol@${remote.host}`,
        text: 'hello & welcome',
      }),
    );
    expect(tasks.find((t) => t.type === 'remoteNote').memberIds).toBeUndefined();
    const page = await a.get('/', 'text/html');
    expect(page.body).toContain('hello &amp; welcome');
  });

  it('a public Note from an author nobody here follows queues nothing and stays off the public timeline', async () => {
    const a = await app();
    await a.sms(BOB, 'JOIN bob');
    const create = noteFrom('carol', 'a stranger speaks', ['https://www.w3.org/ns/activitystreams#Public']);
    const first = await a.deliver(create);
    const again = await a.deliver(create);
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(again.body).toContain('duplicate');
    const notes = (await a.items())
      .filter((i) => i.type === 'fedtask')
      .map((i) => JSON.parse(String(i.task)))
      .filter((t) => t.type === 'remoteNote');
    expect(notes).toEqual([]);
    expect((await a.get('/', 'text/html')).body).not.toContain('a stranger speaks');
  });

  it('a Create of a note its author already deleted queues nothing', async () => {
    const a = await app();
    await a.sms(BOB, 'JOIN bob');
    await a.sms(BOB, `FOLLOW carol@${remote.host}`);
    const create = noteFrom('carol', 'said and unsaid', ['https://www.w3.org/ns/activitystreams#Public']);
    const del = {
      id: `${create.object.id}#delete`,
      type: 'Delete',
      actor: remote.actor('carol'),
      object: { id: create.object.id, type: 'Tombstone' },
    };
    expect((await a.deliver(del)).statusCode).toBe(202);
    expect((await a.deliver(create)).statusCode).toBe(202);
    const texts = (await a.items())
      .filter((i) => i.type === 'fedtask')
      .map((i) => JSON.parse(String(i.task)).text);
    expect(texts).not.toContain('said and unsaid');
    expect((await a.get('/', 'text/html')).body).not.toContain('said and unsaid');
  });

  it('a direct Note reaches only the addressed member', async () => {
    const a = await app();
    await a.sms(ALICE, 'JOIN alice');
    const create = noteFrom('carol', 'just for you', [`${BASE}/users/alice`]);
    expect((await a.deliver(create)).statusCode).toBe(202);
    const task = (await a.items())
      .filter((i) => i.type === 'fedtask')
      .map((i) => JSON.parse(String(i.task)))[0];
    expect(task).toMatchObject({
      type: 'remoteNote',
      memberIds: [(await a.store.memberByNick('alice'))?.id],
      text: 'just for you',
    });
  });
});
