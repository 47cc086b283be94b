import { splitChannel } from '../domain/channel.ts';
import { PermanentSendError } from '../domain/errors.ts';
import type { SmsProviderName } from '../domain/sms-outcomes.ts';
import type { OutboundMessage } from '../domain/types.ts';
import type { Sender } from '../ports/sender.ts';
import type { SmsProvider } from '../ports/sms-provider.ts';

/**
 * The bot's SMS provider as a plain `Sender`, for the SMS that are not echoes in a delivery job
 * (quiet-hours digests): the same number, the same outcome mapping, as errors. `never` and
 * `opted-out` are permanent refusals; `retry` throws, so the digest stays due.
 */
export function smsProviderSender(
  provider: SmsProvider,
  onSent?: (
    message: OutboundMessage,
    sent: { provider: SmsProviderName; messageId: string },
  ) => Promise<void>,
): Sender {
  return {
    async send(message) {
      const { address } = splitChannel(message.channel);
      const echoId = message.id ?? message.postId;
      const outcome = await provider.send({ to: address, text: message.text, ...(echoId ? { echoId } : {}) });
      if (outcome.kind === 'sent') {
        await onSent?.(message, { provider: provider.name, messageId: outcome.messageId });
        return;
      }
      if (outcome.kind === 'opted-out')
        throw new PermanentSendError(`${provider.name}: the number opted out (${outcome.code})`, 'opted-out');
      if (outcome.kind === 'never')
        throw new PermanentSendError(
          `${provider.name} refused the SMS: ${outcome.reason} (${outcome.code})`,
          'invalid-address',
        );
      throw new Error(
        `${provider.name} did not take the SMS (${outcome.reason}, ${outcome.code}); try again later`,
      );
    },
  };
}
