import { REPLIES } from '../../domain/format.ts';
import { charCount, MAX_POST_CHARS } from '../../domain/text.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** Anything that is not a command: a post from a member, stored for the stream to fan out. */
export async function post({ deps, member }: CommandContext, text: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  if (text === '') return reply(REPLIES.empty());
  const chars = charCount(text);
  if (chars > MAX_POST_CHARS) return reply(REPLIES.tooLong(chars));
  const id = `${deps.baseUrl.replace(/\/$/, '')}/posts/${deps.newId()}`;
  const now = deps.now().toISOString();
  return {
    mutations: [
      { kind: 'putPost', post: { id, authorId: member.id, authorNick: member.nick, text, createdAt: now } },
    ],
    postId: id,
  };
}
