import { DEFAULT_ZONE, hh, localMinutes, type QuietHours } from '../../domain/quiet-hours.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { SAFETY_REPLIES } from '../../domain/replies/safety.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** QUIET 22-7: no SMS echoes in those hours of the member's zone; they come as one digest after. */
export async function quiet({ deps, member }: CommandContext, window: QuietHours): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const { tz = DEFAULT_ZONE } = await deps.store.safetySettings(member.id);
  return reply(SAFETY_REPLIES.quietSet(window, tz), [
    { kind: 'setQuiet', memberId: member.id, quiet: window },
  ]);
}

export async function quietOff({ member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  return reply(SAFETY_REPLIES.quietOff(), [{ kind: 'setQuiet', memberId: member.id, quiet: null }]);
}

/** QUIET alone: what is set now. */
export async function quietShow({ deps, member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const { quiet: window, tz = DEFAULT_ZONE } = await deps.store.safetySettings(member.id);
  return reply(window ? SAFETY_REPLIES.quietShow(window, tz) : SAFETY_REPLIES.quietNone(tz));
}

/** TZ <zone>: the zone quiet hours are read in (already validated by the parser). */
export async function timeZone({ deps, member }: CommandContext, tz: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const minutes = localMinutes(deps.now(), tz);
  const local = `${hh(Math.floor(minutes / 60)).slice(0, 3)}${String(minutes % 60).padStart(2, '0')}`;
  return reply(SAFETY_REPLIES.timeZone(tz, local), [{ kind: 'setTimeZone', memberId: member.id, tz }]);
}
