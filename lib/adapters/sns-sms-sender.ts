import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { splitChannel } from '../domain/channel.ts';
import { PermanentSendError } from '../domain/errors.ts';
import type { OutboundMessage } from '../domain/types.ts';
import type { Sender } from '../ports/sender.ts';

/** SNS error names that retrying cannot fix. */
const PERMANENT: Record<string, 'invalid-address' | 'opted-out' | 'rejected'> = {
  InvalidParameterException: 'invalid-address',
  InvalidParameterValueException: 'invalid-address',
  OptedOutException: 'opted-out',
  AuthorizationErrorException: 'rejected',
};

/** SMS through SNS Publish straight to a phone number: exactly one Publish per SMS. */
export class SnsSmsSender implements Sender {
  constructor(
    private readonly sns: SNSClient,
    private readonly smsType: 'Transactional' | 'Promotional' = 'Transactional',
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const { address } = splitChannel(message.channel);
    try {
      await this.sns.send(
        new PublishCommand({
          PhoneNumber: address,
          Message: message.text,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: this.smsType } },
        }),
      );
    } catch (err) {
      const reason = err instanceof Error ? PERMANENT[err.name] : undefined;
      if (reason)
        throw new PermanentSendError(`SNS refused SMS: ${err instanceof Error ? err.message : ''}`, reason);
      throw err;
    }
  }
}
