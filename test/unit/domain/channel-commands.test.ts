import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../lib/domain/commands.ts';
import { echoChannels } from '../../../lib/domain/echo-channels.ts';
import type { Member } from '../../../lib/domain/types.ts';

describe('EMAIL and LINK parsing', () => {
  it.each([
    ['EMAIL Ann@Example.COM', { kind: 'email', address: 'ann@example.com' }],
    ['email confirm 012345', { kind: 'emailConfirm', code: '012345' }],
    ['EMAIL 012345', { kind: 'emailConfirm', code: '012345' }],
    ['Email off', { kind: 'emailOff' }],
    ['LINK', { kind: 'link' }],
    ['link abcd-efgh', { kind: 'linkUse', code: 'ABCDEFGH' }],
    ['LINK ABCD EFGH', { kind: 'linkUse', code: 'ABCDEFGH' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each([
    'EMAIL',
    'EMAIL a@b',
    'EMAIL x y',
    'EMAIL CONFIRM',
    'EMAIL CONFIRM 1234567',
    'LINK 123',
    'LINK ABCDEFG0',
    'LINK A B C',
  ])('%s answers with the usage line', (text) => {
    expect(parseCommand(text)).toMatchObject({
      kind: 'usage',
      usage: expect.stringMatching(/^(EMAIL|LINK)/),
    });
  });
});

describe('which channels get an echo', () => {
  const member = (channels: Member['channels'], optedOut: Member['optedOut'] = []): Member => ({
    id: 'm',
    nick: 'ann',
    channels,
    optedOut,
    joinedAt: '',
  });

  it('sends to every active channel but only the first active phone', () => {
    expect(
      echoChannels(member(['sms:+1555000001', 'telegram:1', 'sms:+1555000002', 'email:a@b.example', 'im:x'])),
    ).toEqual(['sms:+1555000001', 'telegram:1', 'email:a@b.example', 'im:x']);
  });

  it('falls back to the next phone when the first opted out', () => {
    expect(echoChannels(member(['sms:+1555000001', 'sms:+1555000002'], ['sms:+1555000001']))).toEqual([
      'sms:+1555000002',
    ]);
  });
});
