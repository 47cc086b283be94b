import * as z from 'zod';
import type { RetryDelay } from '../lib/usecases/retry-delay.ts';

const seconds = z.coerce.number().int().min(0).max(900);

/**
 * `ECHOBOT_RETRY_BASE_SECONDS` / `ECHOBOT_RETRY_MAX_SECONDS`: the deliver retry backoff
 * (default 30 s doubling to 900 s). Fault tests set 1 and 2 so retries happen in seconds.
 */
export function retryDelayFromEnv(env: NodeJS.ProcessEnv = process.env): { retryDelay?: RetryDelay } {
  const base = env.ECHOBOT_RETRY_BASE_SECONDS;
  const max = env.ECHOBOT_RETRY_MAX_SECONDS;
  if (base === undefined && max === undefined) return {};
  return {
    retryDelay: {
      baseSeconds: seconds.parse(base ?? 30),
      maxSeconds: seconds.parse(max ?? 900),
    },
  };
}
