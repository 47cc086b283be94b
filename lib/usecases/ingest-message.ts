import { parseCommand } from '../domain/commands.ts';
import type { InboundMessage } from '../domain/inbound-message.ts';
import { REPLIES } from '../domain/replies/core.ts';
import { MEMBER_REPLIES } from '../domain/replies/member.ts';
import { SAFETY_REPLIES } from '../domain/replies/safety.ts';
import { cleanText } from '../domain/text.ts';
import type { Mutation } from '../ports/store.ts';
import { answersWhileOptedOut, decide } from './commands/index.ts';
import { postRateLimit } from './commands/post.ts';
import type { IngestDeps } from './ingest-deps.ts';

export interface IngestResult {
  /** What to answer the sender, if anything. */
  reply?: string;
  duplicate: boolean;
  postId?: string;
}

function replyOf(reply: string | undefined): { reply?: string } {
  return reply === undefined ? {} : { reply };
}

/**
 * Applies one inbound message: a command acts, anything else from a member is a post. The
 * message's changes and its de-duplication record commit together, so a webhook retried five
 * times is one post and one reply. Fanout happens later, off the table's stream.
 */
export async function ingestMessage(deps: IngestDeps, msg: InboundMessage): Promise<IngestResult> {
  const key = `${msg.provider}:${msg.messageId}`;
  const { prior, state, member } = await deps.store.ingestReads(key, msg.channel);
  if (prior) return { ...replyOf(prior.reply), duplicate: true };

  const optedOut = state?.optedOut ?? false;
  const command = parseCommand(cleanText(msg.text));
  const decision = await decide({ deps, channel: msg.channel, member, optedOut }, command);
  // An opted-out channel hears nothing but the answers carriers require.
  const reply = optedOut && !answersWhileOptedOut(command) ? undefined : decision.reply;

  const at = deps.now().toISOString();
  const result = await deps.store.commit({ key, at, ...replyOf(reply) }, [
    ...decision.mutations,
    ...channelMutations(msg, key, reply, member?.id),
  ]);
  if (result.ok)
    return { ...replyOf(reply), duplicate: false, ...(decision.postId ? { postId: decision.postId } : {}) };
  if (result.reason === 'duplicate') {
    const raced = await deps.store.getInbound(key);
    return { ...replyOf(raced?.reply), duplicate: true };
  }
  // A JOIN (or NICK) lost a race for a nick or a channel, or a post was over the rate limit:
  // record the refusal (and nothing else) so a retry answers the same.
  const refusal =
    result.reason === 'rate-limited'
      ? SAFETY_REPLIES.rateLimited(
          postRateLimit(deps),
          `${String((deps.now().getUTCHours() + 1) % 24).padStart(2, '0')}:00`,
        )
      : result.reason === 'nick-taken' && command.kind === 'join'
        ? REPLIES.nickTaken(command.nick)
        : result.reason === 'nick-taken' && command.kind === 'nick'
          ? MEMBER_REPLIES.nickTaken(command.nick)
          : REPLIES.channelTaken();
  const again = await deps.store.commit(
    { key, at, reply: refusal },
    channelMutations(msg, key, refusal, member?.id),
  );
  if (!again.ok) return { ...replyOf((await deps.store.getInbound(key))?.reply), duplicate: true };
  return { reply: refusal, duplicate: false };
}

/** What the channel itself adds to a message's commit: the queued reply and the IM callback. */
function channelMutations(
  msg: InboundMessage,
  key: string,
  reply: string | undefined,
  memberId: string | undefined,
): Mutation[] {
  const out: Mutation[] = [];
  if (msg.callback) out.push({ kind: 'setCallback', channel: msg.channel, url: msg.callback });
  if (msg.replyBy === 'queue' && reply !== undefined)
    out.push({
      kind: 'putOutbound',
      outbound: { id: key, channel: msg.channel, text: reply, ...(memberId ? { memberId } : {}) },
    });
  return out;
}
