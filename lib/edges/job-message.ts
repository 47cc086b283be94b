import * as z from 'zod';
import { BadRequestError } from '../domain/errors.ts';
import type { Channel, DeliveryJob } from '../domain/types.ts';

const channel = z.custom<Channel>(
  (v) => typeof v === 'string' && /^[a-z]+:.+/.test(v),
  'channel must be kind:address',
);

const job = z.object({
  id: z.string().min(1),
  postId: z.string().min(1),
  text: z.string(),
  // A reply may go to a stranger (no member id); echoes always name their member.
  recipients: z.array(z.object({ memberId: z.string(), channel })).min(1),
  attempt: z.number().int().min(0),
  kind: z.enum(['echo', 'reply']).optional(),
});

/** A queue message body -> a job. A body that is not a job is a poison message: it throws. */
export function parseJobMessage(body: string): DeliveryJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequestError('queue message is not JSON');
  }
  const { kind, ...rest } = job.parse(value);
  if (kind !== 'reply' && rest.recipients.some((r) => r.memberId === ''))
    throw new Error('an echo job names every recipient’s member');
  return { ...rest, ...(kind ? { kind } : {}) };
}
