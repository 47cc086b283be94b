import type { Construct } from 'constructs';

/**
 * Deploy-time settings of the chat and mail channels, from CDK context. Only parameter names are
 * read here; the values stay in SSM Parameter Store (SecureString) and never enter the template.
 */
export interface ChannelConfig {
  /** SecureString with the Telegram bot token (BotFather's); read by the deliver function. */
  readonly telegramBotTokenParam: string;
  /** SecureString with the secret token given to setWebhook; read by the http function. */
  readonly telegramSecretTokenParam: string;
  /** SecureString with the IM bridge's shared HMAC secret; read by both. */
  readonly imSecretParam: string;
  /** Verified SES identity mail is sent from; unset = no mail gateway (EMAIL codes are refused at send). */
  readonly mailFrom?: string;
}

export const CHANNEL_PARAM_DEFAULTS = {
  telegramBotTokenParam: '/echobot/telegram-bot-token',
  telegramSecretTokenParam: '/echobot/telegram-secret-token',
  imSecretParam: '/echobot/im-secret',
} as const;

const PARAM_NAME = /^\/[a-zA-Z0-9_.\-/]{1,1010}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function contextString(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new Error(`CDK context "${key}" must be a string, got ${typeof value}`);
  return value.trim();
}

export function readChannelConfig(scope: Construct): ChannelConfig {
  const param = (key: keyof typeof CHANNEL_PARAM_DEFAULTS) => {
    const name = contextString(scope, key) ?? CHANNEL_PARAM_DEFAULTS[key];
    // A hierarchical name: this also rejects a token pasted where its parameter name belongs.
    if (!PARAM_NAME.test(name))
      throw new Error(
        `CDK context "${key}" must be an SSM parameter name (e.g. ${CHANNEL_PARAM_DEFAULTS[key]})`,
      );
    return name;
  };
  const mailFrom = contextString(scope, 'mailFrom');
  if (mailFrom !== undefined && !EMAIL.test(mailFrom))
    throw new Error(`CDK context "mailFrom" must be an email address, got "${mailFrom}"`);
  return {
    telegramBotTokenParam: param('telegramBotTokenParam'),
    telegramSecretTokenParam: param('telegramSecretTokenParam'),
    imSecretParam: param('imSecretParam'),
    ...(mailFrom !== undefined ? { mailFrom } : {}),
  };
}
