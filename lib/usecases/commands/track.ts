import { REPLIES } from '../../domain/replies/core.ts';
import { MAX_TRACKS, MEMBER_REPLIES } from '../../domain/replies/member.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** `TRACK <word>` / `UNTRACK <word>`: at most MAX_TRACKS words a member. */
export async function track({ member }: CommandContext, word: string, on: boolean): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const tracks = member.tracks ?? [];
  const has = tracks.includes(word);
  if (has === on) return reply(on ? MEMBER_REPLIES.alreadyTracking(word) : MEMBER_REPLIES.notTracking(word));
  if (on && tracks.length >= MAX_TRACKS) return reply(MEMBER_REPLIES.tooManyTracks());
  return reply(on ? MEMBER_REPLIES.tracking(word) : MEMBER_REPLIES.untracked(word), [
    { kind: 'setTrack', memberId: member.id, word, tracked: on },
  ]);
}
