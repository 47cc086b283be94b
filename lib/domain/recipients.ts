import { echoChannels } from './echo-channels.ts';
import type { Channel, DeliveryJob, Member, Recipient } from './types.ts';

/**
 * Echo mode: every other member gets the post, except the author, members who unfollowed the
 * author, and channels that opted out. Called once per page of members, so reads scale with
 * pages, not with recipients.
 */
export function recipientsOf(authorId: string, members: readonly Member[], mutedBy: ReadonlySet<string>) {
  const out: Recipient[] = [];
  for (const m of members) {
    if (m.id === authorId || mutedBy.has(m.id)) continue;
    for (const channel of echoChannels(m)) out.push({ memberId: m.id, channel });
  }
  return out;
}

export function activeChannels(member: Member): Channel[] {
  const stopped = new Set(member.optedOut);
  return member.channels.filter((c) => !stopped.has(c));
}

/** Recipients per delivery job: big enough that SQS calls per echo stay far below 0.01 at 10 jobs a batch. */
export const RECIPIENTS_PER_JOB = 100;

/** Splits recipients into jobs with deterministic ids (`<post id>#<chunk>`). */
export function toJobs(postId: string, text: string, recipients: readonly Recipient[], startChunk = 0) {
  const jobs: DeliveryJob[] = [];
  for (let i = 0; i < recipients.length; i += RECIPIENTS_PER_JOB) {
    const chunk = startChunk + i / RECIPIENTS_PER_JOB;
    jobs.push({
      id: `${postId}#${chunk}`,
      postId,
      text,
      recipients: recipients.slice(i, i + RECIPIENTS_PER_JOB),
      attempt: 0,
    });
  }
  return jobs;
}

/**
 * Still deliverable at send time? STOP is honoured at once: a job queued before the STOP
 * arrived must not reach that channel.
 */
export function stillDeliverable(recipient: Recipient, member: Member | undefined): boolean {
  if (!member) return false;
  return member.channels.includes(recipient.channel) && !member.optedOut.includes(recipient.channel);
}
