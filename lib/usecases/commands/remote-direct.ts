import { handleAuthority } from '../../domain/handle.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { FEDERATION_REPLIES } from '../../domain/replies/federation.ts';
import { charCount, MAX_POST_CHARS } from '../../domain/text.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/**
 * `D carol@other.example text`: a direct message to a remote actor, sent as a Create(Note)
 * addressed only to that actor (no Public, no followers). The task commits with the message's
 * de-duplication record, so a retried webhook sends it once; the deliver function does the
 * WebFinger and the signed POST, with the queue's retries.
 */
export async function remoteDirect(ctx: CommandContext, handle: string, text: string): Promise<Decision> {
  const { deps, member } = ctx;
  if (!member) return reply(REPLIES.notMember());
  if (text === '') return reply(REPLIES.empty());
  const chars = charCount(text);
  if (chars > MAX_POST_CHARS) return reply(REPLIES.tooLong(chars));
  if (handleAuthority(handle) === new URL(deps.baseUrl).host)
    return reply(`${handle} is on this bot: text D ${handle.slice(0, handle.indexOf('@'))} <message>.`);
  if (!deps.federation) return reply(FEDERATION_REPLIES.notFederating());
  const id = deps.newId();
  return reply(FEDERATION_REPLIES.directSent(handle), [
    {
      kind: 'putFederationTask',
      task: {
        type: 'direct',
        id,
        nick: member.nick,
        handle,
        text,
        noteId: `${deps.baseUrl.replace(/\/$/, '')}/users/${member.nick}/direct/${id}`,
      },
    },
  ]);
}
