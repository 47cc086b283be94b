import type { Command } from '../../domain/commands.ts';
import { REPLIES } from '../../domain/format.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { email, emailConfirm, emailOff } from './email.ts';
import { follow } from './follow.ts';
import { join } from './join.ts';
import { link, linkUse } from './link.ts';
import { start, stop } from './opt-out.ts';
import { post } from './post.ts';
import { quiet, quietOff, quietShow, timeZone } from './quiet.ts';

/** The command table: one case per command, each handled in its own file. */
export async function decide(ctx: CommandContext, command: Command): Promise<Decision> {
  switch (command.kind) {
    case 'help':
      return reply(REPLIES.help());
    case 'usage':
      return reply(REPLIES.usage(command.usage));
    case 'stop':
      return stop(ctx);
    case 'start':
      return start(ctx);
    case 'join':
      return join(ctx, command.nick);
    case 'follow':
      return follow(ctx, command.nick, true);
    case 'unfollow':
      return follow(ctx, command.nick, false);
    case 'post':
      return post(ctx, command.text);
    case 'email':
      return email(ctx, command.address);
    case 'emailConfirm':
      return emailConfirm(ctx, command.code);
    case 'emailOff':
      return emailOff(ctx);
    case 'link':
      return link(ctx);
    case 'linkUse':
      return linkUse(ctx, command.code);
    case 'quiet':
      return quiet(ctx, command.quiet);
    case 'quietOff':
      return quietOff(ctx);
    case 'quietShow':
      return quietShow(ctx);
    case 'timeZone':
      return timeZone(ctx, command.tz);
  }
}

/** Commands an opted-out channel still gets an answer to (carrier rules). */
export function answersWhileOptedOut(command: Command): boolean {
  return command.kind === 'start' || command.kind === 'help';
}
