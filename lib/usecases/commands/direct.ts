import { echoChannels } from '../../domain/echo-channels.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { isDecision, memberAndAuthor } from './relations.ts';

/**
 * `D <nick> <text>`: to that member only, on their echo channels (opted-out ones never), as a
 * durable outbound message; never on the timeline, never echoed. Refused (nothing sent) when they
 * blocked the sender or turned delivery OFF.
 */
export async function direct(ctx: CommandContext, to: string, text: string): Promise<Decision> {
  const found = await memberAndAuthor(ctx, to);
  if (isDecision(found)) return found;
  const { member: sender, author: target } = found;
  const blocked = (await ctx.deps.store.relationsBy(target.id)).block.has(sender.id);
  const channels = echoChannels(target);
  if (blocked || target.off || channels.length === 0) return reply(MEMBER_REPLIES.directRefused(target.nick));
  const id = ctx.deps.newId();
  return reply(
    MEMBER_REPLIES.directSent(target.nick),
    channels.map((channel, i) => ({
      kind: 'putOutbound',
      outbound: {
        id: `dm:${id}:${i}`,
        channel,
        text: MEMBER_REPLIES.direct(sender.nick, text),
        memberId: target.id,
      },
    })),
  );
}
