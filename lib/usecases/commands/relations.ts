import { REPLIES } from '../../domain/replies/core.ts';
import type { Member } from '../../domain/types.ts';
import type { Mutation, RelationKind } from '../../ports/store.ts';
import type { CommandContext, Decision } from './decision.ts';
import { reply } from './decision.ts';

/** The member and the author a `<verb> <nick>` command names, or the reply that stops it. */
export async function memberAndAuthor(
  { deps, member }: CommandContext,
  nick: string,
): Promise<{ member: Member; author: Member } | Decision> {
  if (!member) return reply(REPLIES.notMember());
  const author = await deps.store.memberByNick(nick);
  if (!author) return reply(REPLIES.unknownNick(nick));
  if (author.id === member.id) return reply(REPLIES.self());
  return { member, author };
}

export const isDecision = (v: object): v is Decision => 'mutations' in v;

export const relation = (kind: RelationKind, author: Member, member: Member, on: boolean): Mutation => ({
  kind: 'setRelation',
  relation: kind,
  authorId: author.id,
  memberId: member.id,
  on,
});

/**
 * Turns one relation (`off` for OFF/ON <nick>, `block` for BLOCK/UNBLOCK) on or off, with a
 * clear answer when it already is.
 */
export async function toggleRelation(
  ctx: CommandContext,
  nick: string,
  kind: 'off' | 'block',
  on: boolean,
  replies: { done: (nick: string) => string; already: (nick: string) => string },
): Promise<Decision> {
  const found = await memberAndAuthor(ctx, nick);
  if (isDecision(found)) return found;
  const { member, author } = found;
  const current = (await ctx.deps.store.relationsBy(member.id))[kind].has(author.id);
  if (current === on) return reply(replies.already(author.nick));
  return reply(replies.done(author.nick), [relation(kind, author, member, on)]);
}
