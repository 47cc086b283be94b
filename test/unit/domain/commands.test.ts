import { describe, expect, it } from 'vitest';
import { parseCommand, STOP_WORDS } from '../../../lib/domain/commands.ts';

describe('parseCommand', () => {
  it.each([
    ['JOIN alice', { kind: 'join', nick: 'alice' }],
    ['join Alice', { kind: 'join', nick: 'alice' }],
    ['  Join   bob_2  ', { kind: 'join', nick: 'bob_2' }],
    ['FOLLOW @carol', { kind: 'follow', nick: 'carol' }],
    ['unfollow carol', { kind: 'unfollow', nick: 'carol' }],
    ['LEAVE carol', { kind: 'unfollow', nick: 'carol' }],
    ['HELP', { kind: 'help' }],
    ['info', { kind: 'help' }],
    ['help?', { kind: 'help' }],
    ['START', { kind: 'start' }],
  ])('reads %j as a command', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([...STOP_WORDS, 'stop', 'Stop!', 'quit', 'STOP please'])('reads %j as an opt-out', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'stop' });
  });

  it.each([
    ['JOIN', 'JOIN'],
    ['JOIN a', 'JOIN'],
    ['JOIN way_too_long_nickname', 'JOIN'],
    ['JOIN al ice', 'JOIN'],
    ['JOIN al-ice', 'JOIN'],
    ['FOLLOW', 'FOLLOW'],
    ['UNFOLLOW bob carol', 'UNFOLLOW'],
    ['leave', 'LEAVE'],
  ])('answers %j with the usage of %s', (text, command) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('usage');
    if (parsed.kind === 'usage') {
      expect(parsed.command).toBe(command);
      expect(parsed.usage).toMatch(/^(JOIN|FOLLOW|UNFOLLOW) </);
    }
  });

  it.each(['hello everyone', 'Joining later?', 'followers are nice', 'stopwatch broke', ''])(
    'reads %j as a post',
    (text) => {
      expect(parseCommand(text)).toEqual({ kind: 'post', text: text.trim() });
    },
  );
});
