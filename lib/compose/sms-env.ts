import * as z from 'zod/mini';
import { E164 } from '../domain/channel.ts';
import '../domain/zod-messages.ts';

/**
 * The bot's one SMS provider and number, from the environment (README "SMS providers: how
 * sending works"). Only names and identifiers are read here: credentials come from the entry
 * point (SSM on AWS, the environment locally) as functions, so none of them sits in the config.
 *
 * - `outbox`: nothing leaves the machine (the default of `npm start`).
 * - `none`: a deployed stack without a number; SMS sends are refused with a reason.
 * - `aws`: AWS End User Messaging SMS `SendTextMessage` from `ECHOBOT_SMS_NUMBER`.
 * - `twilio`: Twilio's Messages API from `ECHOBOT_SMS_NUMBER`.
 */
export type SmsSettings =
  | { provider: 'outbox' }
  | { provider: 'none' }
  | {
      provider: 'aws';
      number: string;
      /** `ECHOBOT_SMS_CONFIGURATION_SET`: without one, no delivery events come back. */
      configurationSet?: string;
      /** `ECHOBOT_SMS_NUMBER_ID`: the number's id or ARN, named as OriginationIdentity when set. */
      originationIdentity?: string;
    }
  | {
      provider: 'twilio';
      number: string;
      accountSid: string;
      messagingServiceSid?: string;
      /** `TWILIO_API_URL`, default https://api.twilio.com. */
      apiUrl?: string;
    };

export type SmsProviderChoice = SmsSettings['provider'];

const e164 = (name: string) =>
  z
    .string({
      error: `${name} is required for this SMS provider: the bot's number in E.164, like +15550001111`,
    })
    .check(z.trim())
    .check(z.regex(E164, `${name} must be an E.164 number like +15550001111`));
const optional = z.pipe(
  z.optional(z.string().check(z.trim())),
  z.transform((v) => (v ? v : undefined)),
);

const awsEnv = z.object({
  ECHOBOT_SMS_NUMBER: e164('ECHOBOT_SMS_NUMBER'),
  ECHOBOT_SMS_CONFIGURATION_SET: optional,
  ECHOBOT_SMS_NUMBER_ID: optional,
});

const twilioEnv = z.object({
  ECHOBOT_SMS_NUMBER: e164('ECHOBOT_SMS_NUMBER'),
  TWILIO_ACCOUNT_SID: z
    .string({ error: 'TWILIO_ACCOUNT_SID is required for ECHOBOT_SMS_PROVIDER=twilio' })
    .check(z.trim())
    .check(z.regex(/^AC[0-9a-f]{32}$/i, 'TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits')),
  TWILIO_MESSAGING_SERVICE_SID: z.pipe(
    optional,
    z.optional(
      z
        .string()
        .check(
          z.regex(/^MG[0-9a-f]{32}$/i, 'TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits'),
        ),
    ),
  ),
  TWILIO_API_URL: z.pipe(optional, z.optional(z.url('TWILIO_API_URL must be a URL'))),
});

function fail(error: z.core.$ZodError): never {
  const issue = error.issues[0];
  throw new Error(issue?.message ?? 'invalid SMS settings');
}

/**
 * `ECHOBOT_SMS_PROVIDER` and the variables it needs. `fallback` is the provider when the variable
 * is unset (`outbox` for `npm start`, `none` for a function the stack did not give a number);
 * `allowed` are the ones this runtime can run. A bad or missing value is a startup error that
 * names the variable.
 */
export function smsSettingsFromEnv(
  env: NodeJS.ProcessEnv,
  fallback: SmsProviderChoice,
  allowed: readonly SmsProviderChoice[] = ['outbox', 'none', 'aws', 'twilio'],
): SmsSettings {
  const provider = (env.ECHOBOT_SMS_PROVIDER ?? '').trim() || fallback;
  if (!(allowed as readonly string[]).includes(provider))
    throw new Error(`ECHOBOT_SMS_PROVIDER must be one of ${allowed.join(', ')}, got "${provider}"`);
  if (provider === 'aws') {
    const parsed = awsEnv.safeParse(env);
    if (!parsed.success) fail(parsed.error);
    const v = parsed.data;
    return {
      provider,
      number: v.ECHOBOT_SMS_NUMBER,
      ...(v.ECHOBOT_SMS_CONFIGURATION_SET ? { configurationSet: v.ECHOBOT_SMS_CONFIGURATION_SET } : {}),
      ...(v.ECHOBOT_SMS_NUMBER_ID ? { originationIdentity: v.ECHOBOT_SMS_NUMBER_ID } : {}),
    };
  }
  if (provider === 'twilio') {
    const parsed = twilioEnv.safeParse(env);
    if (!parsed.success) fail(parsed.error);
    const v = parsed.data;
    return {
      provider,
      number: v.ECHOBOT_SMS_NUMBER,
      accountSid: v.TWILIO_ACCOUNT_SID,
      ...(v.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: v.TWILIO_MESSAGING_SERVICE_SID } : {}),
      ...(v.TWILIO_API_URL ? { apiUrl: v.TWILIO_API_URL } : {}),
    };
  }
  return { provider: provider === 'none' ? 'none' : 'outbox' };
}
