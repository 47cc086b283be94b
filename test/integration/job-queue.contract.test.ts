import { BatchingQueue } from '../../lib/adapters/batching-queue.ts';
import { SqsJobQueue } from '../../lib/adapters/sqs-queue.ts';
import { jobQueueContract } from '../contracts/job-queue.ts';
import { freshQueue } from '../support/aws-local.ts';
import { receiveAll } from '../support/sqs-helpers.ts';

// The JobQueue port: SQS (fauxqs here, as on the local node), and the fanout's batching decorator over it.
jobQueueContract('SQS (fauxqs)', async () => {
  const q = await freshQueue();
  return {
    queue: new SqsJobQueue(q.sqs, q.queueUrl),
    settle: async () => undefined,
    receive: () => receiveAll(q.sqs, q.queueUrl),
  };
});

jobQueueContract('BatchingQueue over SQS (fauxqs)', async () => {
  const q = await freshQueue();
  const queue = new BatchingQueue(new SqsJobQueue(q.sqs, q.queueUrl));
  return {
    queue,
    settle: async () => {
      await queue.flush();
      if (queue.failedRecords.size > 0) throw new Error('jobs not accepted');
    },
    receive: () => receiveAll(q.sqs, q.queueUrl),
  };
});
