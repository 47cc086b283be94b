import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { splitChannel } from '../../lib/domain/channel.ts';
import { PermanentSendError } from '../../lib/domain/errors.ts';
import type { OutboundMessage } from '../../lib/domain/types.ts';
import type { Sender } from '../../lib/ports/sender.ts';

/** SNS error names that retrying cannot fix. */
const PERMANENT: Record<string, 'invalid-address' | 'opted-out' | 'rejected'> = {
  InvalidParameterException: 'invalid-address',
  InvalidParameterValueException: 'invalid-address',
  OptedOutException: 'opted-out',
  AuthorizationErrorException: 'rejected',
};

/**
 * Test and bench only: a `Sender` that Publishes each SMS to an SNS-protocol carrier fake
 * (test/fakes/fake-sns.ts, the fault suite's flaky carrier), so the pipeline harnesses count one
 * carrier call per SMS. The bot itself never sends SMS through SNS: every SMS leaves from its
 * number through its provider (lib/compose/sms-provider.ts).
 */
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
