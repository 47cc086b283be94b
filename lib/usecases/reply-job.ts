import type { DeliveryJob } from '../domain/types.ts';
import type { OutboundRecord } from '../ports/store.ts';

/**
 * A durable reply (or confirmation code) -> a one-recipient delivery job. The id is derived from
 * the outbound record's, so a re-delivered stream record is de-duplicated by the deliver side.
 */
export function replyJob(outbound: OutboundRecord): DeliveryJob {
  return {
    id: `reply:${outbound.id}`,
    postId: outbound.id,
    text: outbound.text,
    recipients: [{ memberId: outbound.memberId ?? '', channel: outbound.channel }],
    attempt: 0,
    kind: 'reply',
  };
}
