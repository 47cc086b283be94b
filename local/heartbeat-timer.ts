import type { InfoLog } from '../lib/ports/logger.ts';

/**
 * Peer heartbeats on a timer (lib/usecases/peer-heartbeat.ts), one round at a time. Local runs
 * only: a deployed bot has no schedule for them yet (its failed sends still mark a peer down).
 */
export function startHeartbeatTimer(
  beat: () => Promise<unknown>,
  intervalMs: number,
  log: InfoLog,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    beat()
      .catch((err: unknown) => log('heartbeat failed', { error: String(err) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
