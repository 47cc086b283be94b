import type { PinpointSMSVoiceV2ClientConfig } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { TwilioAuth } from '../adapters/twilio-sms-sender.ts';
import type { SmsProvider } from '../ports/sms-provider.ts';
import type { SmsSettings } from './sms-env.ts';

/** Where Twilio posts delivery receipts, under the bot's public base URL. */
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';

export interface SmsProviderInput {
  /** Twilio's credentials (SSM deployed, the environment locally); read on each send, never logged. */
  twilioAuth?: () => Promise<TwilioAuth>;
  /** The bot's public base URL: Twilio's StatusCallback is built from it (absent = no receipts). */
  publicUrl?: string;
  /** The SDK client's settings (region, retries); its endpoint comes from the SDK's own variables. */
  awsClientConfig?: PinpointSMSVoiceV2ClientConfig;
}

/**
 * The provider every SMS leaves through, from the bot's one number; undefined for `outbox`
 * and `none` (the caller puts the outbox file or a refusal there). Never a sender without an
 * origination number: both adapters refuse to be built without one. Each adapter is imported
 * only when it is the one configured, so a bundle does not load the provider the bot does not use.
 */
export async function composeSmsProvider(
  settings: SmsSettings,
  input: SmsProviderInput,
): Promise<SmsProvider | undefined> {
  if (settings.provider === 'aws') {
    const { EumSmsSender } = await import('../adapters/eum-sms-sender.ts');
    return new EumSmsSender({
      originationNumber: settings.number,
      ...(settings.originationIdentity ? { originationIdentity: settings.originationIdentity } : {}),
      ...(settings.configurationSet ? { configurationSet: settings.configurationSet } : {}),
      // One attempt per send: the outcome decides (retry with the queue's backoff, never, opted out).
      clientConfig: { maxAttempts: 1, ...input.awsClientConfig },
    });
  }
  if (settings.provider === 'twilio') {
    const auth = input.twilioAuth;
    if (!auth)
      throw new Error(
        'ECHOBOT_SMS_PROVIDER=twilio needs Twilio credentials: TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET',
      );
    const { TwilioSmsSender } = await import('../adapters/twilio-sms-sender.ts');
    return new TwilioSmsSender({
      accountSid: settings.accountSid,
      auth,
      from: settings.number,
      ...(settings.messagingServiceSid ? { messagingServiceSid: settings.messagingServiceSid } : {}),
      ...(input.publicUrl
        ? { statusCallback: `${input.publicUrl.replace(/\/+$/, '')}${TWILIO_STATUS_PATH}` }
        : {}),
      ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
    });
  }
  return undefined;
}
