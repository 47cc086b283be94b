import type { CommandContext } from './decision.ts';

/** Operators' commands (MODE, KICK, BAN, PEER ...) are for the channels listed in `ECHOBOT_ADMINS`. */
export function isAdmin(ctx: CommandContext): boolean {
  return ctx.deps.admins?.includes(ctx.channel) ?? false;
}
