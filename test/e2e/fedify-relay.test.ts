/**
 * Relays (FEP-ae0c) against Fedify on loopback. One Fedify server plays every remote part: two
 * relays the bot joins (ECHOBOT_AP_RELAYS), an author whose Note they announce, and a server that
 * subscribes to the bot's own relay (a super-peer, ECHOBOT_RELAY=1) as Mastodon does.
 */
import {
  Accept,
  Announce,
  Create,
  Endpoints,
  Follow,
  generateCryptoKeyPair,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Service,
  Undo,
} from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FedifyServer, loopbackFederation, serveFedify } from '../support/fedify-server.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const ADMIN = '+15550009999';
const ALICE = '+15550001111';
const BOB = '+15550002222';
const DANA = '+15550004444';
const RELAYS = ['relay1', 'relay2'];
const ACTORS = ['fed', 'mallory', 'carol', ...RELAYS];
const NOTE_TEXT = 'relayed hello kumquat';
const SUBSCRIBER_TEXT = 'from one subscriber to the others';

interface Seen {
  type: string;
  actor?: string;
  object?: string;
  recipient?: string | null;
  text?: string;
}

let bot: LocalBot;
let server: FedifyServer | undefined;
let fedBase = '';
const seen: Seen[] = [];
const federation = loopbackFederation();
// A second server (another port, so another host) subscribing to the bot's relay.
let server2: FedifyServer | undefined;
let fedBase2 = '';
const seen2: Seen[] = [];
const federation2 = loopbackFederation();

const smsTo = async (to: string) =>
  (await bot.outbox()).filter((l) => l.to === `sms:${to}` || l.to === to).map((l) => l.text);
const relayList = async () => (await bot.sms(ADMIN, 'RELAY LIST')).text;

beforeAll(async () => {
  const keyPair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (!ACTORS.includes(identifier)) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      const values = {
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      };
      return RELAYS.includes(identifier) ? new Service(values) : new Person(values);
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (ACTORS.includes(identifier) ? [keyPair] : []));
  federation.setObjectDispatcher(Note, '/notes/{id}', (ctx, { id }) => {
    if (id !== '1' && id !== '2') return null;
    return new Note({
      id: ctx.getObjectUri(Note, { id }),
      // Note 2 is the subscribing server's own post, which the relay passes on to the others.
      attribution: ctx.getActorUri(id === '1' ? 'carol' : 'fed'),
      content: id === '1' ? `<p>${NOTE_TEXT}</p>` : `<p>${SUBSCRIBER_TEXT}</p>`,
      to: PUBLIC_COLLECTION,
    });
  });
  let accepts = 0;
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Follow, async (ctx, follow) => {
      const follower = await follow.getActor();
      seen.push({
        type: 'Follow',
        ...(follow.actorId ? { actor: follow.actorId.href } : {}),
        ...(follow.objectId ? { object: follow.objectId.href } : {}),
        recipient: ctx.recipient,
      });
      if (!follower || !ctx.recipient) return;
      // Relays and carol accept whoever follows them.
      await ctx.sendActivity(
        { identifier: ctx.recipient },
        follower,
        new Accept({
          id: new URL(`#accept-${++accepts}`, ctx.getActorUri(ctx.recipient)),
          actor: ctx.getActorUri(ctx.recipient),
          object: follow,
        }),
      );
    })
    .on(Accept, async (_ctx, accept) => {
      seen.push({ type: 'Accept', ...(accept.actorId ? { actor: accept.actorId.href } : {}) });
    })
    .on(Announce, async (_ctx, announce) => {
      // What a subscriber does with a relay's Announce: fetch the announced Note from its origin.
      const object = await announce.getObject();
      seen.push({
        type: 'Announce',
        ...(announce.actorId ? { actor: announce.actorId.href } : {}),
        ...(announce.objectId ? { object: announce.objectId.href } : {}),
        ...(object instanceof Note ? { text: object.content?.toString() ?? '' } : {}),
      });
    });

  server = await serveFedify(federation);
  fedBase = server.base;
  server2 = await serveFedify(federation2);
  fedBase2 = server2.base;
  federation2
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'sub2') return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Service({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'sub2' ? [keyPair] : []));
  federation2
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Accept, async (_ctx, accept) => {
      seen2.push({ type: 'Accept', ...(accept.actorId ? { actor: accept.actorId.href } : {}) });
    })
    .on(Announce, async (_ctx, announce) => {
      const object = await announce.getObject();
      seen2.push({
        type: 'Announce',
        ...(announce.objectId ? { object: announce.objectId.href } : {}),
        ...(object instanceof Note ? { text: object.content?.toString() ?? '' } : {}),
      });
    });
  bot = await startLocalBot({
    env: {
      ECHOBOT_ALLOW_PRIVATE: '1',
      ECHOBOT_RELAY: '1',
      ECHOBOT_ADMINS: ADMIN,
      ECHOBOT_AP_RELAYS: RELAYS.map((r) => `${fedBase}/users/${r}`).join(','),
      ECHOBOT_RETRY_BASE_SECONDS: '1',
      ECHOBOT_RETRY_MAX_SECONDS: '2',
    },
  });
});

