/**
 * What a remote server takes back or changes, against Fedify 1.10 on loopback (its own signer,
 * its own actor documents): Delete of a Note and of the actor, Update of a Note and of a Person,
 * Reject of a member's Follow, Block; each with its forgery (signed by another actor of the same
 * server: refused, nothing changed). And a member's DELETE reaching a Fedify follower as Delete.
 */
import {
  Create,
  Delete,
  Endpoints,
  Follow,
  generateCryptoKeyPair,
  Note,
  Person,
  signRequest,
} from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FedifyServer, loopbackFederation, serveFedify } from '../support/fedify-server.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { eventually } from '../support/poll.ts';

const ALICE = '+15550001111';
const BOB = '+15550002222';
const ACTIVITY_JSON = 'application/activity+json';
const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;

let bot: LocalBot;
let fedServer: FedifyServer | undefined;
let fedBase = '';
type Keys = Awaited<ReturnType<typeof generateCryptoKeyPair>>;
const keyPairs = new Map<string, Keys>();
const keyIds = new Map<string, URL>();
const seen: { type: string; actor?: string; object?: string; text?: string }[] = [];
const federation = loopbackFederation();

const actorOf = (name: string) => `${fedBase}/users/${name}`;
const handle = () => `fed@${new URL(fedBase).host}`;
let n = 0;
const nextId = (name: string) => `${actorOf(name)}#a${++n}`;

/** An activity POSTed to the bot's shared inbox, signed by `signer`'s key (Fedify's signer). */
async function send(signer: string, activity: Record<string, unknown>, signWith?: Keys): Promise<number> {
  const keys = signWith ?? keyPairs.get(signer);
  const keyId = keyIds.get(signer);
  if (!keys || !keyId) throw new Error(`no key for ${signer}`);
  const request = new Request(`${bot.url}/inbox`, {
    method: 'POST',
    headers: { 'content-type': ACTIVITY_JSON },
    body: JSON.stringify({ '@context': AS, ...activity }),
  });
  const res = await fetch(
    await signRequest(request, keys.privateKey, keyId, { spec: 'draft-cavage-http-signatures-12' }),
  );
  await res.text();
  return res.status;
}

const page = async (path = '/') => (await fetch(`${bot.url}${path}`)).text();

function createOf(name: string, noteId: string, text: string) {
  return {
    id: `${noteId}#create`,
    type: 'Create',
    actor: actorOf(name),
    to: [PUBLIC],
    object: {
      id: noteId,
      type: 'Note',
      attributedTo: actorOf(name),
      content: `<p>${text}</p>`,
      to: [PUBLIC],
    },
  };
}

const smsTo = async (phone: string) => (await bot.outbox()).filter((l) => l.to === phone).map((l) => l.text);

beforeAll(async () => {
  for (const name of ['fed', 'mallory']) keyPairs.set(name, await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'));
  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
      if (!keyPairs.has(identifier)) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      const keys = keyPairs.get(identifier);
      return keys ? [keys] : [];
    });
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Follow, async (_ctx, f) => {
      seen.push({ type: 'Follow', ...(f.actorId ? { actor: f.actorId.href } : {}) });
    })
    .on(Create, async (_ctx, c) => {
      const object = await c.getObject();
      if (!(object instanceof Note)) return;
      seen.push({
        type: 'Create',
        ...(c.actorId ? { actor: c.actorId.href } : {}),
        ...(object.id ? { object: object.id.href } : {}),
        text: object.content?.toString() ?? '',
      });
    })
    .on(Delete, async (_ctx, d) => {
      seen.push({
        type: 'Delete',
        ...(d.actorId ? { actor: d.actorId.href } : {}),
        ...(d.objectId ? { object: d.objectId.href } : {}),
      });
    });
  fedServer = await serveFedify(federation);
  fedBase = fedServer.base;
  const ctx = federation.createContext(new URL(fedBase), undefined);
  for (const name of keyPairs.keys()) {
    const first = (await ctx.getActorKeyPairs(name))[0];
    if (!first) throw new Error(`Fedify has no key for ${name}`);
    keyIds.set(name, first.keyId);
  }
  bot = await startLocalBot({
    env: { ECHOBOT_ALLOW_PRIVATE: '1', ECHOBOT_RETRY_BASE_SECONDS: '1', ECHOBOT_RETRY_MAX_SECONDS: '2' },
  });
  await bot.sms(ALICE, 'JOIN alice');
  await bot.sms(BOB, 'JOIN bob');
  // bob follows fed (so fed's posts join the timeline); fed follows alice (so alice's posts go to Fedify).
  expect((await bot.sms(BOB, `FOLLOW ${handle()}`)).text).toContain(`Following ${handle()}`);
  await eventually(
    async () => seen.filter((s) => s.type === 'Follow' && s.actor === `${bot.url}/users/bob`).length,
    (c) => c > 0,
    'Fedify to get bob’s Follow',
    30_000,
  );
  expect(
    await send('fed', {
      id: nextId('fed'),
      type: 'Follow',
      actor: actorOf('fed'),
      object: `${bot.url}/users/alice`,
    }),
  ).toBe(202);
});

