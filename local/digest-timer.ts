import type { InfoLog } from '../lib/ports/logger.ts';
import type { DigestOutcome } from '../lib/usecases/send-digests.ts';

/** The digest function on a timer instead of an EventBridge schedule (one run at a time). */
export function startDigestTimer(
  runDigests: (now: Date) => Promise<DigestOutcome>,
  intervalMs: number,
  log: InfoLog,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runDigests(new Date())
      .catch((err: unknown) => log('digest run failed', { error: String(err) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
