import { REPLIES } from '../../domain/format.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** FOLLOW / UNFOLLOW a local member. In echo mode an unfollow is an exception to "everyone". */
export async function follow(
  { deps, member }: CommandContext,
  nick: string,
  wantFollow: boolean,
): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const author = await deps.store.memberByNick(nick);
  if (!author) return reply(REPLIES.unknownNick(nick));
  if (author.id === member.id) return reply(REPLIES.self());
  const muted = (await deps.store.mutedBy(author.id)).has(member.id);
  if (muted !== wantFollow) {
    return reply(wantFollow ? REPLIES.alreadyFollowing(author.nick) : REPLIES.notFollowing(author.nick));
  }
  return reply(wantFollow ? REPLIES.followed(author.nick) : REPLIES.unfollowed(author.nick), [
    { kind: 'setMuted', authorId: author.id, memberId: member.id, muted: !wantFollow },
  ]);
}
