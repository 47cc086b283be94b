import { authorityOfBot, authorityOfHandle } from '../../domain/addresses.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { REMOTE_FOLLOW_REPLIES } from '../../domain/replies/peer.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/**
 * FOLLOW / UNFOLLOW nick@host through the peer network: one `followRemote` item per member and
 * handle. Its stream record makes the fanout function register (or drop) interest with the peers
 * (lib/usecases/peer-outbound.ts), and relayed posts by that author are echoed to the member.
 */
export async function followViaPeers(
  ctx: CommandContext,
  handle: string,
  follow: boolean,
): Promise<Decision> {
  const { member } = ctx;
  if (!member) return reply(REPLIES.notMember());
  const peers = ctx.deps.peers;
  if (!peers) return reply(REMOTE_FOLLOW_REPLIES.unreachable(handle));
  if (authorityOfHandle(handle) === authorityOfBot(peers.self)) {
    const nick = handle.slice(0, handle.indexOf('@'));
    return reply(REMOTE_FOLLOW_REPLIES.local(nick));
  }
  const following = (await peers.store.wantsOf(handle)).members.includes(member.id);
  if (following === follow)
    return reply(follow ? REMOTE_FOLLOW_REPLIES.already(handle) : REMOTE_FOLLOW_REPLIES.notFollowing(handle));
  return reply(follow ? REMOTE_FOLLOW_REPLIES.followed(handle) : REMOTE_FOLLOW_REPLIES.unfollowed(handle), [
    { kind: follow ? 'followRemote' : 'unfollowRemote', memberId: member.id, handle },
  ]);
}
