import { describe, expect, it } from 'vitest';
import { createSnsNotificationHandler } from '../../../lib/drivers/sns-notification-queue.ts';
import { parseSnsEnvelope } from '../../../lib/edges/sns-envelope.ts';
import { localContext } from '../../../local/lambda-context.ts';
import { sqsEvent } from '../../support/sqs-helpers.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:two-way';
const notification = (message: string, id = 'sns-1') =>
  JSON.stringify({ Type: 'Notification', MessageId: id, TopicArn: TOPIC, Message: message });

describe('SNS notifications through SQS', () => {
  it('hands over the Message of a notification, and nothing else', () => {
    expect(parseSnsEnvelope(notification('{"a":1}'))).toEqual({
      kind: 'notification',
      snsMessageId: 'sns-1',
      topicArn: TOPIC,
      message: '{"a":1}',
    });
    for (const body of [
      '',
      'nope',
      '{}',
      '[]',
      JSON.stringify({ Type: 'SubscriptionConfirmation', Message: 'x' }),
    ])
      expect(parseSnsEnvelope(body)).toMatchObject({ kind: 'not-ours' });
  });

  it('reports only the record that failed, so the rest of the batch is done once', async () => {
    const handled: string[] = [];
    const dropped: unknown[] = [];
    let flushed = 0;
    const handler = createSnsNotificationHandler({
      handle: async (message) => {
        if (message === 'boom') throw new Error('the table is throttling');
        handled.push(message);
      },
      log: (_level, event, fields) => dropped.push({ event, ...fields }),
      flush: () => {
        flushed += 1;
      },
    });
    const res = await handler(
      sqsEvent([
        { body: notification('one'), id: 'a' },
        { body: notification('boom'), id: 'b' },
        { body: 'garbage', id: 'c' },
        { body: notification('two'), id: 'd' },
      ]),
      localContext('sms'),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
    expect(handled).toEqual(['one', 'two']);
    expect(dropped).toMatchObject([{ event: 'queue message dropped', sqsMessageId: 'c' }]);
    expect(flushed).toBe(1);
  });
});
