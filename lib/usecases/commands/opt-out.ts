import { REPLIES } from '../../domain/replies/core.ts';
import { type CommandContext, type Decision, memberIdOf, reply } from './decision.ts';

/** STOP and its synonyms: one confirmation; a second STOP is silent (already opted out). */
export async function stop({ channel, member, optedOut }: CommandContext): Promise<Decision> {
  if (optedOut) return { mutations: [] };
  return reply(REPLIES.stopped(), [{ kind: 'setOptOut', channel, optedOut: true, ...memberIdOf(member) }]);
}

export async function start({ channel, member, optedOut }: CommandContext): Promise<Decision> {
  return reply(
    member ? REPLIES.started() : REPLIES.startedStranger(),
    optedOut ? [{ kind: 'setOptOut', channel, optedOut: false, ...memberIdOf(member) }] : [],
  );
}
