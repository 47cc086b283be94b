import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryJob } from '../domain/types.ts';
import { serializeJob } from '../edges/job-message.ts';
import type { JobQueue } from '../ports/queue.ts';

const BATCH = 10;
const ATTEMPTS = 4;

/** Delivery jobs on an SQS queue: ten per SendMessageBatch call, failed entries retried. */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: readonly DeliveryJob[], delaySeconds = 0): Promise<void> {
    for (let i = 0; i < jobs.length; i += BATCH) await this.sendBatch(jobs.slice(i, i + BATCH), delaySeconds);
  }

  private async sendBatch(jobs: readonly DeliveryJob[], delaySeconds: number): Promise<void> {
    let pending = jobs.map((job, i) => ({
      Id: String(i),
      MessageBody: serializeJob(job),
      ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      const senderFault = (out.Failed ?? []).find((f) => f.SenderFault);
      if (senderFault)
        throw new Error(`SQS rejected job ${senderFault.Id}: ${senderFault.Code} ${senderFault.Message}`);
      pending = pending.filter((e) => failed.has(e.Id));
      if (pending.length > 0 && attempt >= ATTEMPTS)
        throw new Error(`${pending.length} jobs not accepted by SQS`);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }

  async retryLater(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
