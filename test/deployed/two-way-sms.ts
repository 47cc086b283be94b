import { randomUUID } from 'node:crypto';

/**
 * The body of the SQS message the two-way topic's subscription (raw delivery off) delivers: the
 * SNS notification wrapping an inbound SMS as End User Messaging publishes it for the number.
 * Same shapes as test/integration/sms-aws-functions.test.ts.
 */
export const twoWayNotification = (from: string, botNumber: string, body: string): string =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:EchobotStack-SmsTwoWayTopic',
    Message: JSON.stringify({
      originationNumber: from,
      destinationNumber: botNumber,
      messageKeyword: 'KEYWORD_000000000000',
      messageBody: body,
      inboundMessageId: randomUUID(),
      previousPublishedMessageId: randomUUID(),
    }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  });
