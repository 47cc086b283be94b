import { REPLIES } from '../../domain/replies/core.ts';
import type { Mutation } from '../../ports/store.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { isDecision, memberAndAuthor, relation } from './relations.ts';

/**
 * FOLLOW / UNFOLLOW a local member. In echo mode an unfollow is an exception to "everyone"; in
 * follow mode only an explicit follow brings posts. So FOLLOW always records a follow (and lifts an
 * unfollow), UNFOLLOW records an unfollow (and drops a follow), whatever the mode; the replies say
 * what the member will get now.
 */
export async function follow(ctx: CommandContext, nick: string, wantFollow: boolean): Promise<Decision> {
  const found = await memberAndAuthor(ctx, nick);
  if (isDecision(found)) return found;
  const { member, author } = found;
  const [mode, muted, mine] = await Promise.all([
    ctx.deps.store.botMode(),
    ctx.deps.store.mutedBy(author.id),
    ctx.deps.store.relationsBy(member.id),
  ]);
  const isMuted = muted.has(member.id);
  const explicit = mine.follow.has(author.id);
  const following = mode === 'echo' ? !isMuted : explicit;
  const mute = (on: boolean): Mutation[] => [
    { kind: 'setMuted', authorId: author.id, memberId: member.id, muted: on },
    relation('unfollow', author, member, on),
  ];
  if (wantFollow) {
    return reply(following ? REPLIES.alreadyFollowing(author.nick) : REPLIES.followed(author.nick), [
      ...(isMuted ? mute(false) : []),
      ...(explicit ? [] : [relation('follow', author, member, true)]),
    ]);
  }
  return reply(following ? REPLIES.unfollowed(author.nick) : REPLIES.notFollowing(author.nick), [
    ...(isMuted ? [] : mute(true)),
    ...(explicit ? [relation('follow', author, member, false)] : []),
  ]);
}
