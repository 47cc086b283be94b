import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth } from '../ports/queue-depth.ts';

/** Queue depths from GetQueueAttributes (approximate, as SQS reports them). */
export class SqsQueueDepth implements QueueDepth {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly dlqUrl: string,
  ) {}

  async depths() {
    const [main, dlq] = await Promise.all([this.attributes(this.queueUrl), this.attributes(this.dlqUrl)]);
    return {
      queued: main.visible + main.delayed,
      inFlight: main.notVisible,
      deadLetters: dlq.visible + dlq.delayed + dlq.notVisible,
    };
  }

  private async attributes(QueueUrl: string) {
    const { Attributes: a = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      notVisible: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }
}
