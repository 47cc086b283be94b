import type { OutboundMessage } from '../domain/types.ts';
import type { Sender } from '../ports/sender.ts';

/**
 * Locally, a configured provider (a Telegram API, an IM bridge) gets the message and the outbox
 * file gets a copy once the provider accepted it, so `$ECHOBOT_DATA/outbox.jsonl` stays the one
 * record of everything the bot sent, whatever is configured.
 */
export function withOutboxCopy(provider: Sender, outbox: Sender): Sender {
  return {
    async send(message: OutboundMessage) {
      await provider.send(message);
      await outbox.send(message);
    },
  };
}
