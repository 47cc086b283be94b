import type { Recipient } from '../domain/types.ts';
import type { Store } from '../ports/store.ts';

/**
 * A provider said the recipient refuses our messages (Telegram: "bot was blocked by the user";
 * an IM bridge: 410): that channel is opted out, exactly as if it had sent STOP, until it sends
 * START. Recorded like an inbound event, keyed by job, so a retried job records it once.
 */
export async function recordOptOut(
  store: Store,
  recipient: Recipient,
  jobId: string,
  now: Date,
): Promise<void> {
  const state = await store.channelState(recipient.channel);
  if (state?.optedOut) return;
  await store.commit({ key: `optout:${recipient.channel}:${jobId}`, at: now.toISOString() }, [
    {
      kind: 'setOptOut',
      channel: recipient.channel,
      optedOut: true,
      ...(recipient.memberId && state?.memberId === recipient.memberId
        ? { memberId: recipient.memberId }
        : {}),
    },
  ]);
}
