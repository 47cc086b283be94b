import { type ChannelCommand, parseChannelCommand } from './channel-commands.ts';
import { normalizeNick } from './nick.ts';
import { parseSafetyCommand, type SafetyCommand } from './safety-commands.ts';

/**
 * What an inbound text means. The first word, in any case, picks a command; anything else
 * is a post. A command word with bad arguments is `usage`, answered with that command's usage
 * line and changing nothing.
 */
export type Command =
  | { kind: 'join'; nick: string }
  | { kind: 'follow'; nick: string }
  | { kind: 'unfollow'; nick: string }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'post'; text: string }
  | { kind: 'usage'; command: string; usage: string }
  | ChannelCommand
  | SafetyCommand;

/**
 * Opt-out words carriers and Twilio treat as STOP. Matched as the first word (the spec's rule for
 * every command): honouring an accidental STOP costs a START, missing a real one breaks the law.
 */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;

export const USAGE = {
  JOIN: 'JOIN <nick> - pick a nick of 2-15 letters, digits or _ (e.g. JOIN alice)',
  FOLLOW: 'FOLLOW <nick> - get that member’s posts again',
  UNFOLLOW: 'UNFOLLOW <nick> - stop getting that member’s posts (also LEAVE)',
} as const;

const NICK_COMMANDS = { JOIN: 'join', FOLLOW: 'follow', UNFOLLOW: 'unfollow', LEAVE: 'unfollow' } as const;

function isNickCommand(word: string): word is keyof typeof NICK_COMMANDS {
  return Object.hasOwn(NICK_COMMANDS, word);
}

function isStopWord(word: string): boolean {
  return STOP_WORDS.some((w) => w === word);
}

export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  // Trailing punctuation is common on phones ("Stop!", "help?").
  const word = first.toUpperCase().replace(/[.!?,;:]+$/, '');
  const args = rest;
  if (isStopWord(word)) return { kind: 'stop' };
  if (word === 'START' || word === 'UNSTOP') return { kind: 'start' };
  if (word === 'HELP' || word === 'INFO') return { kind: 'help' };
  const channelCommand = parseChannelCommand(word, args);
  if (channelCommand) return channelCommand;
  const safetyCommand = parseSafetyCommand(word, args);
  if (safetyCommand) return safetyCommand;
  if (isNickCommand(word)) {
    const kind = NICK_COMMANDS[word];
    const usage = USAGE[kind === 'join' ? 'JOIN' : kind === 'follow' ? 'FOLLOW' : 'UNFOLLOW'];
    const nick = args.length === 1 && args[0] !== undefined ? normalizeNick(args[0]) : undefined;
    if (nick === undefined) return { kind: 'usage', command: word, usage };
    return { kind, nick };
  }
  return { kind: 'post', text: trimmed };
}
