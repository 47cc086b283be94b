import type { ChannelKind, OutboundMessage } from '../domain/types.ts';

/**
 * Sends one message on one kind of channel. Throws PermanentSendError when retrying cannot
 * help (invalid number, carrier opt-out); any other error means "try again later".
 */
export interface Sender {
  send(message: OutboundMessage): Promise<void>;
}

export type Senders = Record<ChannelKind, Sender>;
