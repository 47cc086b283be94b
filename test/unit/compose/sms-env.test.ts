import { describe, expect, it } from 'vitest';
import { smsSettingsFromEnv } from '../../../lib/compose/sms-env.ts';
import { composeSmsProvider } from '../../../lib/compose/sms-provider.ts';

const SID = `AC${'a'.repeat(32)}`;

describe('ECHOBOT_SMS_PROVIDER and the variables it needs', () => {
  it('defaults to the runtime fallback: outbox for npm start, none for a function without a number', () => {
    expect(smsSettingsFromEnv({}, 'outbox')).toEqual({ provider: 'outbox' });
    expect(smsSettingsFromEnv({}, 'none', ['none', 'aws', 'twilio'])).toEqual({ provider: 'none' });
  });

  it('refuses a provider this runtime cannot run, naming the variable', () => {
    expect(() => smsSettingsFromEnv({ ECHOBOT_SMS_PROVIDER: 'sns' }, 'outbox')).toThrow(
      /ECHOBOT_SMS_PROVIDER/,
    );
    expect(() =>
      smsSettingsFromEnv({ ECHOBOT_SMS_PROVIDER: 'outbox' }, 'none', ['none', 'aws', 'twilio']),
    ).toThrow(/ECHOBOT_SMS_PROVIDER must be one of none, aws, twilio/);
  });

  it('needs ECHOBOT_SMS_NUMBER in E.164 for aws and twilio', () => {
    expect(() => smsSettingsFromEnv({ ECHOBOT_SMS_PROVIDER: 'aws' }, 'outbox')).toThrow(
      /ECHOBOT_SMS_NUMBER is required/,
    );
    expect(() =>
      smsSettingsFromEnv({ ECHOBOT_SMS_PROVIDER: 'aws', ECHOBOT_SMS_NUMBER: '555-0101' }, 'outbox'),
    ).toThrow(/ECHOBOT_SMS_NUMBER must be an E.164 number/);
    expect(() =>
      smsSettingsFromEnv({ ECHOBOT_SMS_PROVIDER: 'twilio', ECHOBOT_SMS_NUMBER: '+12125550101' }, 'outbox'),
    ).toThrow(/TWILIO_ACCOUNT_SID is required/);
  });

  it('reads each provider settings', () => {
    expect(
      smsSettingsFromEnv(
        {
          ECHOBOT_SMS_PROVIDER: 'aws',
          ECHOBOT_SMS_NUMBER: '+12125550101',
          ECHOBOT_SMS_CONFIGURATION_SET: 'cs',
        },
        'outbox',
      ),
    ).toEqual({ provider: 'aws', number: '+12125550101', configurationSet: 'cs' });
    expect(
      smsSettingsFromEnv(
        {
          ECHOBOT_SMS_PROVIDER: 'twilio',
          ECHOBOT_SMS_NUMBER: '+12125550101',
          TWILIO_ACCOUNT_SID: SID,
          TWILIO_API_URL: 'http://127.0.0.1:9',
        },
        'outbox',
      ),
    ).toEqual({ provider: 'twilio', number: '+12125550101', accountSid: SID, apiUrl: 'http://127.0.0.1:9' });
  });

  it('builds a provider that always sends from the number; twilio without credentials is a startup error', async () => {
    const twilio = smsSettingsFromEnv(
      { ECHOBOT_SMS_PROVIDER: 'twilio', ECHOBOT_SMS_NUMBER: '+12125550101', TWILIO_ACCOUNT_SID: SID },
      'outbox',
    );
    await expect(composeSmsProvider(twilio, {})).rejects.toThrow(/TWILIO_AUTH_TOKEN/);
    expect((await composeSmsProvider(twilio, { twilioAuth: async () => ({ authToken: 't' }) }))?.from).toBe(
      '+12125550101',
    );
    expect(await composeSmsProvider({ provider: 'outbox' }, {})).toBeUndefined();
    expect(await composeSmsProvider({ provider: 'aws', number: '+12125550101' }, {})).toMatchObject({
      name: 'aws',
      from: '+12125550101',
    });
  });
});
