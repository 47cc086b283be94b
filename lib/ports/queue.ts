import type { DeliveryJob } from '../domain/types.ts';

export interface JobQueue {
  /** Sends jobs in batches of ten; resolves only when every job is accepted, else throws. */
  enqueue(jobs: readonly DeliveryJob[], delaySeconds?: number): Promise<void>;
  /** Makes a received message visible again after `seconds` (retry backoff). */
  retryLater(receiptHandle: string, seconds: number): Promise<void>;
}
