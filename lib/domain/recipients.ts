import { echoChannels } from './echo-channels.ts';
import type { BotMode } from './member-commands.ts';
import type { Channel, DeliveryJob, Member, Recipient } from './types.ts';

/** What decides who gets one post, read once per post (the members themselves come a page at a time). */
export interface EchoRules {
  mode: BotMode;
  /** Members who unfollowed the author (echo mode's exceptions). */
  muted: ReadonlySet<string>;
  /** Members who explicitly follow the author (follow mode's only recipients). */
  followers: ReadonlySet<string>;
  /** Members who paused this author (`OFF <nick>`): still followers, no echoes. */
  paused: ReadonlySet<string>;
  /** Members who blocked the author: never, on any path. */
  blockedBy: ReadonlySet<string>;
  /** The post's words, lower case (TRACK matches whole words). */
  words: ReadonlySet<string>;
}

export const noRules = (mode: BotMode = 'echo'): EchoRules => ({
  mode,
  muted: new Set(),
  followers: new Set(),
  paused: new Set(),
  blockedBy: new Set(),
  words: new Set(),
});

/**
 * Whether `member` gets a post by `authorId`. Never the author, a member who turned delivery OFF,
 * or one who blocked the author. A tracked word brings the post whatever else holds (unfollowed,
 * paused, follow mode). Otherwise: echo mode sends unless the member unfollowed or paused the
 * author; follow mode sends only to explicit, unpaused followers.
 */
export function wantsPost(member: Member, authorId: string, rules: EchoRules): boolean {
  if (member.id === authorId || member.off || rules.blockedBy.has(member.id)) return false;
  if (member.tracks?.some((w) => rules.words.has(w))) return true;
  const following = rules.mode === 'echo' ? !rules.muted.has(member.id) : rules.followers.has(member.id);
  return following && !rules.paused.has(member.id);
}

/**
 * The recipients among one page of members: `wantsPost`, then each member's echo channels
 * (opted-out channels never). Called once per page, so reads scale with pages, not recipients.
 */
export function echoRecipients(authorId: string, members: readonly Member[], rules: EchoRules): Recipient[] {
  const out: Recipient[] = [];
  for (const m of members) {
    if (!wantsPost(m, authorId, rules)) continue;
    for (const channel of echoChannels(m)) out.push({ memberId: m.id, channel });
  }
  return out;
}

/** Echo mode with only unfollows as exceptions (the rules before the full command set). */
export function recipientsOf(authorId: string, members: readonly Member[], mutedBy: ReadonlySet<string>) {
  return echoRecipients(authorId, members, { ...noRules(), muted: mutedBy });
}

export function activeChannels(member: Member): Channel[] {
  const stopped = new Set(member.optedOut);
  return member.channels.filter((c) => !stopped.has(c));
}

/** Recipients per delivery job: big enough that SQS calls per echo stay far below 0.01 at 10 jobs a batch. */
export const RECIPIENTS_PER_JOB = 100;

/**
 * Splits recipients into jobs with deterministic ids (`<post id>#<chunk>`). `epoch`: the delivery
 * epoch read before the recipients were (see `DeliveryJob.epoch`).
 */
export function toJobs(
  postId: string,
  text: string,
  recipients: readonly Recipient[],
  startChunk = 0,
  epoch?: number,
) {
  const jobs: DeliveryJob[] = [];
  for (let i = 0; i < recipients.length; i += RECIPIENTS_PER_JOB) {
    const chunk = startChunk + i / RECIPIENTS_PER_JOB;
    jobs.push({
      id: `${postId}#${chunk}`,
      postId,
      text,
      recipients: recipients.slice(i, i + RECIPIENTS_PER_JOB),
      attempt: 0,
      ...(epoch !== undefined ? { epoch } : {}),
    });
  }
  return jobs;
}

/**
 * Still deliverable at send time? STOP (and OFF) are honoured at once: a job queued before the STOP
 * arrived must not reach that channel.
 */
export function stillDeliverable(recipient: Recipient, member: Member | undefined): boolean {
  if (!member || member.off) return false;
  return member.channels.includes(recipient.channel) && !member.optedOut.includes(recipient.channel);
}
