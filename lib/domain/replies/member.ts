import type { BotMode } from '../member-commands.ts';

/** One SMS: the length list replies (WHO, FOLLOWERS, FOLLOWING) are kept within. */
export const SMS_REPLY_CHARS = 160;

/** Caps: tracked words per member. */
export const MAX_TRACKS = 20;

const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export const MEMBER_REPLIES = {
  renamed: (from: string, to: string) => `You are now ${to} (was ${from}).`,
  sameNick: (nick: string) => `You are already ${nick}.`,
  nickTaken: (nick: string) => `Sorry, the nick ${nick} is taken. Try NICK with another one.`,
  allOff: () => 'Paused: you will get nothing from echobot but answers to your texts. Text ON to resume.',
  alreadyOff: () => 'You are already paused. Text ON to resume.',
  allOn: () => 'Resumed: you will get posts again.',
  alreadyOn: () => 'You are already getting posts.',
  authorOff: (nick: string) =>
    `Paused ${nick}: no posts from ${nick} until ON ${nick}. You still follow ${nick}.`,
  authorAlreadyOff: (nick: string) => `${nick} is already paused. ON ${nick} to resume.`,
  authorOn: (nick: string) => `Resumed ${nick}'s posts.`,
  authorNotOff: (nick: string) => `${nick} is not paused.`,
  directSent: (nick: string) => `Sent to ${nick}.`,
  postDeleted: (text: string) =>
    `Deleted your post "${text.length > 40 ? `${text.slice(0, 39)}…` : text}". It is gone from the pages; echoes not yet sent will not go.`,
  noPostToDelete: () => 'You have no post to delete.',
  noSuchPost: (id: string) => `There is no post ${id} on this bot (already deleted?).`,
  notYourPost: () => 'That post is not yours: only its author can delete it.',
  direct: (from: string, text: string) => `DM from ${from}: ${text}`,
  directRefused: (nick: string) => `${nick} is not taking messages right now. Nothing was sent.`,
  latest: (nick: string, text: string, createdAt: string) => `${nick}: ${text} (${minute(createdAt)})`,
  noPosts: (nick: string) => `${nick} has not posted yet.`,
  whois: (nick: string, joinedAt: string, posts: number, followers: number) =>
    `${nick}: joined ${day(joinedAt)}, ${posts} post${posts === 1 ? '' : 's'}, ${followers} follower${followers === 1 ? '' : 's'}.`,
  stats: (members: number, posts: number, followers: number, following: number, mode: BotMode) =>
    `echobot: ${members} member${members === 1 ? '' : 's'}, ${posts} post${posts === 1 ? '' : 's'}, ${mode} mode. You: ${followers} follower${followers === 1 ? '' : 's'}, following ${following}.`,
  blocked: (nick: string) => `Blocked ${nick}: nothing from ${nick} will reach you. UNBLOCK ${nick} to undo.`,
  alreadyBlocked: (nick: string) => `${nick} is already blocked.`,
  unblocked: (nick: string) => `Unblocked ${nick}.`,
  notBlocked: (nick: string) => `${nick} is not blocked.`,
  tracking: (word: string) => `You will get every post with "${word}". UNTRACK ${word} to stop.`,
  alreadyTracking: (word: string) => `You already track "${word}".`,
  untracked: (word: string) => `You no longer track "${word}".`,
  notTracking: (word: string) => `You don't track "${word}".`,
  tooManyTracks: () => `You track ${MAX_TRACKS} words, the most allowed. UNTRACK one first.`,
  adminOnly: (word: string) => `Only this bot's admins can use ${word}.`,
  mode: (mode: BotMode) =>
    mode === 'echo'
      ? 'The bot is in echo mode: every post goes to everyone except those who unfollowed its author.'
      : 'The bot is in follow mode: members get posts only from those they FOLLOW.',
  modeSet: (mode: BotMode) =>
    mode === 'echo'
      ? 'Now in echo mode: every post goes to everyone except those who unfollowed its author.'
      : 'Now in follow mode: members get posts only from those they FOLLOW.',
  kicked: (nick: string, ban: boolean) =>
    ban ? `Banned ${nick}: removed, and their number can't join again.` : `Removed ${nick}.`,
  youWereKicked: (ban: boolean) =>
    ban
      ? 'An admin removed you from this echobot. This number cannot join it again.'
      : 'An admin removed you from this echobot. Text JOIN <nick> to join again.',
  banned: () => 'This number cannot join this echobot.',
} as const;

/**
 * A list of nicks that fits one SMS: `title (n): a, b, c` and, when cut, `+k more` (or, with
 * `more`, a pointer to the next page such as `WHO 2 for more`). `page` counts from 1; each page
 * holds as many nicks as fit.
 */
export function nickListReply(
  title: string,
  nicks: readonly string[],
  options: { page?: number; more?: (nextPage: number) => string; limit?: number } = {},
): string {
  if (nicks.length === 0) return `${title}: none.`;
  const limit = options.limit ?? SMS_REPLY_CHARS;
  const head = `${title} (${nicks.length}): `;
  const tail = (next: number, rest: number) => (options.more ? ` ${options.more(next)}` : ` +${rest} more`);
  const reserve = tail(9999, 99999).length;
  const pages: string[][] = [];
  for (let i = 0; i < nicks.length; ) {
    const list: string[] = [];
    for (; i < nicks.length; i++) {
      const candidate = [...list, nicks[i]].join(', ');
      const last = i === nicks.length - 1;
      if (list.length > 0 && head.length + candidate.length + (last ? 0 : reserve) > limit) break;
      list.push(nicks[i] ?? '');
    }
    pages.push(list);
  }
  const page = options.page ?? 1;
  const shown = pages[page - 1];
  if (!shown) return `${head}there ${pages.length === 1 ? 'is 1 page' : `are ${pages.length} pages`}.`;
  const after = pages.slice(page).reduce((n, p) => n + p.length, 0);
  return head + shown.join(', ') + (after === 0 ? '' : tail(page + 1, after));
}
