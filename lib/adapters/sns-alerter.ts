import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alerter } from '../ports/sms-safety.ts';

/** Operator alerts through the stack's alert topic (`ALERT_TOPIC_ARN`): mail or SMS, as the operator subscribes. */
export class SnsAlerter implements Alerter {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async alert(subject: string, message: string): Promise<void> {
    // SNS subjects: ASCII, under 100 characters.
    const Subject = subject.replace(/[^\x20-\x7e]/g, '').slice(0, 99);
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject, Message: message }));
  }
}
