import { splitChannel } from '../domain/channel.ts';
import { SMS_REPLIES } from '../domain/replies/sms.ts';
import { type DeliveryReceipt, UNREACHABLE_AFTER } from '../domain/sms-receipts.ts';
import type { Channel } from '../domain/types.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { JobQueue } from '../ports/queue.ts';
import type { ReceiptRecorded, SmsDeliveryState, SmsReceiptStore } from '../ports/sms-receipts.ts';
import type { Store } from '../ports/store.ts';

export interface SmsReceiptDeps {
  receipts: SmsReceiptStore;
  /** The member's other channels, told when their number becomes unreachable. */
  store: Pick<Store, 'memberById'>;
  queue: JobQueue;
  log: InfoLog;
  metrics?: Metrics;
  /** Parts the provider counted beyond what was charged at send time, added to that day's budget. */
  chargeParts?: (day: string, parts: number) => Promise<void>;
  /** A final state was recorded (locally: the outbox file's copy gets it). */
  onFinal?: (sms: SmsDeliveryState) => Promise<void>;
  /** Permanent failures in a row that make a number unreachable (default 3). */
  unreachableAfter?: number;
}

/**
 * A delivery receipt, from whichever provider (a Twilio status callback, an AWS End User
 * Messaging SMS event): recorded against the SMS it names, once. Unknown ids and duplicates
 * change nothing. The first final receipt counts for the day, charges any extra parts to the
 * budget, and when a number has failed for good `unreachableAfter` times in a row, the member is
 * told on another channel (if they have one) that SMS to it have stopped.
 */
export async function recordSmsEvent(
  deps: SmsReceiptDeps,
  receipt: DeliveryReceipt,
): Promise<ReceiptRecorded> {
  const result = await deps.receipts.recordReceipt(receipt);
  if (result.result !== 'recorded') {
    deps.log('sms receipt', { messageId: receipt.messageId, result: result.result });
    return result;
  }
  const { sms } = result;
  deps.metrics?.sms?.(sms.state === 'delivered' ? 'delivered' : 'failed');
  deps.log('sms receipt', {
    messageId: sms.messageId,
    result: 'recorded',
    state: sms.state,
    ...(sms.errorCode ? { errorCode: sms.errorCode } : {}),
  });
  if (result.extraParts > 0 && deps.chargeParts)
    await deps
      .chargeParts(sms.at.slice(0, 10), result.extraParts)
      .catch((err: unknown) => deps.log('sms parts not charged', { error: String(err) }));
  if (deps.onFinal)
    await deps.onFinal(sms).catch((err: unknown) => deps.log('sms state not copied', { error: String(err) }));
  const limit = deps.unreachableAfter ?? UNREACHABLE_AFTER;
  // Exactly at the limit, so the member is told once per streak.
  if (sms.state === 'failed' && result.failStreak === limit) await tellUnreachable(deps, sms, limit);
  return result;
}

async function tellUnreachable(deps: SmsReceiptDeps, sms: SmsDeliveryState, fails: number): Promise<void> {
  deps.log('sms number unreachable', { memberId: sms.memberId, fails });
  const member = sms.memberId ? await deps.store.memberById(sms.memberId) : undefined;
  const other: Channel | undefined = member?.channels.find(
    (c) => splitChannel(c).kind !== 'sms' && !member.optedOut.includes(c),
  );
  if (!member || !other) return;
  const id = `sms-unreachable:${sms.channel}:${sms.messageId}`;
  await deps.queue.enqueue([
    {
      id,
      postId: id,
      text: SMS_REPLIES.unreachable(fails),
      recipients: [{ memberId: member.id, channel: other }],
      attempt: 0,
      kind: 'reply',
    },
  ]);
}

/** The number texted the bot: it is reachable again, its failure streak starts over. */
export async function smsTextedIn(receipts: SmsReceiptStore, channel: Channel): Promise<void> {
  if (splitChannel(channel).kind !== 'sms') return;
  if ((await receipts.consecutiveFailures(channel)) > 0) await receipts.resetFailures(channel);
}
