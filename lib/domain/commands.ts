import { CHANNEL_USAGE, type ChannelCommand, parseChannelCommand } from './channel-commands.ts';
import { normalizeHandle } from './handle.ts';
import { MEMBER_USAGE, type MemberCommand, parseMemberCommand } from './member-commands.ts';
import { normalizeNick } from './nick.ts';
import { PEER_USAGE, type PeerCommand, parsePeerCommand } from './peer-commands.ts';
import { parseRelayCommand, RELAY_USAGE, type RelayCommand } from './relay-commands.ts';
import { parseSafetyCommand, SAFETY_USAGE, type SafetyCommand } from './safety-commands.ts';

/**
 * What an inbound text means. The first word, in any case, picks a command; anything else
 * is a post. A command word with bad arguments is `usage`, answered with that command's usage
 * line and changing nothing.
 */
export type Command =
  | { kind: 'join'; nick: string }
  | { kind: 'follow'; nick: string }
  | { kind: 'unfollow'; nick: string }
  /** FOLLOW / UNFOLLOW a remote author by handle (`carol@other.example`, `alice@127.0.0.1:8787`). */
  | { kind: 'followRemote'; handle: string; follow: boolean }
  | { kind: 'stop' }
  | { kind: 'start' }
  /** `usage` set: `HELP <command>`, answered with that command's usage line. */
  | { kind: 'help'; usage?: string }
  | { kind: 'post'; text: string }
  | { kind: 'usage'; command: string; usage: string }
  | ChannelCommand
  | SafetyCommand
  | MemberCommand
  | PeerCommand
  | RelayCommand;

/**
 * Opt-out words carriers and Twilio treat as STOP. Matched as the first word (the spec's rule for
 * every command): honouring an accidental STOP costs a START, missing a real one breaks the law.
 */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;

export const USAGE = {
  JOIN: 'JOIN <nick> - pick a nick of 2-15 letters, digits or _ (e.g. JOIN alice)',
  FOLLOW: 'FOLLOW <nick> or FOLLOW <nick@other.bot> - get that member’s posts',
  UNFOLLOW: 'UNFOLLOW <nick> or UNFOLLOW <nick@other.bot> - stop getting their posts (also LEAVE)',
} as const;

const NICK_COMMANDS = { JOIN: 'join', FOLLOW: 'follow', UNFOLLOW: 'unfollow', LEAVE: 'unfollow' } as const;

function isNickCommand(word: string): word is keyof typeof NICK_COMMANDS {
  return Object.hasOwn(NICK_COMMANDS, word);
}

const OTHER_USAGE: Record<string, string> = {
  LEAVE: USAGE.UNFOLLOW,
  STOP: 'STOP - no more messages of any kind (START to resubscribe)',
  START: 'START - get messages again after STOP',
  HELP: 'HELP - the command list; HELP <command> for one command',
  INFO: 'HELP - the command list; HELP <command> for one command',
};

/** The usage line `HELP <command>` answers, or undefined for a word that is no command. */
export function usageOf(word: string): string | undefined {
  const w = word.toUpperCase().replace(/[.!?,;:]+$/, '');
  const tables: Record<string, string>[] = [
    USAGE,
    CHANNEL_USAGE,
    MEMBER_USAGE,
    SAFETY_USAGE,
    PEER_USAGE,
    RELAY_USAGE,
    OTHER_USAGE,
  ];
  for (const table of tables) if (Object.hasOwn(table, w)) return table[w];
  return STOP_WORDS.some((s) => s === w) ? OTHER_USAGE.STOP : undefined;
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
  if (word === 'HELP' || word === 'INFO') {
    const usage = args.length === 1 && args[0] !== undefined ? usageOf(args[0]) : undefined;
    return usage ? { kind: 'help', usage } : { kind: 'help' };
  }
  const channelCommand = parseChannelCommand(word, args);
  if (channelCommand) return channelCommand;
  const safetyCommand = parseSafetyCommand(word, args);
  if (safetyCommand) return safetyCommand;
  const memberCommand = parseMemberCommand(word, args, trimmed);
  if (memberCommand) return memberCommand;
  const peerCommand = parsePeerCommand(word, args);
  if (peerCommand) return peerCommand;
  const relayCommand = parseRelayCommand(word, args);
  if (relayCommand) return relayCommand;
  if (isNickCommand(word)) {
    const kind = NICK_COMMANDS[word];
    const usage = USAGE[kind === 'join' ? 'JOIN' : kind === 'follow' ? 'FOLLOW' : 'UNFOLLOW'];
    const arg = args.length === 1 ? args[0] : undefined;
    const handle = kind !== 'join' && arg?.includes('@', 1) ? normalizeHandle(arg) : undefined;
    if (handle !== undefined) return { kind: 'followRemote', handle, follow: kind === 'follow' };
    const nick = arg !== undefined ? normalizeNick(arg) : undefined;
    if (nick === undefined) return { kind: 'usage', command: word, usage };
    return { kind, nick };
  }
  return { kind: 'post', text: trimmed };
}
