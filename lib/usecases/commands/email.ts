import { randomInt, timingSafeEqual } from 'node:crypto';
import { channelOf, splitChannel } from '../../domain/channel.ts';
import { CHANNEL_REPLIES } from '../../domain/replies/channel.ts';
import { REPLIES } from '../../domain/replies/core.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/** A code works for an hour; at most 3 are mailed per member per hour, and 5 wrong tries void it. */
const CODE_TTL_MS = 3600_000;
const CODES_PER_HOUR = 3;
const MAX_ATTEMPTS = 5;

const emailChannelOf = (channels: readonly string[]) => channels.find((c) => c.startsWith('email:'));

/** `EMAIL you@example.com`: mails a 6-digit code; the address becomes a channel once confirmed. */
export async function email({ deps, member }: CommandContext, address: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const current = emailChannelOf(member.channels);
  if (current) return reply(CHANNEL_REPLIES.alreadyEmail(current.slice('email:'.length)));
  const channel = channelOf('email', address);
  const owner = (await deps.store.channelState(channel))?.memberId;
  if (owner && owner !== member.id) return reply(CHANNEL_REPLIES.emailTaken());
  const now = deps.now();
  const pending = await deps.store.pendingEmail(member.id);
  const recent = (pending?.sentAt ?? []).filter((t) => now.getTime() - Date.parse(t) < 3600_000);
  if (recent.length >= CODES_PER_HOUR) return reply(CHANNEL_REPLIES.tooManyCodes());
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return reply(CHANNEL_REPLIES.codeSent(address), [
    {
      kind: 'putEmailCode',
      pending: {
        memberId: member.id,
        email: address,
        code,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
        attempts: 0,
        sentAt: [...recent, now.toISOString()],
      },
    },
    // The code goes by mail, durably, through the same deliver path as every echo.
    {
      kind: 'putOutbound',
      outbound: {
        id: `code:${deps.newId()}`,
        channel,
        text: CHANNEL_REPLIES.codeMail(code),
        memberId: member.id,
      },
    },
  ]);
}

/** `EMAIL CONFIRM 123456` (or `EMAIL 123456`). */
export async function emailConfirm({ deps, member }: CommandContext, code: string): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const pending = await deps.store.pendingEmail(member.id);
  const now = deps.now().getTime();
  if (!pending || Date.parse(pending.expiresAt) <= now || pending.attempts >= MAX_ATTEMPTS)
    return reply(CHANNEL_REPLIES.noCode());
  if (!timingSafeEqual(Buffer.from(pending.code), Buffer.from(code))) {
    const attempts = pending.attempts + 1;
    return reply(CHANNEL_REPLIES.wrongCode(MAX_ATTEMPTS - attempts), [
      { kind: 'putEmailCode', pending: { ...pending, attempts } },
    ]);
  }
  const channel = channelOf('email', pending.email);
  if (member.channels.includes(channel)) return reply(CHANNEL_REPLIES.alreadyEmail(pending.email));
  if (emailChannelOf(member.channels))
    return reply(CHANNEL_REPLIES.alreadyEmail(splitChannel(channel).address));
  const owner = (await deps.store.channelState(channel))?.memberId;
  if (owner) return reply(CHANNEL_REPLIES.emailTaken());
  return reply(CHANNEL_REPLIES.emailConfirmed(pending.email), [
    { kind: 'addChannel', memberId: member.id, channel, optedOut: false },
    { kind: 'deleteEmailCode', memberId: member.id },
  ]);
}

/** `EMAIL OFF`: the address stops being a channel. */
export async function emailOff({ member }: CommandContext): Promise<Decision> {
  if (!member) return reply(REPLIES.notMember());
  const index = member.channels.findIndex((c) => c.startsWith('email:'));
  const channel = member.channels[index];
  if (index < 0 || !channel) return reply(CHANNEL_REPLIES.noEmail());
  return reply(CHANNEL_REPLIES.emailOff(splitChannel(channel).address), [
    { kind: 'removeChannel', memberId: member.id, channel, index },
  ]);
}
