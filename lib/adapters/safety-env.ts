import { optionalIntEnv } from './env.ts';

/** The SMS-safety settings every runtime reads from its environment (README: "SMS safety"). */
export interface SafetyConfig {
  /** `ECHOBOT_POST_RATE_LIMIT`: posts per member per UTC hour (default 30; 0 = no limit). */
  postRateLimit?: number;
  /** `ECHOBOT_SMS_MAX_SEGMENTS`: parts an SMS echo may take (default 2; at least 1). */
  smsMaxSegments?: number;
  /** `ECHOBOT_SMS_DAILY_BUDGET`: SMS parts per UTC day (unset = no budget). */
  smsDailyBudget?: number;
}

export function safetyConfigFromEnv(): SafetyConfig {
  const postRateLimit = optionalIntEnv('ECHOBOT_POST_RATE_LIMIT');
  const smsMaxSegments = optionalIntEnv('ECHOBOT_SMS_MAX_SEGMENTS');
  const smsDailyBudget = optionalIntEnv('ECHOBOT_SMS_DAILY_BUDGET');
  if (smsMaxSegments === 0)
    throw new Error('environment variable ECHOBOT_SMS_MAX_SEGMENTS must be at least 1');
  return {
    ...(postRateLimit !== undefined ? { postRateLimit } : {}),
    ...(smsMaxSegments !== undefined ? { smsMaxSegments } : {}),
    ...(smsDailyBudget !== undefined ? { smsDailyBudget } : {}),
  };
}
