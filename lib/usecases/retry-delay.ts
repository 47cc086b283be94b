/** The deliver backoff: how long a job's failed part waits before it is tried again. */
export interface RetryDelay {
  baseSeconds: number;
  maxSeconds: number;
}

/** Delay before the n-th retry of a job's failed part: 30 s doubling, capped at SQS's 15 min. */
export function retryDelaySeconds(
  attempt: number,
  delay: RetryDelay = { baseSeconds: 30, maxSeconds: 900 },
): number {
  return Math.min(delay.maxSeconds, 900, delay.baseSeconds * 2 ** Math.max(0, attempt - 1));
}
