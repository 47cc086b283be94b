import type { Channel } from './types.ts';

/** One message as every provider edge hands it over. */
export interface InboundMessage {
  /** `twilio`, `telegram`, ... : with `messageId` it makes the de-duplication key. */
  provider: string;
  messageId: string;
  channel: Channel;
  text: string;
  /**
   * `inline`: the edge answers in the webhook response (Twilio's TwiML). `queue`: the reply is a
   * durable outbound item committed with the de-duplication record and sent by the deliver function.
   */
  replyBy?: 'inline' | 'queue';
  /** An IM bridge's callback URL for this sender, already checked to be public. */
  callback?: string;
}
