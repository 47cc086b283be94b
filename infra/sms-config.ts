import type { Construct } from 'constructs';

/**
 * The bot's one SMS number and the one provider that sends from it and receives on it (CDK
 * context `smsProvider`, `smsNumber`, `smsNumberId`, Twilio keys). Only names and identifiers are
 * read here; credentials stay in SSM Parameter Store (SecureString) and never enter the template.
 *
 * No `smsProvider`: the stack has no SMS provider and SMS echoes are refused with a reason. A stack
 * cannot own a number it was not given (numbers are bought and registered outside CloudFormation).
 */
export type SmsConfig =
  | { readonly provider: 'none' }
  | {
      readonly provider: 'aws';
      /** E.164, the origination identity of every send. */
      readonly number: string;
      /** `phone-...` id or phone-number ARN: least-privilege IAM and two-way set-up by the stack. */
      readonly numberId?: string;
    }
  | {
      readonly provider: 'twilio';
      readonly number: string;
      /** `AC...`: an account identifier (it is in every API URL), not a credential. */
      readonly accountSid: string;
      readonly authTokenParam: string;
      readonly apiKeyParam?: string;
      readonly apiSecretParam?: string;
      readonly messagingServiceSid?: string;
    };

export const SMS_PROVIDERS = ['aws', 'twilio'] as const;
const E164 = /^\+[1-9]\d{7,14}$/;
const PHONE_NUMBER_ID = /^phone-[0-9a-f]{32}$/;
const PHONE_NUMBER_ARN = /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:phone-number\/phone-[0-9a-f]{32}$/;
const PARAM_NAME = /^\/[a-zA-Z0-9_.\-/]{1,1010}$/;

function contextString(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new Error(`CDK context "${key}" must be a string, got ${typeof value}`);
  return value.trim();
}

const paramName = (scope: Construct, key: string): string | undefined => {
  const name = contextString(scope, key);
  // A hierarchical name: this also rejects a secret pasted where its parameter name belongs.
  if (name !== undefined && !PARAM_NAME.test(name))
    throw new Error(`CDK context "${key}" must be an SSM parameter name (e.g. /echobot/${key}), not a value`);
  return name;
};

/** `twilioAuthTokenParam` is shared with the http function's signature check (echobot-config.ts). */
export function readSmsConfig(scope: Construct, twilioAuthTokenParam: string): SmsConfig {
  const provider = contextString(scope, 'smsProvider');
  const number = contextString(scope, 'smsNumber');
  if (provider === undefined) {
    if (number !== undefined)
      throw new Error(
        'CDK context "smsNumber" needs "smsProvider" (aws or twilio): which provider owns the number?',
      );
    return { provider: 'none' };
  }
  if (provider !== 'aws' && provider !== 'twilio')
    throw new Error(
      `CDK context "smsProvider" must be one of ${SMS_PROVIDERS.join(', ')}, got "${provider}"`,
    );
  if (number === undefined)
    throw new Error(
      `CDK context "smsProvider=${provider}" needs "smsNumber": the bot's number in E.164 (+15550001111)`,
    );
  if (!E164.test(number))
    throw new Error(`CDK context "smsNumber" must be an E.164 phone number (+15550001111), got "${number}"`);

  if (provider === 'aws') {
    const numberId = contextString(scope, 'smsNumberId');
    if (numberId !== undefined && !PHONE_NUMBER_ID.test(numberId) && !PHONE_NUMBER_ARN.test(numberId))
      throw new Error(
        `CDK context "smsNumberId" must be the number's PhoneNumberId (phone-<32 hex>) or PhoneNumberArn, got "${numberId}"`,
      );
    return { provider, number, ...(numberId !== undefined ? { numberId } : {}) };
  }

  const accountSid = contextString(scope, 'twilioAccountSid');
  if (accountSid === undefined || !/^AC[0-9a-f]{32}$/.test(accountSid))
    throw new Error(
      `CDK context "smsProvider=twilio" needs "twilioAccountSid" (AC followed by 32 hex characters), got "${accountSid ?? ''}"`,
    );
  const messagingServiceSid = contextString(scope, 'twilioMessagingServiceSid');
  if (messagingServiceSid !== undefined && !/^MG[0-9a-f]{32}$/.test(messagingServiceSid))
    throw new Error(
      `CDK context "twilioMessagingServiceSid" must be MG followed by 32 hex characters, got "${messagingServiceSid}"`,
    );
  const apiKeyParam = paramName(scope, 'twilioApiKeyParam');
  const apiSecretParam = paramName(scope, 'twilioApiSecretParam');
  if ((apiKeyParam === undefined) !== (apiSecretParam === undefined))
    throw new Error(
      'CDK context "twilioApiKeyParam" and "twilioApiSecretParam" go together: give both or neither',
    );
  return {
    provider,
    number,
    accountSid,
    authTokenParam: twilioAuthTokenParam,
    ...(apiKeyParam !== undefined && apiSecretParam !== undefined ? { apiKeyParam, apiSecretParam } : {}),
    ...(messagingServiceSid !== undefined ? { messagingServiceSid } : {}),
  };
}
