import { digestText } from '../domain/digest.ts';
import { PermanentSendError } from '../domain/errors.ts';
import { stillDeliverable } from '../domain/recipients.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { Sender } from '../ports/sender.ts';
import type { SmsSafetyStore } from '../ports/sms-safety.ts';
import type { Store } from '../ports/store.ts';
import { recordOptOut } from './record-opt-out.ts';
import { DEFAULT_SMS_MAX_SEGMENTS, type SmsGate } from './sms-gate.ts';

export interface DigestDeps {
  store: Store;
  safety: SmsSafetyStore;
  /** The SMS sender (SNS deployed, the outbox locally). */
  sms: Sender;
  /** The same gate as the deliver function's: a digest counts against the day's SMS budget. */
  gate: SmsGate;
  maxSegments?: number;
  log: InfoLog;
}

export interface DigestOutcome {
  sent: number;
  /** Digests not sent: the member left or opted out, or the budget was used up. Their echoes are dropped. */
  dropped: number;
  /** Digests whose send failed; left in place for the next run. */
  failed: number;
}

/**
 * Sends every digest whose quiet window has ended by `now` (the scheduled digest function
 * deployed, a timer locally): ONE SMS per member channel with the echoes held meanwhile. A
 * digest is sent, then its echoes are cleared; a crash in between may repeat one digest,
 * never lose one. A failed send stays due and is tried again on the next run.
 */
export async function sendDueDigests(deps: DigestDeps, now: Date): Promise<DigestOutcome> {
  const outcome: DigestOutcome = { sent: 0, dropped: 0, failed: 0 };
  for (const due of await deps.safety.dueDigests(now)) {
    const all = await deps.safety.heldEchoes(due.memberId, due.channel);
    // Echoes of posts deleted while held are left out (one batched read per digest); cleared all the same.
    const gone = all.length > 0 ? await deps.store.deletedPosts(all.map((h) => h.postId)) : new Set<string>();
    const held = all.filter((h) => !gone.has(h.postId));
    if (held.length === 0) {
      await deps.safety.clearDigest(due, all);
      continue;
    }
    const member = await deps.store.memberById(due.memberId);
    const recipient = { memberId: due.memberId, channel: due.channel };
    if (!stillDeliverable(recipient, member)) {
      outcome.dropped++;
      await deps.safety.clearDigest(due, all);
      continue;
    }
    const text = digestText(
      held.map((h) => h.text),
      deps.maxSegments ?? DEFAULT_SMS_MAX_SEGMENTS,
    );
    const reserved = await deps.gate.reserve(text);
    if (!reserved.ok) {
      outcome.dropped++;
      deps.log('digest skipped by sms budget', { memberId: due.memberId, echoes: held.length });
      await deps.safety.clearDigest(due, all);
      continue;
    }
    try {
      await deps.sms.send({
        channel: due.channel,
        text,
        kind: 'reply',
        id: `digest:${due.dueAt}:${due.memberId}`,
      });
      outcome.sent++;
      deps.log('digest sent', { memberId: due.memberId, echoes: held.length });
      await deps.safety.clearDigest(due, all);
    } catch (err) {
      await reserved.release().catch(() => undefined);
      if (err instanceof PermanentSendError) {
        outcome.dropped++;
        if (err.reason === 'opted-out') await recordOptOut(deps.store, recipient, `digest:${due.dueAt}`, now);
        await deps.safety.clearDigest(due, all);
      } else {
        outcome.failed++;
        deps.log('digest failed', { memberId: due.memberId, error: String(err) });
      }
    }
  }
  return outcome;
}
