import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../lib/domain/commands.ts';
import {
  isPublicCollection,
  mayRelayTo,
  normalizeRelayHost,
  relayTargets,
} from '../../../lib/domain/relay.ts';

describe('relay rules', () => {
  it('knows the public collection in every form servers send', () => {
    for (const p of ['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public'])
      expect(isPublicCollection(p)).toBe(true);
    expect(isPublicCollection('https://bot.example/actor')).toBe(false);
    expect(isPublicCollection('https://www.w3.org/ns/activitystreams#Followers')).toBe(false);
  });

  it('admits any server when open, only allowed hosts in allowlist mode', () => {
    expect(mayRelayTo('a.example', 'open', new Set())).toBe(true);
    expect(mayRelayTo('A.example', 'allowlist', new Set(['a.example']))).toBe(true);
    expect(mayRelayTo('b.example', 'allowlist', new Set(['a.example']))).toBe(false);
  });

  it('sends to each subscriber inbox once, never to the post’s origin or the peer that handed it over', () => {
    const subs = [
      { inbox: 'https://a.example/inbox', host: 'a.example' },
      { inbox: 'https://a.example/inbox', host: 'a.example' },
      { inbox: 'https://origin.example/inbox', host: 'origin.example' },
      { inbox: 'https://peer.example/inbox', host: 'peer.example' },
      { inbox: 'https://b.example/inbox', host: 'b.example' },
    ];
    expect(relayTargets(subs, ['origin.example', 'peer.example'])).toEqual([
      'https://a.example/inbox',
      'https://b.example/inbox',
    ]);
  });

  it('reads hosts as admins type them', () => {
    expect(normalizeRelayHost('https://Relay.Example/inbox')).toBe('relay.example');
    expect(normalizeRelayHost('mastodon.example')).toBe('mastodon.example');
    expect(normalizeRelayHost('127.0.0.1:8787')).toBe('127.0.0.1:8787');
    expect(normalizeRelayHost('not a host')).toBeUndefined();
  });
});

describe('RELAY commands', () => {
  it.each([
    ['RELAY', { kind: 'relayList' }],
    ['relay list', { kind: 'relayList' }],
    ['RELAY ALLOW mastodon.example', { kind: 'relayAllow', host: 'mastodon.example' }],
    ['RELAY REMOVE https://mastodon.example/inbox', { kind: 'relayRemove', host: 'mastodon.example' }],
    ['RELAY MODE allowlist', { kind: 'relayMode', mode: 'allowlist' }],
    ['RELAY MODE OPEN', { kind: 'relayMode', mode: 'open' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each(['RELAY MODE closed', 'RELAY ALLOW', 'RELAY FROB x.example', 'RELAY ALLOW a b'])(
    '%s is answered with the usage line',
    (text) => {
      expect(parseCommand(text)).toMatchObject({ kind: 'usage', command: 'RELAY' });
    },
  );
});
