import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../lib/domain/commands.ts';

describe('peer commands', () => {
  it('parses PEER ADD / DEL with a canonical base URL, and PEERS', () => {
    expect(parseCommand('peer add https://Bot.Example/')).toEqual({
      kind: 'peerAdd',
      url: 'https://bot.example',
    });
    expect(parseCommand('PEER DEL http://127.0.0.1:8802')).toEqual({
      kind: 'peerDel',
      url: 'http://127.0.0.1:8802',
    });
    expect(parseCommand('PEERS')).toEqual({ kind: 'peers' });
  });

  it('answers a bad PEER command with its usage line', () => {
    for (const text of [
      'PEER',
      'PEER ADD',
      'PEER ADD ftp://x.example',
      'PEER KICK https://a.example',
      'PEERS now',
    ])
      expect(parseCommand(text)).toMatchObject({ kind: 'usage', command: text.split(' ')[0] });
  });

  it('FOLLOW / UNFOLLOW of a handle is a remote follow (parsed with the other FOLLOWs); plain nicks stay local', () => {
    expect(parseCommand('FOLLOW Alice@127.0.0.1:8801')).toEqual({
      kind: 'followRemote',
      handle: 'alice@127.0.0.1:8801',
      follow: true,
    });
    expect(parseCommand('unfollow @carol@other.example')).toEqual({
      kind: 'followRemote',
      handle: 'carol@other.example',
      follow: false,
    });
    expect(parseCommand('FOLLOW alice')).toEqual({ kind: 'follow', nick: 'alice' });
    expect(parseCommand('FOLLOW alice@')).toMatchObject({ kind: 'usage', command: 'FOLLOW' });
    expect(parseCommand('FOLLOW a@b@c')).toMatchObject({ kind: 'usage', command: 'FOLLOW' });
  });
});
