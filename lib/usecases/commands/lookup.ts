import type { BotMode } from '../../domain/member-commands.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES, nickListReply } from '../../domain/replies/member.ts';
import { followersOf, followingOf, sortedNicks } from '../../domain/social.ts';
import type { Member } from '../../domain/types.ts';
import type { Store } from '../../ports/store.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** Every member, a page of the store at a time (look-ups are commands, not the echo path). */
async function allMembers(store: Store): Promise<Member[]> {
  const all: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listMembers(cursor);
    all.push(...page.members);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

/** `mode` is passed in when the caller has read it already (STATS needs it three times). */
async function followersOfMember(store: Store, id: string, members: readonly Member[], mode?: BotMode) {
  const [m, muted, ofMe] = await Promise.all([
    mode ?? store.botMode(),
    store.mutedBy(id),
    store.relationsOf(id),
  ]);
  return followersOf(id, members, m, muted, ofMe);
}

async function followingOfMember(store: Store, id: string, members: readonly Member[], mode?: BotMode) {
  const [m, byMe] = await Promise.all([mode ?? store.botMode(), store.relationsBy(id)]);
  return followingOf(id, members, m, byMe);
}

/** `GET <nick>`: their newest post. */
export async function get({ deps, member }: CommandContext, nick: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const target = await deps.store.memberByNick(nick);
  if (!target) return reply(REPLIES.unknownNick(nick));
  const latest = await deps.store.latestPost(target.id);
  return reply(
    latest
      ? MEMBER_REPLIES.latest(target.nick, latest.text, latest.createdAt)
      : MEMBER_REPLIES.noPosts(target.nick),
  );
}

/** `WHOIS <nick>`: nick, joined date, posts, followers. Never a channel or a phone number. */
export async function whois({ deps, member }: CommandContext, nick: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const target = await deps.store.memberByNick(nick);
  if (!target) return reply(REPLIES.unknownNick(nick));
  const [posts, members] = await Promise.all([deps.store.countPosts(target.id), allMembers(deps.store)]);
  const followers = await followersOfMember(deps.store, target.id, members);
  return reply(MEMBER_REPLIES.whois(target.nick, target.joinedAt, posts, followers.length));
}

/** `WHO [page]`: members by nick, as many as fit one SMS a page. */
export async function who({ deps, member }: CommandContext, page: number): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const nicks = sortedNicks(await allMembers(deps.store));
  return reply(nickListReply('Members', nicks, { page, more: (n) => `WHO ${n} for more` }));
}

/** `FOLLOWERS`: who gets my posts. */
export async function followers({ deps, member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const list = await followersOfMember(deps.store, member.id, await allMembers(deps.store));
  return reply(nickListReply('Your followers', sortedNicks(list)));
}

/** `FOLLOWING`: whose posts I get. */
export async function following({ deps, member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const list = await followingOfMember(deps.store, member.id, await allMembers(deps.store));
  return reply(nickListReply('You follow', sortedNicks(list)));
}

/** `STATS`: members, local posts, the mode, and my followers/following counts. */
export async function stats({ deps, member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const [members, posts, mode] = await Promise.all([
    allMembers(deps.store),
    deps.store.countPosts(),
    deps.store.botMode(),
  ]);
  const [mine, theirs] = await Promise.all([
    followersOfMember(deps.store, member.id, members, mode),
    followingOfMember(deps.store, member.id, members, mode),
  ]);
  return reply(MEMBER_REPLIES.stats(members.length, posts, mine.length, theirs.length, mode));
}
