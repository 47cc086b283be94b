import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import type { CommandContext, Decision } from './decision.ts';
import { toggleRelation } from './relations.ts';

/** `BLOCK <nick>` / `UNBLOCK <nick>`: a blocked member never reaches the blocker (echoes, D, TRACK). */
export function block(ctx: CommandContext, nick: string, on: boolean): Promise<Decision> {
  return toggleRelation(
    ctx,
    nick,
    'block',
    on,
    on
      ? { done: MEMBER_REPLIES.blocked, already: MEMBER_REPLIES.alreadyBlocked }
      : { done: MEMBER_REPLIES.unblocked, already: MEMBER_REPLIES.notBlocked },
  );
}
