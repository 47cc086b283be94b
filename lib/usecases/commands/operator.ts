import { echoChannels } from '../../domain/echo-channels.ts';
import type { BotMode } from '../../domain/member-commands.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { isAdmin } from './admin.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** `MODE` (tell) and `MODE ECHO|FOLLOW` (set): admins only. */
export async function mode(ctx: CommandContext, to: BotMode | undefined): Promise<Decision> {
  if (!isAdmin(ctx)) return reply(MEMBER_REPLIES.adminOnly('MODE'));
  if (to === undefined) return reply(MEMBER_REPLIES.mode(await ctx.deps.store.botMode()));
  return reply(MEMBER_REPLIES.modeSet(to), [{ kind: 'setMode', mode: to }]);
}

/**
 * `KICK <nick>` / `BAN <nick>`: admins only. The member is removed and their channels become
 * strangers (told once, on their active channels); a ban also refuses those channels' JOIN.
 */
export async function kick(ctx: CommandContext, nick: string, ban: boolean): Promise<Decision> {
  const word = ban ? 'BAN' : 'KICK';
  if (!isAdmin(ctx)) return reply(MEMBER_REPLIES.adminOnly(word));
  const target = await ctx.deps.store.memberByNick(nick);
  if (!target) return reply(REPLIES.unknownNick(nick));
  if (target.id === ctx.member?.id || target.channels.includes(ctx.channel)) return reply(REPLIES.self());
  const id = ctx.deps.newId();
  return reply(MEMBER_REPLIES.kicked(target.nick, ban), [
    { kind: 'removeMember', member: target, ban },
    ...echoChannels(target).map((channel, i) => ({
      kind: 'putOutbound' as const,
      outbound: { id: `kick:${id}:${i}`, channel, text: MEMBER_REPLIES.youWereKicked(ban) },
    })),
  ]);
}
