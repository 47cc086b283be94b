import { Duration, Validations } from 'aws-cdk-lib';
import { type DeadLetterQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface SecureQueueProps {
  readonly visibilityTimeout?: Duration;
  readonly retentionPeriod?: Duration;
  readonly deadLetterQueue?: DeadLetterQueue;
  /**
   * Set when this queue is itself a dead-letter / failure queue: it is where failed messages end up,
   * so it gets no DLQ of its own and the cdk-nag rule asking for one is acknowledged with this reason.
   */
  readonly isDeadLetterQueueFor?: string;
}

/** An SQS queue with SSE-SQS encryption and a policy that denies non-TLS requests. */
export const secureQueue = (scope: Construct, id: string, props: SecureQueueProps = {}): Queue => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
  });
  if (props.isDeadLetterQueueFor) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is the dead-letter destination for ${props.isDeadLetterQueueFor}; a DLQ of a DLQ would only move the same messages again. Its depth is alarmed and an operator redrives it.`,
    });
  }
  return queue;
};
