import type { Construct } from 'constructs';

/**
 * SMS-safety settings from CDK context (`cdk deploy -c smsDailyBudget=500`), passed to the
 * functions as the same ECHOBOT_* variables `npm start` reads. Unset = the code's defaults:
 * 30 posts an hour, 2 parts per SMS echo, no daily SMS budget.
 */
export interface SafetySettingsConfig {
  /** ECHOBOT_SMS_DAILY_BUDGET: SMS parts per UTC day. */
  readonly smsDailyBudget?: number;
  /** ECHOBOT_POST_RATE_LIMIT: posts per member per hour (0 = no limit). */
  readonly postRateLimit?: number;
  /** ECHOBOT_SMS_MAX_SEGMENTS: parts per SMS echo (1 or more). */
  readonly smsMaxSegments?: number;
}

const contextInt = (scope: Construct, key: string, min: number): number | undefined => {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < min)
    throw new Error(`CDK context "${key}" must be a whole number of at least ${min}, got ${String(value)}`);
  return n;
};

export function readSafetyConfig(scope: Construct): SafetySettingsConfig {
  const smsDailyBudget = contextInt(scope, 'smsDailyBudget', 0);
  const postRateLimit = contextInt(scope, 'postRateLimit', 0);
  const smsMaxSegments = contextInt(scope, 'smsMaxSegments', 1);
  return {
    ...(smsDailyBudget !== undefined ? { smsDailyBudget } : {}),
    ...(postRateLimit !== undefined ? { postRateLimit } : {}),
    ...(smsMaxSegments !== undefined ? { smsMaxSegments } : {}),
  };
}

/** The environment variables these settings become. */
export function safetyEnvironment(config: SafetySettingsConfig): Record<string, string> {
  return {
    ...(config.smsDailyBudget !== undefined
      ? { ECHOBOT_SMS_DAILY_BUDGET: String(config.smsDailyBudget) }
      : {}),
    ...(config.postRateLimit !== undefined ? { ECHOBOT_POST_RATE_LIMIT: String(config.postRateLimit) } : {}),
    ...(config.smsMaxSegments !== undefined
      ? { ECHOBOT_SMS_MAX_SEGMENTS: String(config.smsMaxSegments) }
      : {}),
  };
}
