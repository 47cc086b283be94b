import { ImBridgeSender } from '../lib/adapters/im-bridge-sender.ts';
import { withOutboxCopy } from '../lib/adapters/outbox-copy-sender.ts';
import { TelegramSender } from '../lib/adapters/telegram-sender.ts';
import type { OutboundMessage } from '../lib/domain/types.ts';
import type { Sender, Senders } from '../lib/ports/sender.ts';
import type { Store } from '../lib/ports/store.ts';

/** The local node's channel settings (README: TELEGRAM_*, ECHOBOT_IM_*, ECHOBOT_ALLOW_PRIVATE). */
export interface LocalChannelOptions {
  /** Accept Telegram webhooks carrying this secret token; unset = /webhooks/telegram answers 403. */
  telegramSecretToken?: string;
  /** Send Telegram replies and echoes through the Bot API (else only to the outbox). */
  telegramBotToken?: string;
  telegramApiUrl?: string;
  /**
   * `TELEGRAM_MODE`: `poll` reads updates with getUpdates (no public address needed; the default
   * when a bot token is set), `webhook` waits for Telegram to POST them.
   */
  telegramMode?: 'poll' | 'webhook';
  /** Accept and sign IM bridge traffic; unset = /webhooks/im answers 403. */
  imSecret?: string;
  /** Where echoes go for IM senders that never gave a callback. */
  imDefaultCallback?: string;
  /** Allow IM callbacks on loopback/private addresses (local bridges, tests). */
  allowPrivate?: boolean;
}

/**
 * SMS and mail always go to the outbox file. Telegram and IM go to their provider when one is
 * configured, and are copied to the outbox once accepted, so the outbox lists everything sent.
 */
export function channelSenders(options: LocalChannelOptions, store: Store, outbox: Sender): Senders {
  const telegram = options.telegramBotToken
    ? withOutboxCopy(
        new TelegramSender(async () => options.telegramBotToken ?? '', options.telegramApiUrl),
        outbox,
      )
    : outbox;
  const imSecret = options.imSecret;
  const bridge = imSecret
    ? withOutboxCopy(
        new ImBridgeSender({
          secret: async () => imSecret,
          callbackOf: (channel) => store.channelCallback(channel),
          ...(options.imDefaultCallback ? { defaultCallback: options.imDefaultCallback } : {}),
          allowPrivate: options.allowPrivate ?? false,
        }),
        outbox,
      )
    : outbox;
  // An IM sender with no callback (and no default) is still reachable locally: through the outbox.
  const im: Sender = {
    async send(message: OutboundMessage) {
      const known = options.imDefaultCallback ?? (await store.channelCallback(message.channel));
      await (known ? bridge : outbox).send(message);
    },
  };
  return { sms: outbox, telegram, im, email: outbox };
}
