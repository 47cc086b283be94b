/**
 * Interop with an independent ActivityPub implementation: Fedify (@fedify/fedify), run in this
 * test as a small server on loopback. Fedify looks our member up by URL (its handle lookup
 * insists on https WebFinger, which loopback cannot have), follows them, verifies our signed
 * Accept and Create(Note) deliveries with its own HTTP Signatures code, and our member follows
 * Fedify's actor by handle (our WebFinger over http on loopback) and gets its posts by SMS.
 */
import {
  Accept,
  Create,
  Endpoints,
  Follow,
  generateCryptoKeyPair,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Undo,
} from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FedifyServer, loopbackFederation, serveFedify } from '../support/fedify-server.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';

interface Seen {
  type: string;
  actor?: string;
  text?: string;
}

let bot: LocalBot;
let server: FedifyServer | undefined;
let fedBase = '';
const seen: Seen[] = [];
const followers = new Map<string, Person>();
const federation = loopbackFederation();

beforeAll(async () => {
  const keyPair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'fed') return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: 'Fedify test actor',
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'fed' ? [keyPair] : []));
  let accepts = 0;
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Follow, async (ctx, follow) => {
      const follower = await follow.getActor();
      if (!(follower instanceof Person) || !follower.id) return;
      followers.set(follower.id.href, follower);
      seen.push({ type: 'Follow', actor: follower.id.href });
      await ctx.sendActivity(
        { identifier: 'fed' },
        follower,
        new Accept({
          id: new URL(`#accept-${++accepts}`, ctx.getActorUri('fed')),
          actor: ctx.getActorUri('fed'),
          object: follow,
        }),
      );
    })
    .on(Undo, async (_ctx, undo) => {
      if (undo.actorId) followers.delete(undo.actorId.href);
      seen.push({ type: 'Undo', ...(undo.actorId ? { actor: undo.actorId.href } : {}) });
    })
    .on(Accept, async (_ctx, accept) => {
      seen.push({ type: 'Accept', ...(accept.actorId ? { actor: accept.actorId.href } : {}) });
    })
    .on(Create, async (_ctx, create) => {
      const object = await create.getObject();
      if (!(object instanceof Note)) return;
      seen.push({
        type: 'Create',
        ...(create.actorId ? { actor: create.actorId.href } : {}),
        text: object.content?.toString() ?? '',
      });
    });

  server = await serveFedify(federation);
  fedBase = server.base;
  bot = await startLocalBot({
    env: { ECHOBOT_ALLOW_PRIVATE: '1', ECHOBOT_RETRY_BASE_SECONDS: '1', ECHOBOT_RETRY_MAX_SECONDS: '2' },
  });
});

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('interop with Fedify (an independent ActivityPub implementation)', () => {
  it('Fedify follows a member, verifies our Accept, and receives the member’s posts', async () => {
    await bot.sms(ALICE, 'JOIN alice');
    const ctx = federation.createContext(new URL(fedBase), undefined);
    const alice = await ctx.lookupObject(`${bot.url}/users/alice`);
    expect(alice).toBeInstanceOf(Person);
    if (!(alice instanceof Person) || !alice.id) throw new Error('alice is not a Person');
    expect(alice.preferredUsername?.toString()).toBe('alice');
    await ctx.sendActivity(
      { identifier: 'fed' },
      alice,
      new Follow({
        id: new URL('#follow-alice', ctx.getActorUri('fed')),
        actor: ctx.getActorUri('fed'),
        object: alice.id,
      }),
    );
    await eventually(
      async () => seen.filter((s) => s.type === 'Accept' && s.actor === `${bot.url}/users/alice`).length,
      (n) => n === 1,
      'Fedify to verify and receive alice’s Accept',
      30_000,
    );
    await bot.sms(ALICE, 'hello fedify');
    await eventually(
      async () => seen.filter((s) => s.type === 'Create' && s.actor === `${bot.url}/users/alice`),
      (c) => c.some((s) => s.text === '<p>hello fedify</p>'),
      'Fedify to verify and receive alice’s post',
      30_000,
    );
  });

  it('a member follows the Fedify actor by handle and gets its posts by SMS', async () => {
    await bot.sms(BOB, 'JOIN bob');
    const handle = `fed@${new URL(fedBase).host}`;
    const reply = await bot.sms(BOB, `FOLLOW ${handle}`);
    expect(reply.text).toContain(`Following ${handle}`);
    await eventually(
      async () => followers.has(`${bot.url}/users/bob`),
      (ok) => ok,
      'Fedify to record bob as a follower',
      30_000,
    );
    const ctx = federation.createContext(new URL(fedBase), undefined);
    const actor = ctx.getActorUri('fed');
    const noteId = new URL('/notes/1', fedBase);
    await ctx.sendActivity(
      { identifier: 'fed' },
      [...followers.values()],
      new Create({
        id: new URL('/notes/1#create', fedBase),
        actor,
        to: PUBLIC_COLLECTION,
        object: new Note({
          id: noteId,
          attribution: actor,
          content: '<p>hello from fedify</p>',
          to: PUBLIC_COLLECTION,
        }),
      }),
    );
    await eventually(
      async () => (await bot.outbox()).filter((l) => l.to === BOB).map((l) => l.text),
      (texts) => texts.includes(`${handle}: hello from fedify`),
      'bob to get the Fedify post by SMS',
      30_000,
    );
  });
});
