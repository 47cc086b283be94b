import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import * as z from 'zod';
import { OutboxAlerter } from '../../lib/adapters/outbox-alerter.ts';
import { readOutbox } from '../../lib/adapters/outbox-sender.ts';
import { SnsAlerter } from '../../lib/adapters/sns-alerter.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { alerterContract } from '../contracts/alerter.ts';
import { uniqueName } from '../support/aws-local.ts';
import { eventually } from '../support/poll.ts';

/** An SNS notification as an SQS subscriber (not raw delivery) receives it. */
const notification = z.object({ Subject: z.string(), Message: z.string() });

// The Alerter port: the stack's SNS alert topic (fauxqs here, read through an SQS subscription) and the local node's outbox.
alerterContract('SNS topic (fauxqs)', async () => {
  const endpoint = inject('fauxqsEndpoint');
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint });
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
  const name = uniqueName('alerts');
  const topic = await sns.send(new CreateTopicCommand({ Name: name }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = queue.QueueUrl ?? '';
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn }),
  );
  const got: Array<{ id: string; text: string }> = [];

  return {
    alerter: new SnsAlerter(sns, topic.TopicArn ?? ''),
    received: async () => {
      // Reads until the two alerts the contract sends arrived (then checks there is no third).
      const read = async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        for (const m of out.Messages ?? []) {
          const n = notification.parse(JSON.parse(m.Body ?? ''));
          got.push({ id: m.MessageId ?? '', text: `${n.Subject}: ${n.Message}` });
        }
        return got.length;
      };
      await eventually(read, (n) => n >= 2, 'two alerts on the subscribed queue');
      await read();
      return got.map((g) => g.text);
    },
  };
});

alerterContract('outbox file (local node)', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'alerts-')), 'outbox.jsonl');
  return {
    alerter: new OutboxAlerter(file),
    received: async () => (await readOutbox(file)).map((l) => l.text),
  };
});
