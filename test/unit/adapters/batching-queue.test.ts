import { describe, expect, it } from 'vitest';
import { BatchingQueue } from '../../../lib/adapters/batching-queue.ts';
import type { DeliveryJob } from '../../../lib/domain/types.ts';
import type { JobQueue } from '../../../lib/ports/queue.ts';

const job = (id: string): DeliveryJob => ({ id, postId: 'p', text: 't', recipients: [], attempt: 0 });

function recordingQueue(failOnCall?: number) {
  const calls: string[][] = [];
  const queue: JobQueue = {
    enqueue: async (jobs) => {
      calls.push(jobs.map((j) => j.id));
      if (calls.length === failOnCall) throw new Error('SQS down');
    },
    retryLater: async () => undefined,
  };
  return { queue, calls };
}

describe('BatchingQueue (one fanout invocation’s sends)', () => {
  it('packs the jobs of consecutive records into full batches of ten, the rest on flush', async () => {
    const { queue, calls } = recordingQueue();
    const b = new BatchingQueue(queue);
    for (let r = 0; r < 7; r++) {
      b.startRecord(`r${r}`);
      await b.enqueue([job(`${r}a`), job(`${r}b`)]);
    }
    await b.flush();
    expect(calls.map((c) => c.length)).toEqual([10, 4]);
    expect(b.failedRecords.size).toBe(0);
  });

  it('a failed send fails every record that had a job in it, and only those', async () => {
    const { queue } = recordingQueue(1);
    const b = new BatchingQueue(queue);
    for (let r = 0; r < 6; r++) {
      b.startRecord(`r${r}`);
      await b.enqueue([job(`${r}a`), job(`${r}b`)]);
    }
    await b.flush();
    expect([...b.failedRecords].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});
