import * as z from 'zod/mini';
import '../domain/zod-messages.ts';

/*
 * An SNS notification as an SQS subscription (raw message delivery off) hands it over: the SQS
 * message body is the notification's JSON, whose `Message` is what the publisher sent.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 */

export type SnsEnvelope =
  | { kind: 'notification'; snsMessageId: string; topicArn: string; message: string }
  | { kind: 'not-ours'; reason: string };

const notification = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string().check(z.minLength(1)),
  TopicArn: z.string().check(z.minLength(1)),
  Message: z.string(),
});

/** An SQS body -> the SNS notification it carries; anything else is not ours (logged, dropped). */
export function parseSnsEnvelope(body: string): SnsEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'not-ours', reason: 'the body is not JSON' };
  }
  const parsed = notification.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    return {
      kind: 'not-ours',
      reason: `not an SNS notification (${where ? `${where}: ` : ''}${issue?.message ?? 'unexpected shape'})`,
    };
  }
  const n = parsed.data;
  return { kind: 'notification', snsMessageId: n.MessageId, topicArn: n.TopicArn, message: n.Message };
}
