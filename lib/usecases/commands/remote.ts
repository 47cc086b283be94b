import { MEMBER_REPLIES } from '../../domain/member-replies.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/**
 * `D nick@domain <text>`: a direct message to someone on another bot. A stub until federation
 * lands: it says so clearly and changes nothing.
 */
export async function remoteDirect(_ctx: CommandContext, handle: string, _text: string): Promise<Decision> {
  return reply(MEMBER_REPLIES.remoteDirect(handle));
}
