import type { Channel } from '../domain/types.ts';
import { createSnsNotificationHandler } from '../drivers/sns-notification-queue.ts';
import { parseSmsEvent } from '../edges/aws-sms-sns.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { JobQueue } from '../ports/queue.ts';
import { recordSmsEvent, smsTextedIn } from '../usecases/sms-receipts.ts';
import { ingestTwoWaySms } from '../usecases/sms-two-way.ts';
import type { Core } from './bot.ts';
import { ingestDepsOf } from './core.ts';

/*
 * The provider `aws` functions that SNS feeds (through an SQS queue each, infra/echobot-sms.ts):
 * the bot number's two-way channel and the configuration set's delivery events.
 */

/** `functions/sms-inbound.ts`: two-way SMS to the bot's number -> ingest; replies queued. */
export function composeSmsInbound(
  core: Core,
  input: {
    /** `ECHOBOT_SMS_NUMBER`. */
    botNumber: string;
    /** The bot's public base URL (post ids are URLs under it): PUBLIC_URL, else ECHOBOT_BASE_URL. */
    baseUrl: string;
  },
) {
  const deps = {
    ingest: { ...ingestDepsOf(core), baseUrl: input.baseUrl },
    botNumber: input.botNumber,
    log: core.info,
    textedIn: (channel: Channel) => smsTextedIn(core.smsReceipts, channel),
  };
  return createSnsNotificationHandler({
    log: core.platform.log,
    handle: async (message) => {
      await ingestTwoWaySms(deps, message);
    },
  });
}

/** `functions/sms-events.ts`: configuration-set delivery events -> receipts. */
export function composeSmsEvents(
  core: Core,
  input: {
    /** Where a notice to a member goes (a number that keeps failing is told so on another channel). */
    queue: JobQueue;
    metrics?: Metrics;
  },
) {
  const deps = {
    receipts: core.smsReceipts,
    store: core.store,
    queue: input.queue,
    log: core.info,
    ...(input.metrics ? { metrics: input.metrics } : {}),
  };
  return createSnsNotificationHandler({
    log: core.platform.log,
    handle: async (message) => {
      const parsed = parseSmsEvent(message);
      if (parsed.kind === 'not-ours') {
        core.info('sms event dropped', { reason: parsed.reason });
        return;
      }
      await recordSmsEvent(deps, parsed.receipt);
    },
    ...(input.metrics ? { flush: () => input.metrics?.flush() } : {}),
  });
}
