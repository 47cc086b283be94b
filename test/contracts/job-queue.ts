import { describe, expect, it } from 'vitest';
import type { DeliveryJob } from '../../lib/domain/types.ts';
import type { JobQueue } from '../../lib/ports/queue.ts';

export interface JobQueueHarness {
  queue: JobQueue;
  /** Ends the producer's invocation (a decorator sends what it buffered); a no-op otherwise. */
  settle(): Promise<void>;
  /** Every visible message on the queue behind the adapter, hidden for a minute once received. */
  receive(): Promise<Array<{ job: DeliveryJob; receipt: string }>>;
}

const job = (n: number): DeliveryJob => ({
  id: `https://bot/posts/contract#${n}`,
  postId: 'https://bot/posts/contract',
  text: `alice: post ${n}`,
  recipients: [{ memberId: `m${n}`, channel: `sms:+1555000${String(n).padStart(4, '0')}` }],
  attempt: 0,
});

/**
 * The behaviour every JobQueue adapter must have, written once as a function of an adapter
 * factory (after Fedify's `testMessageQueue`); `make` returns a harness on a fresh, empty queue.
 * Run from test/integration/job-queue.contract.test.ts.
 */
export function jobQueueContract(name: string, make: () => Promise<JobQueueHarness>) {
  describe(`JobQueue contract: ${name}`, () => {
    it('puts every job on the queue exactly once, as given, across batches of ten', async () => {
      const h = await make();
      const jobs = Array.from({ length: 23 }, (_, i) => job(i + 1));
      await h.queue.enqueue(jobs.slice(0, 5));
      await h.queue.enqueue(jobs.slice(5));
      await h.queue.enqueue([]);
      await h.settle();
      const got = (await h.receive()).map((m) => m.job);
      expect(got.map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());
      expect(got.find((j) => j.id === job(7).id)).toEqual(job(7));
    });

    it('makes a received job visible again when asked to retry it now', async () => {
      const h = await make();
      await h.queue.enqueue([job(1)]);
      await h.settle();
      const [first] = await h.receive();
      expect(first?.job.id).toBe(job(1).id);
      expect(await h.receive()).toEqual([]);
      await h.queue.retryLater(first?.receipt ?? '', 0);
      expect((await h.receive()).map((m) => m.job.id)).toEqual([job(1).id]);
    });
  });
}
