import { describe, expect, it } from 'vitest';
import { parseCommand, usageOf } from '../../../lib/domain/commands.ts';
import {
  MEMBER_USAGE,
  normalizeTrackWord,
  postRefOf,
  postWords,
} from '../../../lib/domain/member-commands.ts';
import { REPLIES } from '../../../lib/domain/replies/core.ts';

describe('parseCommand: the member command set', () => {
  it.each([
    ['NICK alice2', { kind: 'nick', nick: 'alice2' }],
    ['nick @Bob', { kind: 'nick', nick: 'bob' }],
    ['OFF', { kind: 'deliveryAll', on: false }],
    ['on', { kind: 'deliveryAll', on: true }],
    ['OFF alice', { kind: 'deliveryFrom', nick: 'alice', on: false }],
    ['On Alice', { kind: 'deliveryFrom', nick: 'alice', on: true }],
    ['D bob  see you at 8!', { kind: 'direct', to: 'bob', remote: false, text: 'see you at 8!' }],
    ['d @Bob hi', { kind: 'direct', to: 'bob', remote: false, text: 'hi' }],
    [
      'D carol@other.example hi there',
      { kind: 'direct', to: 'carol@other.example', remote: true, text: 'hi there' },
    ],
    ['GET alice', { kind: 'get', nick: 'alice' }],
    ['WHOIS alice', { kind: 'whois', nick: 'alice' }],
    ['WHO', { kind: 'who', page: 1 }],
    ['who 3', { kind: 'who', page: 3 }],
    ['FOLLOWERS', { kind: 'followers' }],
    ['following', { kind: 'following' }],
    ['Stats?', { kind: 'stats' }],
    ['BLOCK alice', { kind: 'block', nick: 'alice', block: true }],
    ['UNBLOCK alice', { kind: 'block', nick: 'alice', block: false }],
    ['TRACK Coffee', { kind: 'track', word: 'coffee', track: true }],
    ['TRACK #Café', { kind: 'track', word: 'café', track: true }],
    ['UNTRACK coffee', { kind: 'track', word: 'coffee', track: false }],
    ['MODE', { kind: 'mode' }],
    ['MODE follow', { kind: 'mode', mode: 'follow' }],
    ['mode ECHO', { kind: 'mode', mode: 'echo' }],
    ['KICK alice', { kind: 'kick', nick: 'alice', ban: false }],
    ['BAN alice', { kind: 'kick', nick: 'alice', ban: true }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['NICK', 'NICK'],
    ['NICK a', 'NICK'],
    ['NICK al ice', 'NICK'],
    ['OFF al-ice', 'OFF'],
    ['ON my way', 'ON'],
    ['D', 'D'],
    ['D bob', 'D'],
    ['D b-o-b hi', 'D'],
    [`D bob ${'x'.repeat(281)}`, 'D'],
    ['GET', 'GET'],
    ['WHOIS', 'WHOIS'],
    ['WHOIS a b', 'WHOIS'],
    ['BLOCK', 'BLOCK'],
    ['UNBLOCK', 'UNBLOCK'],
    ['TRACK', 'TRACK'],
    ['TRACK two words', 'TRACK'],
    ['TRACK x', 'TRACK'],
    ['UNTRACK', 'UNTRACK'],
    ['MODE party', 'MODE'],
    ['KICK', 'KICK'],
    ['BAN', 'BAN'],
  ])('answers %j with the usage of %s', (text, command) => {
    const parsed = parseCommand(text);
    expect(parsed).toEqual({
      kind: 'usage',
      command,
      usage: MEMBER_USAGE[command as keyof typeof MEMBER_USAGE],
    });
  });

  it.each(['Who is coming tonight?', 'followers are nice', 'stats look good today', 'Dinner at 8'])(
    'keeps %j a post (argument-less commands are commands only alone)',
    (text) => {
      expect(parseCommand(text)).toEqual({ kind: 'post', text });
    },
  );

  it('answers HELP <command> with that command’s usage, and plain HELP (also for unknown words) with the list', () => {
    expect(parseCommand('HELP track')).toEqual({ kind: 'help', usage: MEMBER_USAGE.TRACK });
    expect(parseCommand('help d')).toEqual({ kind: 'help', usage: MEMBER_USAGE.D });
    expect(parseCommand('HELP JOIN')).toMatchObject({
      kind: 'help',
      usage: expect.stringMatching(/^JOIN </),
    });
    expect(parseCommand('HELP quit')).toMatchObject({ kind: 'help', usage: expect.stringMatching(/^STOP/) });
    expect(parseCommand('HELP EMAIL')).toMatchObject({
      kind: 'help',
      usage: expect.stringMatching(/^EMAIL/),
    });
    expect(parseCommand('HELP pizza')).toEqual({ kind: 'help' });
    expect(parseCommand('HELP')).toEqual({ kind: 'help' });
    expect(usageOf('kick')).toBe(MEMBER_USAGE.KICK);
  });
});

describe('usage lines', () => {
  it.each(Object.entries(MEMBER_USAGE))('%s answers in one plain (GSM-7) text', (_word, usage) => {
    expect(`Usage: ${usage}`.length).toBeLessThanOrEqual(160);
    expect(usage).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('TRACK words', () => {
  it('normalizes a tracked word and refuses what is not one word', () => {
    expect(normalizeTrackWord('#Coffee')).toBe('coffee');
    expect(normalizeTrackWord('x')).toBeUndefined();
    expect(normalizeTrackWord('co-ffee')).toBeUndefined();
    expect(normalizeTrackWord('a'.repeat(31))).toBeUndefined();
  });

  it('splits a post into lower-case whole words', () => {
    expect(postWords('Coffee? COFFEE-time, café #latte')).toEqual(
      new Set(['coffee', 'time', 'café', 'latte']),
    );
    expect(postWords('coffeehouse').has('coffee')).toBe(false);
  });
});

describe('DELETE (alias DEL)', () => {
  const id = '01jd5x0000abcdefghjkmnpqrs';
  it('takes no argument (the last post), a post id, or the post’s whole URL', () => {
    expect(parseCommand('DELETE')).toEqual({ kind: 'deletePost' });
    expect(parseCommand('del')).toEqual({ kind: 'deletePost' });
    expect(parseCommand(`DELETE ${id}`)).toEqual({ kind: 'deletePost', ref: id });
    expect(parseCommand(`del https://bot.example/posts/${id}`)).toEqual({
      kind: 'deletePost',
      ref: `https://bot.example/posts/${id}`,
    });
    expect(postRefOf(`https://bot.example/posts/${id.toUpperCase()}?x=1`)).toBe(id);
  });

  it('answers its usage for one word that is no post id, and leaves a sentence a post', () => {
    expect(parseCommand('DELETE everything')).toMatchObject({ kind: 'usage', command: 'DELETE' });
    expect(parseCommand('Delete this later please')).toEqual({
      kind: 'post',
      text: 'Delete this later please',
    });
    expect(usageOf('DEL')).toContain('DELETE <post id>');
    expect(REPLIES.help()).toContain('DELETE');
  });
});
