import { REPLIES } from '../../domain/replies/core.ts';
import { SAFETY_REPLIES } from '../../domain/replies/safety.ts';
import { charCount, MAX_POST_CHARS } from '../../domain/text.ts';
import type { Mutation } from '../../ports/store.ts';
import type { IngestDeps } from '../ingest-deps.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** Posts a member may make per UTC hour unless `ECHOBOT_POST_RATE_LIMIT` says otherwise. */
export const DEFAULT_POST_RATE_LIMIT = 30;

export function postRateLimit(deps: Pick<IngestDeps, 'postRateLimit'>): number {
  return deps.postRateLimit ?? DEFAULT_POST_RATE_LIMIT;
}

/**
 * Anything that is not a command: a post from a member, stored for the stream to fan out. The
 * post counts against the member's hourly limit in the same transaction (the store refuses it
 * with `rate-limited`, and ingest answers that); a retried webhook never reaches here twice.
 */
export async function post({ deps, member }: CommandContext, text: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  if (text === '') return reply(REPLIES.empty());
  const chars = charCount(text);
  if (chars > MAX_POST_CHARS) return reply(REPLIES.tooLong(chars));
  const id = `${deps.baseUrl.replace(/\/$/, '')}/posts/${deps.newId()}`;
  const at = deps.now();
  const now = at.toISOString();
  const limit = postRateLimit(deps);
  const mutations: Mutation[] = [
    { kind: 'putPost', post: { id, authorId: member.id, authorNick: member.nick, text, createdAt: now } },
  ];
  if (limit > 0) mutations.push({ kind: 'countPost', memberId: member.id, hour: now.slice(0, 13), limit });
  const day = now.slice(0, 10);
  const budget = deps.smsDailyBudget;
  if (
    budget !== undefined &&
    (await deps.store.smsUsedOn(day)) >= budget &&
    !(await deps.store.smsPausedNoticed(member.id, day))
  ) {
    mutations.push({ kind: 'markSmsPausedNotice', memberId: member.id, day });
    return { reply: SAFETY_REPLIES.smsPaused(), mutations, postId: id };
  }
  return { mutations, postId: id };
}
