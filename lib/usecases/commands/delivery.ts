import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { toggleRelation } from './relations.ts';

/** `OFF` / `ON`: all delivery for this member (echoes, tracked words, direct messages). */
export async function deliveryAll({ member }: CommandContext, on: boolean): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const off = member.off === true;
  if (off === !on) return reply(on ? MEMBER_REPLIES.alreadyOn() : MEMBER_REPLIES.alreadyOff());
  return reply(on ? MEMBER_REPLIES.allOn() : MEMBER_REPLIES.allOff(), [
    { kind: 'setDeliveryOff', memberId: member.id, off: !on },
  ]);
}

/**
 * `OFF <nick>` / `ON <nick>`: pauses one author's posts without unfollowing (the member stays in
 * their FOLLOWERS, and stays a follower in follow mode). A TRACK word still brings their posts.
 */
export function deliveryFrom(ctx: CommandContext, nick: string, on: boolean): Promise<Decision> {
  return toggleRelation(
    ctx,
    nick,
    'off',
    !on,
    on
      ? { done: MEMBER_REPLIES.authorOn, already: MEMBER_REPLIES.authorNotOff }
      : { done: MEMBER_REPLIES.authorOff, already: MEMBER_REPLIES.authorAlreadyOff },
  );
}
