import { postRefOf } from '../../domain/member-commands.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { localEntry } from '../../domain/timeline.ts';
import type { Mutation } from '../../ports/store.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/**
 * `DELETE` / `DEL`: the member's last post, or `DELETE <post id>`. The post is tombstoned and
 * taken off the pages and feeds in the command's own commit (so `/posts/<id>` answers 410 and
 * deliver skips its echoes not yet sent), and a federation task sends a `Delete` to the servers
 * the Create went to. A post already deleted is no longer found, so a second DELETE changes nothing.
 */
export async function deletePost(
  { deps, member }: CommandContext,
  ref: string | undefined,
): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const base = deps.baseUrl.replace(/\/$/, '');
  let postId: string;
  if (ref === undefined) {
    const latest = await deps.store.latestPost(member.id);
    if (!latest) return reply(MEMBER_REPLIES.noPostToDelete());
    postId = latest.id;
  } else {
    postId = `${base}/posts/${postRefOf(ref) ?? ''}`;
  }
  const post = await deps.store.getPost(postId);
  if (!post) return reply(MEMBER_REPLIES.noSuchPost(ref ?? postId));
  if (post.authorId !== member.id) return reply(MEMBER_REPLIES.notYourPost());
  // A local post's index keys follow from the post itself (posts from before the id lookup existed too).
  const entry = localEntry(post);
  const at = deps.now().toISOString();
  const mutations: Mutation[] = [{ kind: 'deletePost', postId, at, entry }];
  if (deps.federation)
    mutations.push({
      kind: 'putFederationTask',
      // The post's own nick: the Delete's actor must be the Create's.
      task: {
        type: 'deletePost',
        id: `delete:${postId}`,
        postId,
        memberId: member.id,
        nick: post.authorNick,
      },
    });
  return reply(MEMBER_REPLIES.postDeleted(post.text), mutations);
}
