import { normalizeHandle } from './handle.ts';
import { normalizeNick } from './nick.ts';
import { charCount, MAX_POST_CHARS } from './text.ts';

/**
 * The member's command set beyond JOIN/FOLLOW/UNFOLLOW/STOP: nick changes, delivery switches,
 * direct messages, look-ups, blocks, tracked words, and the operators' MODE/KICK/BAN. Parsed here
 * and joined into `Command` in commands.ts. Pure.
 */
export type MemberCommand =
  | { kind: 'nick'; nick: string }
  /** `ON` / `OFF`: all delivery for this member. */
  | { kind: 'deliveryAll'; on: boolean }
  /** `ON <nick>` / `OFF <nick>`: that author's posts, without unfollowing. */
  | { kind: 'deliveryFrom'; nick: string; on: boolean }
  /** `D <nick> <text>`; `to` is a local nick, or a remote handle when `remote`. */
  | { kind: 'direct'; to: string; remote: boolean; text: string }
  | { kind: 'get'; nick: string }
  | { kind: 'whois'; nick: string }
  | { kind: 'who'; page: number }
  | { kind: 'followers' }
  | { kind: 'following' }
  | { kind: 'stats' }
  | { kind: 'block'; nick: string; block: boolean }
  | { kind: 'track'; word: string; track: boolean }
  /** `DELETE` (alias `DEL`): the member's last post; `DELETE <post id>`: that one (`ref` as typed). */
  | { kind: 'deletePost'; ref?: string }
  /** Operators only. `mode` absent: tell the current mode. */
  | { kind: 'mode'; mode?: BotMode }
  | { kind: 'kick'; nick: string; ban: boolean };

/** Echo mode: everyone gets everything except the exceptions. Follow mode: only explicit followers. */
export type BotMode = 'echo' | 'follow';

export const MEMBER_USAGE = {
  NICK: 'NICK <new> - change your nick (e.g. NICK alice2)',
  ON: "ON - get messages again; ON <nick> - get that member's posts again",
  OFF: "OFF - pause all messages (ON to resume); OFF <nick> - pause that member's posts but stay a follower",
  D: 'D <nick> <text> - a private message to that member only',
  GET: "GET <nick> - that member's latest post",
  WHOIS: 'WHOIS <nick> - when that member joined, posts and followers',
  WHO: 'WHO - the members (WHO 2 for the next page)',
  FOLLOWERS: 'FOLLOWERS - who gets your posts',
  FOLLOWING: 'FOLLOWING - whose posts you get',
  STATS: 'STATS - members, posts, your followers and following',
  BLOCK: 'BLOCK <nick> - that member never reaches you (UNBLOCK <nick> to undo)',
  UNBLOCK: 'UNBLOCK <nick> - let a blocked member reach you again',
  TRACK: 'TRACK <word> - get every post containing that word (UNTRACK <word> to stop)',
  UNTRACK: 'UNTRACK <word> - stop getting posts for that word',
  DELETE:
    'DELETE - remove your last post (also DEL); DELETE <post id> - that post (the id ending its /posts/ address)',
  DEL: 'DELETE - remove your last post (also DEL); DELETE <post id> - that post (the id ending its /posts/ address)',
  MODE: 'MODE ECHO|FOLLOW - admins: everyone gets every post, or only followers do',
  KICK: 'KICK <nick> - admins: remove that member',
  BAN: 'BAN <nick> - admins: remove that member and refuse their number for good',
} as const;

export type MemberCommandWord = keyof typeof MEMBER_USAGE;

/** Tracked words: letters, digits and `_` (any script), 2-30 of them, compared lower-case. */
const TRACK_WORD = /^[\p{L}\p{M}\p{N}_]{2,30}$/u;

export function normalizeTrackWord(raw: string): string | undefined {
  const word = raw.replace(/^#/, '').toLowerCase();
  return TRACK_WORD.test(word) ? word : undefined;
}

/** The words of a post as TRACK matches them: whole words, lower case. */
export function postWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{M}\p{N}_]+/u)
      .filter((w) => w.length > 0),
  );
}

