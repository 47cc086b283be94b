import type { LocalChannelOptions } from './channel-senders.ts';

/** The local node's channel settings from the environment, as README.md documents them. */
export function localChannelOptions(env: NodeJS.ProcessEnv): LocalChannelOptions {
  return {
    allowPrivate: env.ECHOBOT_ALLOW_PRIVATE === '1',
    ...(env.TELEGRAM_SECRET_TOKEN ? { telegramSecretToken: env.TELEGRAM_SECRET_TOKEN } : {}),
    ...(env.TELEGRAM_BOT_TOKEN ? { telegramBotToken: env.TELEGRAM_BOT_TOKEN } : {}),
    ...(env.TELEGRAM_BOT_TOKEN ? { telegramMode: telegramMode(env.TELEGRAM_MODE) } : {}),
    ...(env.TELEGRAM_API_URL ? { telegramApiUrl: env.TELEGRAM_API_URL } : {}),
    ...(env.ECHOBOT_IM_SECRET ? { imSecret: env.ECHOBOT_IM_SECRET } : {}),
    ...(env.ECHOBOT_IM_CALLBACK ? { imDefaultCallback: env.ECHOBOT_IM_CALLBACK } : {}),
  };
}

/** `TELEGRAM_MODE`: poll (default for `npm start`) or webhook; anything else stops the start, named. */
function telegramMode(raw: string | undefined): 'poll' | 'webhook' {
  if (raw === undefined || raw === '' || raw === 'poll') return 'poll';
  if (raw === 'webhook') return 'webhook';
  throw new Error(`TELEGRAM_MODE must be poll or webhook, not ${raw}`);
}
