import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** `NICK <new>`: the old nick is freed in the same commit; posts keep their author (the member id). */
export async function nick({ deps, member }: CommandContext, to: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  if (member.nick === to) return reply(MEMBER_REPLIES.sameNick(to));
  if (await deps.store.memberByNick(to)) return reply(MEMBER_REPLIES.nickTaken(to));
  return reply(MEMBER_REPLIES.renamed(member.nick, to), [
    { kind: 'renameMember', memberId: member.id, from: member.nick, to },
  ]);
}
