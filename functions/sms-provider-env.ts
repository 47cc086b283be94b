import { requiredSecret } from '../lib/adapters/ssm-secret.ts';
import type { TwilioAuth } from '../lib/adapters/twilio-sms-sender.ts';
import type { SmsProviderInput } from '../lib/compose/sms-provider.ts';

// Apart from config.ts: only the functions that send SMS or take receipts read these secrets, so
// fanout's bundle does not reach the SSM client's chunk (esbuild would then put SDK code only that
// chunk uses into a chunk fanout loads at cold start).

/**
 * What the SMS provider needs beyond its settings, deployed: Twilio's credentials from SSM
 * (SecureString, cached five minutes like the other secrets), an API key and secret when the
 * stack names them, else the auth token; the bot's URL for Twilio's StatusCallback.
 */
export function smsProviderInputFromEnv(env: NodeJS.ProcessEnv = process.env): SmsProviderInput {
  const twilioAuth = twilioAuthFromEnv(env);
  return {
    ...(twilioAuth ? { twilioAuth } : {}),
    // Twilio's status callbacks reach the http function: its public URL, else its Function URL.
    ...((env.PUBLIC_URL ?? env.ECHOBOT_BASE_URL)
      ? { publicUrl: env.PUBLIC_URL ?? env.ECHOBOT_BASE_URL }
      : {}),
  };
}

/** Twilio's credentials: the API key and secret when the stack names both, else the auth token, else none. */
function twilioAuthFromEnv(env: NodeJS.ProcessEnv): (() => Promise<TwilioAuth>) | undefined {
  const keyParam = env.TWILIO_API_KEY_PARAM;
  const secretParam = env.TWILIO_API_SECRET_PARAM;
  if (keyParam && secretParam) {
    const key = requiredSecret(keyParam, 'the Twilio API key');
    const secret = requiredSecret(secretParam, 'the Twilio API secret');
    return async () => ({ apiKey: await key(), apiSecret: await secret() });
  }
  if (env.TWILIO_AUTH_TOKEN_PARAM) {
    const token = requiredSecret(env.TWILIO_AUTH_TOKEN_PARAM, 'the Twilio auth token');
    return async () => ({ authToken: await token() });
  }
  return undefined;
}
