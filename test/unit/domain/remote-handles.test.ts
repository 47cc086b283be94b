import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../lib/domain/commands.ts';
import { normalizeHandle } from '../../../lib/domain/handle.ts';

describe('FOLLOW and UNFOLLOW with a remote handle', () => {
  it.each([
    ['FOLLOW carol@other.example', { kind: 'followRemote', handle: 'carol@other.example', follow: true }],
    ['follow @Carol@Other.Example', { kind: 'followRemote', handle: 'carol@other.example', follow: true }],
    ['FOLLOW alice@127.0.0.1:8787', { kind: 'followRemote', handle: 'alice@127.0.0.1:8787', follow: true }],
    ['UNFOLLOW carol@other.example', { kind: 'followRemote', handle: 'carol@other.example', follow: false }],
    ['LEAVE carol@other.example', { kind: 'followRemote', handle: 'carol@other.example', follow: false }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(['FOLLOW carol@', 'FOLLOW carol@bad_host', 'FOLLOW a@b@c', 'UNFOLLOW carol@other.example:0'])(
    'answers %j with the usage line',
    (text) => {
      expect(parseCommand(text).kind).toBe('usage');
    },
  );

  it('JOIN never takes a handle', () => {
    expect(parseCommand('JOIN carol@other.example').kind).toBe('usage');
  });

  it('normalises handles to lower case without a leading @', () => {
    expect(normalizeHandle('@Bob@Bot.Example:8080')).toBe('bob@bot.example:8080');
    expect(normalizeHandle('bob')).toBeUndefined();
  });
});
