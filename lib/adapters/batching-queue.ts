import type { DeliveryJob } from '../domain/types.ts';
import type { JobQueue } from '../ports/queue.ts';

const BATCH = 10;

/**
 * One fanout invocation's view of the delivery queue: jobs from consecutive stream records
 * share SendMessageBatch calls (ten jobs each), so a batch of small posts costs one SQS request
 * per ten jobs, not one per post. A send that fails marks every record whose jobs were in it,
 * so the caller fails those records (and the stream retries them; job ids are deterministic
 * and the deliver side de-duplicates). Delayed jobs go straight through.
 */
export class BatchingQueue implements JobQueue {
  private buffer: Array<{ job: DeliveryJob; record: string }> = [];
  private current = '';
  /** Records at least one of whose jobs SQS did not accept. */
  readonly failedRecords = new Set<string>();

  constructor(private readonly queue: JobQueue) {}

  /** Jobs enqueued from now on belong to this record (its stream sequence number). */
  startRecord(record: string): void {
    this.current = record;
  }

  async enqueue(jobs: readonly DeliveryJob[], delaySeconds = 0): Promise<void> {
    if (delaySeconds > 0) return this.queue.enqueue(jobs, delaySeconds);
    for (const job of jobs) this.buffer.push({ job, record: this.current });
    while (this.buffer.length >= BATCH) await this.send(this.buffer.splice(0, BATCH));
  }

  retryLater(receiptHandle: string, seconds: number): Promise<void> {
    return this.queue.retryLater(receiptHandle, seconds);
  }

  /** Sends what is left (fewer than ten jobs); call once at the end of the invocation. */
  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.send(this.buffer.splice(0));
  }

  private async send(entries: Array<{ job: DeliveryJob; record: string }>): Promise<void> {
    try {
      await this.queue.enqueue(entries.map((e) => e.job));
    } catch {
      for (const e of entries) this.failedRecords.add(e.record);
    }
  }
}