afterAll(async () => {
  await bot?.stop();
  await fedServer?.close();
});

describe('inbound Delete, Update, Reject and Block from Fedify', () => {
  it('Delete of a Note: off the timeline and feed; a forged Delete changes nothing', async () => {
    const noteId = `${fedBase}/notes/1`;
    expect(await send('fed', createOf('fed', noteId, 'soon gone'))).toBe(202);
    await eventually(
      () => smsTo(BOB),
      (t) => t.includes(`${handle()}: soon gone`),
      'bob gets the note',
      30_000,
    );
    expect(await page()).toContain('soon gone');
    // Signed by mallory, claiming to be fed: the signer is not the actor.
    expect(
      await send('mallory', { id: nextId('mallory'), type: 'Delete', actor: actorOf('fed'), object: noteId }),
    ).toBe(401);
    // Mallory's own Delete of fed's note (same server, another actor): not the owner.
    expect(
      await send('mallory', {
        id: nextId('mallory'),
        type: 'Delete',
        actor: actorOf('mallory'),
        object: noteId,
      }),
    ).toBe(403);
    expect(await page()).toContain('soon gone');
    const del = {
      id: nextId('fed'),
      type: 'Delete',
      actor: actorOf('fed'),
      object: { id: noteId, type: 'Tombstone' },
    };
    expect(await send('fed', del)).toBe(202);
    expect(await send('fed', del)).toBe(202); // a retry: nothing more
    expect(await page()).not.toContain('soon gone');
    expect(await page('/feed.atom')).not.toContain('soon gone');
    // The Create again (a late retry): the deleted note does not come back.
    expect(await send('fed', { ...createOf('fed', noteId, 'soon gone'), id: `${noteId}#create-again` })).toBe(
      202,
    );
    expect(await page()).not.toContain('soon gone');
  });

  it('Update of a Note: the pages show the edited text; a forged Update changes nothing', async () => {
    const noteId = `${fedBase}/notes/2`;
    expect(await send('fed', createOf('fed', noteId, 'befor edit'))).toBe(202);
    await eventually(
      () => page(),
      (p) => p.includes('befor edit'),
      'the note on the timeline',
      30_000,
    );
    const update = (signer: string, text: string) => ({
      id: nextId(signer),
      type: 'Update',
      actor: actorOf(signer),
      object: { id: noteId, type: 'Note', attributedTo: actorOf(signer), content: `<p>${text}</p>` },
    });
    expect(await send('mallory', update('mallory', 'forged edit'))).toBe(403);
    expect(await page()).toContain('befor edit');
    expect(await send('fed', update('fed', 'after edit'))).toBe(202);
    expect(await page()).toContain('after edit');
    expect(await page()).not.toContain('befor edit');
    expect(await page('/feed.atom')).toContain('after edit');
  });

  it('Update of a Person: accepted from the actor itself (its new key verifies at once), refused from another', async () => {
    const person = {
      id: actorOf('fed'),
      type: 'Person',
      inbox: `${actorOf('fed')}/inbox`,
      preferredUsername: 'fed',
    };
    expect(
      await send('mallory', {
        id: nextId('mallory'),
        type: 'Update',
        actor: actorOf('mallory'),
        object: person,
      }),
    ).toBe(403);
    // fed rotates its key: Fedify serves the new one from now on; the Update is signed with the old.
    const old = keyPairs.get('fed');
    keyPairs.set('fed', await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'));
    expect(
      await send('fed', { id: nextId('fed'), type: 'Update', actor: actorOf('fed'), object: person }, old),
    ).toBe(202);
    // The cached key was dropped with the Update: the new key verifies at once.
    expect(await send('fed', createOf('fed', `${fedBase}/notes/3`, 'after profile update'))).toBe(202);
  });

  it('Reject of a member’s Follow: the follow goes and the member is told once', async () => {
    const reject = (signer: string) => ({
      id: nextId(signer),
      type: 'Reject',
      actor: actorOf(signer),
      object: { type: 'Follow', actor: `${bot.url}/users/bob`, object: actorOf('fed') },
    });
    // Mallory cannot reject a follow of fed: bob still gets fed's posts.
    expect(await send('mallory', reject('mallory'))).toBe(202);
    expect(await send('fed', createOf('fed', `${fedBase}/notes/5`, 'still followed'))).toBe(202);
    await eventually(
      () => smsTo(BOB),
      (t) => t.includes(`${handle()}: still followed`),
      'bob gets it',
      30_000,
    );
    const r = reject('fed');
    expect(await send('fed', r)).toBe(202);
    expect(await send('fed', r)).toBe(202);
    const declined = `${handle()} declined your follow`;
    await eventually(
      () => smsTo(BOB),
      (t) => t.includes(declined),
      'bob is told',
      30_000,
    );
    // A Reject of a follow that no longer exists: accepted, ignored, not told again.
    expect(await send('fed', reject('fed'))).toBe(202);
    expect((await bot.sms(BOB, `UNFOLLOW ${handle()}`)).text).toContain(`t follow ${handle()}`);
    expect((await smsTo(BOB)).filter((t) => t === declined)).toHaveLength(1);
  });

  it('Block of a member: follows both ways between them are dropped, and only theirs', async () => {
    expect((await bot.sms(ALICE, `FOLLOW ${handle()}`)).text).toContain(`Following ${handle()}`);
    const followersOfAlice = async () => {
      const res = await fetch(`${bot.url}/users/alice/followers`, { headers: { accept: ACTIVITY_JSON } });
      const json: unknown = await res.json();
      return typeof json === 'object' && json !== null && 'totalItems' in json ? json.totalItems : undefined;
    };
    expect(await followersOfAlice()).toBe(1);
    const block = (signer: string) => ({
      id: nextId(signer),
      type: 'Block',
      actor: actorOf(signer),
      object: `${bot.url}/users/alice`,
    });
    expect(await send('mallory', block('mallory'))).toBe(202);
    expect(await followersOfAlice()).toBe(1);
    expect(await send('fed', createOf('fed', `${fedBase}/notes/6`, 'before the block'))).toBe(202);
    await eventually(
      () => smsTo(ALICE),
      (t) => t.includes(`${handle()}: before the block`),
      'alice gets it',
      30_000,
    );
    expect(await send('fed', block('fed'))).toBe(202);
    expect(await followersOfAlice()).toBe(0);
    expect((await bot.sms(ALICE, `UNFOLLOW ${handle()}`)).text).toContain(`t follow ${handle()}`);
  });

  it('a member’s DELETE reaches a Fedify follower as Delete, and /posts/<id> answers 410', async () => {
    // fed follows alice again (the Block dropped it).
    expect(
      await send('fed', {
        id: nextId('fed'),
        type: 'Follow',
        actor: actorOf('fed'),
        object: `${bot.url}/users/alice`,
      }),
    ).toBe(202);
    await bot.sms(ALICE, 'take this back');
    const created = await eventually(
      async () => seen.find((s) => s.type === 'Create' && s.text === '<p>take this back</p>'),
      (c) => c !== undefined,
      'Fedify to get alice’s post',
      30_000,
    );
    const postId = created?.object ?? '';
    expect(postId).toContain(`${bot.url}/posts/`);
    expect(await page()).toContain('take this back');
    // Only the author may delete it.
    expect((await bot.sms(BOB, `DELETE ${postId.split('/').pop()}`)).text).toContain('not yours');
    expect((await bot.sms(ALICE, 'DEL')).text).toContain('Deleted your post');
    await eventually(
      async () => seen.filter((s) => s.type === 'Delete' && s.object === postId),
      (d) => d.length === 1 && d[0]?.actor === `${bot.url}/users/alice`,
      'Fedify to verify and receive alice’s Delete',
      30_000,
    );
    expect(await page()).not.toContain('take this back');
    expect(await page('/@alice/feed.atom')).not.toContain('take this back');
    expect((await fetch(postId)).status).toBe(410);
    expect((await fetch(postId, { headers: { accept: ACTIVITY_JSON } })).status).toBe(410);
    // Again: nothing left to delete by that id.
    expect((await bot.sms(ALICE, `DELETE ${postId}`)).text).toContain('no post');
  });

  it('Delete of the actor: its posts and its follows go; a forgery changes nothing', async () => {
    // Someone must follow fed for its posts to join the timeline (the Reject and Block ended both follows).
    expect((await bot.sms(BOB, `FOLLOW ${handle()}`)).text).toContain(`Following ${handle()}`);
    expect(await send('fed', createOf('fed', `${fedBase}/notes/4`, 'last words'))).toBe(202);
    await eventually(
      () => page(),
      (p) => p.includes('last words'),
      'the note on the timeline',
      30_000,
    );
    expect(
      await send('mallory', {
        id: nextId('mallory'),
        type: 'Delete',
        actor: actorOf('mallory'),
        object: actorOf('fed'),
      }),
    ).toBe(403);
    expect(await page()).toContain('last words');
    expect(
      await send('fed', { id: nextId('fed'), type: 'Delete', actor: actorOf('fed'), object: actorOf('fed') }),
    ).toBe(202);
    expect(await page()).not.toContain('last words');
    expect(await page()).not.toContain('after edit');
    expect((await bot.sms(BOB, `UNFOLLOW ${handle()}`)).text).toContain(`t follow ${handle()}`);
    const res = await fetch(`${bot.url}/users/alice/followers`, { headers: { accept: ACTIVITY_JSON } });
    expect(await res.json()).toMatchObject({ totalItems: 0 });
  });
});
