import type { Command } from '../../domain/commands.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { isAdmin } from './admin.ts';
import { block } from './block.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { deletePost } from './delete-post.ts';
import { deliveryAll, deliveryFrom } from './delivery.ts';
import { direct } from './direct.ts';
import { email, emailConfirm, emailOff } from './email.ts';
import { follow } from './follow.ts';
import { join } from './join.ts';
import { link, linkUse } from './link.ts';
import { followers, following, get, stats, who, whois } from './lookup.ts';
import { nick } from './nick.ts';
import { kick, mode } from './operator.ts';
import { start, stop } from './opt-out.ts';
import { listPeers, peerAdd, peerDel } from './peers.ts';
import { post } from './post.ts';
import { quiet, quietOff, quietShow, timeZone } from './quiet.ts';
import { relayCommand } from './relay.ts';
import { remoteDirect } from './remote-direct.ts';
import { remoteFollow } from './remote-follow.ts';
import { track } from './track.ts';

/** The command table: one case per command, each handled in its own file. */
export async function decide(ctx: CommandContext, command: Command): Promise<Decision> {
  switch (command.kind) {
    case 'help':
      if (command.usage) return reply(REPLIES.usage(command.usage));
      return reply(isAdmin(ctx) ? `${REPLIES.help()} ${REPLIES.adminHelp()}` : REPLIES.help());
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
    case 'followRemote':
      return remoteFollow(ctx, command.handle, command.follow);
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
    case 'nick':
      return nick(ctx, command.nick);
    case 'deliveryAll':
      return deliveryAll(ctx, command.on);
    case 'deliveryFrom':
      return deliveryFrom(ctx, command.nick, command.on);
    case 'direct':
      return command.remote
        ? remoteDirect(ctx, command.to, command.text)
        : direct(ctx, command.to, command.text);
    case 'get':
      return get(ctx, command.nick);
    case 'whois':
      return whois(ctx, command.nick);
    case 'who':
      return who(ctx, command.page);
    case 'followers':
      return followers(ctx);
    case 'following':
      return following(ctx);
    case 'stats':
      return stats(ctx);
    case 'block':
      return block(ctx, command.nick, command.block);
    case 'track':
      return track(ctx, command.word, command.track);
    case 'deletePost':
      return deletePost(ctx, command.ref);
    case 'mode':
      return mode(ctx, command.mode);
    case 'kick':
      return kick(ctx, command.nick, command.ban);
    case 'peerAdd':
      return peerAdd(ctx, command.url);
    case 'peerDel':
      return peerDel(ctx, command.url);
    case 'peers':
      return listPeers(ctx);
    case 'relayList':
    case 'relayAllow':
    case 'relayRemove':
    case 'relayMode':
      return relayCommand(ctx, command);
  }
}

/** Commands an opted-out channel still gets an answer to (carrier rules). */
export function answersWhileOptedOut(command: Command): boolean {
  return command.kind === 'start' || command.kind === 'help';
}
