import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import type { Member } from '../../domain/types.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

export async function join(
  { deps, channel, member, optedOut }: CommandContext,
  nick: string,
): Promise<Decision> {
  if (member) return reply(REPLIES.alreadyMember(member.nick));
  if (await deps.store.isBanned(channel)) return reply(MEMBER_REPLIES.banned());
  if (await deps.store.memberByNick(nick)) return reply(REPLIES.nickTaken(nick));
  const newMember: Member = {
    id: deps.newId(),
    nick,
    channels: [channel],
    optedOut: optedOut ? [channel] : [],
    joinedAt: deps.now().toISOString(),
  };
  return reply(REPLIES.welcome(nick), [{ kind: 'createMember', member: newMember }]);
}
