import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsQueueDepth } from '../../lib/adapters/sqs-queue-depth.ts';
import { freshQueue } from '../support/aws-local.ts';
import { eventually } from '../support/poll.ts';

describe('queue depth for the status page (SQS emulator)', () => {
  it('reports waiting, in-flight and dead-lettered messages', async () => {
    const { sqs, queueUrl, dlqUrl } = await freshQueue();
    const depth = new SqsQueueDepth(sqs, queueUrl, dlqUrl);
    expect(await depth.depths()).toEqual({ queued: 0, inFlight: 0, deadLetters: 0 });
    for (const body of ['a', 'b', 'c'])
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'dead' }));
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }),
    );
    await eventually(
      () => depth.depths(),
      (d) => d.queued === 2 && d.inFlight === 1 && d.deadLetters === 1,
      'queue depths to show 2 waiting, 1 in flight, 1 dead letter',
    );
  });
});
