import { handleAuthority, handleNick } from '../../domain/handle.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { FEDERATION_REPLIES } from '../../domain/replies/federation.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { follow } from './follow.ts';
import { followViaPeers } from './remote-follow-peers.ts';

/**
 * Which way a FOLLOW of a remote handle travels. The peer network, when the handle's bot is a
 * peer or reachable through one (lib/federation/follow-route.ts): interest registration, posts
 * relayed by super-peers, never a direct Follow that would make the author's bot send straight
 * here. Otherwise ActivityPub: WebFinger, Follow, Accept, straight to the author's server, which
 * reaches any fediverse server. An UNFOLLOW goes the way the follow went.
 */
async function throughPeers(ctx: CommandContext, handle: string, wantFollow: boolean): Promise<boolean> {
  const peers = ctx.deps.peers;
  if (!peers || !ctx.member) return false;
  if (wantFollow) return (await peers.followVia(handle)) === 'peers';
  return (await peers.store.wantsOf(handle)).members.includes(ctx.member.id);
}

/**
 * FOLLOW / UNFOLLOW `nick@host[:port]`. A handle of this very bot is a local follow. Otherwise
 * the member's follow is recorded at once (so their reply is instant) and a federation task
 * (WebFinger, then Follow or Undo) is committed with it; the deliver function carries it out
 * with the queue's retries.
 */
export async function remoteFollow(
  ctx: CommandContext,
  handle: string,
  wantFollow: boolean,
): Promise<Decision> {
  const { deps, member } = ctx;
  if (!member) return reply(REPLIES.notMember());
  if (handleAuthority(handle) === new URL(deps.baseUrl).host)
    return follow(ctx, handleNick(handle), wantFollow);
  if (await throughPeers(ctx, handle, wantFollow)) return followViaPeers(ctx, handle, wantFollow);
  if (!deps.federation) return reply(FEDERATION_REPLIES.notFederating());
  const following = await deps.federation.isFollowingRemote(member.id, handle);
  if (following === wantFollow)
    return reply(
      wantFollow ? FEDERATION_REPLIES.alreadyFollowing(handle) : FEDERATION_REPLIES.notFollowing(handle),
    );
  return reply(wantFollow ? FEDERATION_REPLIES.following(handle) : FEDERATION_REPLIES.unfollowed(handle), [
    { kind: 'setRemoteFollow', handle, memberId: member.id, following: wantFollow },
    {
      kind: 'putFederationTask',
      task: { type: wantFollow ? 'follow' : 'unfollow', id: deps.newId(), nick: member.nick, handle },
    },
  ]);
}
