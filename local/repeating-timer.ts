import type { InfoLog } from '../lib/ports/logger.ts';

/**
 * What a deployed bot runs on an EventBridge schedule (the digest, peer heartbeats), run by the
 * local node on a timer instead: one run at a time (a slow run is skipped over, not stacked), a
 * failed run logged as `<name> failed` and left to the next one, and the timer never keeps the
 * process alive.
 */
export function startRepeating(
  name: string,
  run: () => Promise<unknown>,
  intervalMs: number,
  log: InfoLog,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch((err: unknown) => log(`${name} failed`, { error: String(err) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
