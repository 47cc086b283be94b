import { randomInt } from 'node:crypto';
import { LINK_ALPHABET, LINK_CODE_LENGTH } from '../../domain/channel-commands.ts';
import { CHANNEL_REPLIES } from '../../domain/replies/channel.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

const LINK_TTL_MS = 15 * 60_000;

/** `LINK`: a one-time code, good for 15 minutes, that joins another channel to this member. */
export async function link({ deps, member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const code = Array.from(
    { length: LINK_CODE_LENGTH },
    () => LINK_ALPHABET[randomInt(LINK_ALPHABET.length)],
  ).join('');
  return reply(CHANNEL_REPLIES.linkCode(code, member.nick), [
    {
      kind: 'putLinkCode',
      link: {
        code,
        memberId: member.id,
        expiresAt: new Date(deps.now().getTime() + LINK_TTL_MS).toISOString(),
      },
    },
  ]);
}

/** `LINK <code>` from another channel: that channel now belongs to the code's member too. */
export async function linkUse(
  { deps, channel, member, optedOut }: CommandContext,
  code: string,
): Promise<Decision> {
  const found = await deps.store.linkCode(code);
  const valid = found && Date.parse(found.expiresAt) > deps.now().getTime() ? found : undefined;
  if (member) {
    return reply(
      valid?.memberId === member.id
        ? CHANNEL_REPLIES.linkedAlready()
        : CHANNEL_REPLIES.linkOther(member.nick),
    );
  }
  const target = valid ? await deps.store.memberById(valid.memberId) : undefined;
  if (!valid || !target) return reply(CHANNEL_REPLIES.linkUnknown());
  return reply(CHANNEL_REPLIES.linked(target.nick), [
    { kind: 'addChannel', memberId: target.id, channel, optedOut },
    { kind: 'deleteLinkCode', code },
  ]);
}
