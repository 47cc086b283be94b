import { FEDERATION_REPLIES } from '../../domain/federation-replies.ts';
import { REPLIES } from '../../domain/format.ts';
import { handleAuthority, handleNick } from '../../domain/handle.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';
import { follow } from './follow.ts';

/**
 * How a FOLLOW of a remote handle travels. `activitypub` (the default): WebFinger, Follow,
 * Accept, straight to the author's server. `peers`: the peer network carries it (interest
 * registration with super-peers); the peers side supplies `followViaPeers`.
 */
export type FollowRoute = 'activitypub' | 'peers';

/** The seam: which way a follow of `handle` goes. Defaults to ActivityPub for every handle. */
export type FollowVia = (handle: string) => Promise<FollowRoute>;

export const followViaActivityPub: FollowVia = async () => 'activitypub';

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
  const route = await (deps.followVia ?? followViaActivityPub)(handle);
  if (route === 'peers' && deps.followViaPeers) return deps.followViaPeers(ctx, handle, wantFollow);
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
