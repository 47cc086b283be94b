import { describe, expect, it } from 'vitest';
import {
  createActivity,
  InboxActivitySchema,
  NoteSchema,
  noteText,
  PUBLIC,
  personActor,
  RemoteActorSchema,
} from '../../../lib/federation/activities.ts';
import { createSafeFetch } from '../../../lib/federation/safe-fetch.ts';
import { UnsafeUrlError } from '../../../lib/federation/url-guard.ts';
import { schemeFor } from '../../../lib/usecases/federation/remote-actors.ts';

const BASE = 'https://bot.example';

describe('activity builders', () => {
  it('addresses a public note to Public and the author’s followers, a direct one only to its addressee', () => {
    const pub = createActivity({
      id: `${BASE}/posts/1`,
      actor: `${BASE}/users/alice`,
      text: 'a < b',
      published: '2026-01-01T00:00:00.000Z',
      to: 'public',
    });
    expect(pub).toMatchObject({
      id: `${BASE}/posts/1#create`,
      type: 'Create',
      to: [PUBLIC],
      cc: [`${BASE}/users/alice/followers`],
      object: { type: 'Note', content: '<p>a &lt; b</p>', attributedTo: `${BASE}/users/alice` },
    });
    const direct = createActivity({
      id: `${BASE}/d/1`,
      actor: `${BASE}/users/alice`,
      text: 'hi',
      published: '2026-01-01T00:00:00.000Z',
      to: ['https://x.example/users/c'],
    });
    expect(direct.to).toEqual(['https://x.example/users/c']);
    expect(direct.cc).toEqual([]);
    expect(JSON.stringify(direct)).not.toContain('Public');
  });

  it('builds a member actor that our own actor parser (and so a peer echobot) accepts', () => {
    const actor = personActor(BASE, 'alice', '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n');
    const parsed = RemoteActorSchema.parse(actor);
    expect(parsed.endpoints?.sharedInbox).toBe(`${BASE}/inbox`);
    expect(JSON.stringify(actor)).not.toMatch(/\+\d{6,}/);
  });
});

describe('inbound activity parsing', () => {
  const mastodonCreate = {
    '@context': ['https://www.w3.org/ns/activitystreams', { ostatus: 'http://ostatus.org#' }],
    id: 'https://m.example/users/carol/statuses/1/activity',
    type: 'Create',
    actor: 'https://m.example/users/carol',
    published: '2026-01-01T00:00:00Z',
    to: [PUBLIC],
    cc: ['https://m.example/users/carol/followers'],
    object: {
      id: 'https://m.example/users/carol/statuses/1',
      type: 'Note',
      attributedTo: 'https://m.example/users/carol',
      content: '<p>Hello &amp; <a href="https://x">welcome</a><br>to the fediverse</p>',
      to: [PUBLIC],
      cc: ['https://m.example/users/carol/followers'],
      tag: [],
    },
  };

  it('accepts a Mastodon-style Create(Note) and reads its text', () => {
    const a = InboxActivitySchema.parse(mastodonCreate);
    expect(a.type).toBe('Create');
    if (a.type === 'Create') expect(noteText(a.object)).toBe('Hello & welcome\nto the fediverse');
  });

  it('accepts Fedify’s compact forms: a single audience string and an embedded actor', () => {
    const a = InboxActivitySchema.parse({
      ...mastodonCreate,
      actor: { id: 'https://m.example/users/carol', type: 'Person' },
      object: { ...mastodonCreate.object, to: 'as:Public', cc: undefined },
    });
    expect(a.actor).toBe('https://m.example/users/carol');
    if (a.type === 'Create') expect(a.object.to).toEqual(['as:Public']);
  });

  it('prefers a note’s plain-text source', () => {
    expect(
      noteText(NoteSchema.parse({ ...mastodonCreate.object, source: { content: 'plain *text*' } })),
    ).toBe('plain *text*');
  });

  it.each([
    ['no id', { ...mastodonCreate, id: undefined }],
    ['a non-http actor', { ...mastodonCreate, actor: 'javascript:alert(1)' }],
    ['an unknown type', { ...mastodonCreate, type: 'Explode' }],
    [
      'a Create of something else',
      { ...mastodonCreate, object: { id: 'https://m.example/q', type: 'Question' } },
    ],
    [
      'a Follow without an object',
      { id: 'https://m.example/f', type: 'Follow', actor: 'https://m.example/users/carol' },
    ],
  ])('refuses %s', (_what, value) => {
    expect(InboxActivitySchema.safeParse(value).success).toBe(false);
  });
});

describe('outbound fetches', () => {
  it('uses plain http only for loopback/IP hosts and only when private peers are allowed', () => {
    expect(schemeFor('127.0.0.1:8787', true)).toBe('http');
    expect(schemeFor('localhost:8787', true)).toBe('http');
    expect(schemeFor('127.0.0.1:8787', false)).toBe('https');
    expect(schemeFor('bot.example', true)).toBe('https');
  });

  it('refuses a redirect to the metadata address at the hop, without fetching it', async () => {
    const fetched: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      fetched.push(String(input));
      return new Response(null, {
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      });
    };
    const safe = createSafeFetch({
      allowPrivate: false,
      lookup: async () => [{ address: '93.184.216.34', family: 4 }],
      fetch: fakeFetch,
    });
    await expect(safe('https://peer.example/users/carol')).rejects.toBeInstanceOf(UnsafeUrlError);
    expect(fetched).toEqual(['https://peer.example/users/carol']);
  });
});
