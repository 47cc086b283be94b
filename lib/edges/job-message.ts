import { z } from 'zod';
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
  recipients: z.array(z.object({ memberId: z.string().min(1), channel })).min(1),
  attempt: z.number().int().min(0),
});

/** A queue message body -> a job. A body that is not a job is a poison message: it throws. */
export function parseJobMessage(body: string): DeliveryJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequestError('queue message is not JSON');
  }
  return job.parse(value);
}