afterAll(async () => {
  await bot?.stop();
  await Promise.all([server?.close(), server2?.close()]);
});

const botActor = async () => {
  const ctx = federation.createContext(new URL(fedBase), undefined);
  const actor = await ctx.lookupObject(`${bot.url}/actor`);
  if (!(actor instanceof Service)) throw new Error('the bot actor is not a Service');
  return { ctx, actor };
};

describe('relays (FEP-ae0c) with Fedify', () => {
  it('joins the configured relays with a Follow of Public, accepted by each', async () => {
    for (const r of RELAYS)
      await eventually(
        async () =>
          seen.filter((s) => s.type === 'Follow' && s.recipient === r && s.actor === `${bot.url}/actor`),
        (follows) => follows.length === 1 && follows[0]?.object === PUBLIC_COLLECTION.href,
        `the bot to follow ${r}'s public collection`,
        30_000,
      );
    await eventually(
      relayList,
      (text) => RELAYS.every((r) => text.includes(`${fedBase}/users/${r} (accepted)`)),
      'both relays accepted in RELAY LIST',
      30_000,
    );
  });

  it('a post announced by two relays is one post: on the timeline, to its author’s follower and a TRACK match, not to others', async () => {
    await bot.sms(ALICE, 'JOIN alice');
    await bot.sms(BOB, 'JOIN bob');
    await bot.sms(DANA, 'JOIN dana');
    await bot.sms(DANA, 'TRACK kumquat');
    const carol = `carol@${new URL(fedBase).host}`;
    expect((await bot.sms(ALICE, `FOLLOW ${carol}`)).text).toContain(carol);
    await eventually(
      async () => seen.some((s) => s.type === 'Follow' && s.recipient === 'carol'),
      (ok) => ok,
      'alice’s follow to reach carol',
      30_000,
    );
    const { ctx, actor } = await botActor();
    const noteId = new URL('/notes/1', fedBase);
    for (const r of RELAYS)
      await ctx.sendActivity(
        { identifier: r },
        actor,
        new Announce({
          id: new URL(`/announces/${r}/1`, fedBase),
          actor: ctx.getActorUri(r),
          object: noteId,
          to: PUBLIC_COLLECTION,
        }),
      );
    const echo = `${carol}: ${NOTE_TEXT}`;
    await eventually(
      () => smsTo(ALICE),
      (texts) => texts.includes(echo),
      'alice to get carol’s post',
      30_000,
    );
    await eventually(
      () => smsTo(DANA),
      (texts) => texts.includes(echo),
      'dana (TRACK) to get it',
      30_000,
    );
    await bot.settle();
    expect((await smsTo(ALICE)).filter((t) => t === echo)).toHaveLength(1);
    expect((await smsTo(DANA)).filter((t) => t === echo)).toHaveLength(1);
    expect((await smsTo(BOB)).some((t) => t.includes(NOTE_TEXT))).toBe(false);
    const page = await (await fetch(`${bot.url}/`)).text();
    expect(page.split(NOTE_TEXT).length - 1).toBe(1);
  });

  it('Fedify subscribes to the bot’s relay, gets a member’s post once as an Announce, and Undo ends it', async () => {
    const { ctx, actor } = await botActor();
    await ctx.sendActivity(
      { identifier: 'fed' },
      actor,
      new Follow({
        id: new URL('#relay-follow', ctx.getActorUri('fed')),
        actor: ctx.getActorUri('fed'),
        object: PUBLIC_COLLECTION,
      }),
    );
    await eventually(
      async () => seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/actor`).length,
      (n) => n === 1,
      'Fedify to verify and receive the relay’s Accept',
      30_000,
    );
    expect(await relayList()).toContain('1 subscriber(s)');
    const posted = await bot.sms(ALICE, 'hello relay subscribers');
    expect(posted.status).toBe(200);
    await eventually(
      async () => seen.filter((s) => s.type === 'Announce' && s.text === '<p>hello relay subscribers</p>'),
      (a) => a.length >= 1,
      'Fedify to get the post as an Announce by the bot actor and fetch its Note',
      30_000,
    );
    await bot.settle();
    const announces = seen.filter((s) => s.type === 'Announce');
    expect(announces).toHaveLength(1);
    expect(announces[0]?.actor).toBe(`${bot.url}/actor`);
    expect(announces[0]?.object).toMatch(new RegExp(`^${bot.url}/posts/`));

    await ctx.sendActivity(
      { identifier: 'fed' },
      actor,
      new Undo({
        id: new URL('#relay-undo', ctx.getActorUri('fed')),
        actor: ctx.getActorUri('fed'),
        object: new Follow({
          id: new URL('#relay-follow', ctx.getActorUri('fed')),
          actor: ctx.getActorUri('fed'),
          object: PUBLIC_COLLECTION,
        }),
      }),
    );
    expect(await relayList()).toContain('0 subscriber(s)');
    await bot.sms(ALICE, 'after the undo');
    await bot.settle();
    expect(seen.filter((s) => s.type === 'Announce')).toHaveLength(1);
  });

  it('refuses a Follow of the bot actor that is not of the public collection: nothing stored', async () => {
    const { ctx, actor } = await botActor();
    const refused = await ctx
      .sendActivity(
        { identifier: 'mallory' },
        actor,
        new Follow({
          id: new URL('#follow-bot', ctx.getActorUri('mallory')),
          actor: ctx.getActorUri('mallory'),
          object: actor.id,
        }),
      )
      .then(
        () => undefined,
        (err: unknown) => String(err),
      );
    expect(refused).toMatch(/400/);
    expect(await relayList()).toContain('0 subscriber(s)');
  });

  it('RELAY commands: operators only; allowlist mode refuses a host until RELAY ALLOW; RELAY REMOVE ends it', async () => {
    expect((await bot.sms(BOB, 'RELAY MODE allowlist')).text).toContain('Only the bot’s operators');
    expect((await bot.sms(ADMIN, 'RELAY MODE allowlist')).text).toContain('only allowed servers');
    const host = new URL(fedBase).host;
    const { ctx, actor } = await botActor();
    const follow = (n: number) =>
      ctx
        .sendActivity(
          { identifier: 'fed' },
          actor,
          new Follow({
            id: new URL(`#relay-follow-${n}`, ctx.getActorUri('fed')),
            actor: ctx.getActorUri('fed'),
            object: PUBLIC_COLLECTION,
          }),
        )
        .then(
          () => 'sent',
          (err: unknown) => String(err),
        );
    expect(await follow(1)).toMatch(/403/);
    expect(await relayList()).toContain('0 subscriber(s)');
    expect((await bot.sms(ADMIN, `RELAY ALLOW ${host}`)).text).toContain(`${host} may now subscribe`);
    expect(await follow(2)).toBe('sent');
    expect(await relayList()).toContain(`1 subscriber(s): ${host}`);
    expect((await bot.sms(ADMIN, `RELAY REMOVE ${host}`)).text).toContain('1 subscription(s) ended');
    expect(await relayList()).toContain('0 subscriber(s)');
  });

  it('HELP for an operator lists RELAY; HELP RELAY gives its usage', async () => {
    expect((await bot.sms(ADMIN, 'HELP')).text).toContain('RELAY');
    expect((await bot.sms(BOB, 'HELP')).text).not.toContain('RELAY');
    expect((await bot.sms(ADMIN, 'HELP RELAY')).text).toContain('RELAY ALLOW');
  });

  it('a subscriber’s public post is announced to the other subscribers, not back to its server', async () => {
    expect((await bot.sms(ADMIN, 'RELAY MODE open')).text).toContain('open');
    const { ctx, actor } = await botActor();
    const accepts = seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/actor`).length;
    await ctx.sendActivity(
      { identifier: 'fed' },
      actor,
      new Follow({
        id: new URL('#relay-follow-3', ctx.getActorUri('fed')),
        actor: ctx.getActorUri('fed'),
        object: PUBLIC_COLLECTION,
      }),
    );
    const ctx2 = federation2.createContext(new URL(fedBase2), undefined);
    const actor2 = await ctx2.lookupObject(`${bot.url}/actor`);
    if (!(actor2 instanceof Service)) throw new Error('the bot actor is not a Service');
    await ctx2.sendActivity(
      { identifier: 'sub2' },
      actor2,
      new Follow({
        id: new URL('#relay-follow', ctx2.getActorUri('sub2')),
        actor: ctx2.getActorUri('sub2'),
        object: PUBLIC_COLLECTION,
      }),
    );
    await eventually(
      async () => seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/actor`).length,
      (n) => n === accepts + 1,
      'the first server’s Accept',
      30_000,
    );
    await eventually(
      async () => seen2.filter((s) => s.type === 'Accept').length,
      (n) => n === 1,
      'the second server’s Accept',
      30_000,
    );
    expect(await relayList()).toContain('2 subscriber(s)');
    const noteId = new URL('/notes/2', fedBase);
    await ctx.sendActivity(
      { identifier: 'fed' },
      actor,
      new Create({
        id: new URL('/notes/2#create', fedBase),
        actor: ctx.getActorUri('fed'),
        object: new Note({
          id: noteId,
          attribution: ctx.getActorUri('fed'),
          content: `<p>${SUBSCRIBER_TEXT}</p>`,
          to: PUBLIC_COLLECTION,
        }),
        to: PUBLIC_COLLECTION,
      }),
    );
    await eventually(
      async () => seen2.filter((s) => s.type === 'Announce' && s.text === `<p>${SUBSCRIBER_TEXT}</p>`),
      (a) => a.length >= 1,
      'the second server to get the first one’s post as an Announce',
      30_000,
    );
    await bot.settle();
    expect(seen2.filter((s) => s.type === 'Announce' && s.object === noteId.href)).toHaveLength(1);
    expect(seen.filter((s) => s.type === 'Announce' && s.object === noteId.href)).toHaveLength(0);
  });
});