/** A post id as the pages show it (the last part of `/posts/<id>`), from the id alone or the whole URL. */
export function postRefOf(raw: string): string | undefined {
  const tail = raw.includes('/posts/') ? raw.slice(raw.lastIndexOf('/posts/') + '/posts/'.length) : raw;
  const id = tail.replace(/[/?#].*$/, '').toLowerCase();
  return /^[0-9a-hjkmnp-tv-z]{26}$/.test(id) ? id : undefined;
}

export function isMemberCommandWord(word: string): word is MemberCommandWord {
  return Object.hasOwn(MEMBER_USAGE, word);
}

type Usage = { kind: 'usage'; command: string; usage: string };

/**
 * `word` is the first word upper-cased; `args` the rest split on spaces; `text` the whole
 * (trimmed) message, so `D` keeps its text as typed. Undefined when `word` is not one of ours.
 */
export function parseMemberCommand(
  word: string,
  args: readonly string[],
  text: string,
): MemberCommand | Usage | undefined {
  if (!isMemberCommandWord(word)) return undefined;
  const usage: Usage = { kind: 'usage', command: word, usage: MEMBER_USAGE[word] };
  const one = args.length === 1 && args[0] !== undefined ? args[0] : undefined;
  const nick = one === undefined ? undefined : normalizeNick(one);
  switch (word) {
    case 'NICK':
      return nick ? { kind: 'nick', nick } : usage;
    case 'ON':
    case 'OFF': {
      const on = word === 'ON';
      if (args.length === 0) return { kind: 'deliveryAll', on };
      return nick ? { kind: 'deliveryFrom', nick, on } : usage;
    }
    case 'D': {
      const [target = '', first] = args;
      if (first === undefined) return usage;
      // The text as typed: everything after the target, spacing kept.
      const body = text.replace(/^\S+\s+\S+\s+/, '');
      if (charCount(body) > MAX_POST_CHARS) return usage;
      // A remote handle, as FOLLOW takes it (`carol@other.example`, `alice@127.0.0.1:8787`).
      const handle = target.includes('@') ? normalizeHandle(target) : undefined;
      if (handle) return { kind: 'direct', to: handle, remote: true, text: body };
      const to = normalizeNick(target);
      return to ? { kind: 'direct', to, remote: false, text: body } : usage;
    }
    case 'GET':
      return nick ? { kind: 'get', nick } : usage;
    case 'WHOIS':
      return nick ? { kind: 'whois', nick } : usage;
    // Commands without arguments are commands only alone (WHO: or with a page number), so
    // "Who is coming tonight?" or "followers are nice" stay posts.
    case 'WHO': {
      if (args.length === 0) return { kind: 'who', page: 1 };
      const page = one !== undefined && /^[1-9]\d{0,3}$/.test(one) ? Number(one) : undefined;
      return page ? { kind: 'who', page } : undefined;
    }
    case 'FOLLOWERS':
    case 'FOLLOWING':
    case 'STATS':
      if (args.length > 0) return undefined;
      return { kind: word === 'FOLLOWERS' ? 'followers' : word === 'FOLLOWING' ? 'following' : 'stats' };
    case 'BLOCK':
    case 'UNBLOCK':
      return nick ? { kind: 'block', nick, block: word === 'BLOCK' } : usage;
    case 'TRACK':
    case 'UNTRACK': {
      const w = one === undefined ? undefined : normalizeTrackWord(one);
      return w ? { kind: 'track', word: w, track: word === 'TRACK' } : usage;
    }
    case 'DELETE':
    case 'DEL': {
      if (args.length === 0) return { kind: 'deletePost' };
      // "Delete this later" stays a post: a command takes one post id or URL, nothing else.
      if (one === undefined) return undefined;
      return postRefOf(one) !== undefined ? { kind: 'deletePost', ref: one } : usage;
    }
    case 'MODE': {
      if (args.length === 0) return { kind: 'mode' };
      const m = one?.toLowerCase();
      return m === 'echo' || m === 'follow' ? { kind: 'mode', mode: m } : usage;
    }
    case 'KICK':
    case 'BAN':
      return nick ? { kind: 'kick', nick, ban: word === 'BAN' } : usage;
  }
}
