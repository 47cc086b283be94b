import type { Channel } from '../domain/types.ts';
import { parseTwoWaySms } from '../edges/aws-sms-sns.ts';
import type { InfoLog } from '../ports/logger.ts';
import type { IngestDeps } from './ingest-deps.ts';
import { ingestMessage } from './ingest-message.ts';

export interface TwoWaySmsDeps {
  ingest: IngestDeps;
  /** The bot's one number (`ECHOBOT_SMS_NUMBER`): an SMS to any other number is not ours. */
  botNumber: string;
  log: InfoLog;
  /** The number texted the bot, so it is reachable again: its SMS failure streak starts over. */
  textedIn?: (channel: Channel) => Promise<void>;
}

export type TwoWaySmsOutcome =
  | { result: 'ingested'; duplicate: boolean; replied: boolean; post: boolean }
  | { result: 'dropped'; reason: string };

/**
 * One two-way SMS notification (the SNS message End User Messaging publishes for the bot's
 * number) -> the same ingest as every webhook. De-duplicated by `inboundMessageId` (ingest's
 * key `aws:<id>`), so a redelivered notification changes nothing twice. Opt-outs are
 * self-managed, so STOP, HELP and START arrive here like any text and get the bot's answers;
 * every answer is queued (`replyBy: 'queue'`) and leaves from the bot's number through the
 * provider's sender. A notification that is not a two-way SMS is logged and dropped: retrying
 * it would never make it one.
 */
export async function ingestTwoWaySms(deps: TwoWaySmsDeps, notification: string): Promise<TwoWaySmsOutcome> {
  const parsed = parseTwoWaySms(notification, deps.botNumber);
  if (parsed.kind === 'not-ours') {
    deps.log('two-way notification dropped', { reason: parsed.reason });
    return { result: 'dropped', reason: parsed.reason };
  }
  const { message } = parsed;
  const result = await ingestMessage(deps.ingest, message);
  // After the ingest commit: a failure here is logged, never a reason to ingest again.
  await deps
    .textedIn?.(message.channel)
    .catch((err: unknown) => deps.log('sms failure streak not reset', { error: String(err) }));
  deps.log('two-way sms', {
    messageId: message.messageId,
    duplicate: result.duplicate,
    post: !!result.postId,
  });
  return {
    result: 'ingested',
    duplicate: result.duplicate,
    replied: result.reply !== undefined,
    post: result.postId !== undefined,
  };
}
