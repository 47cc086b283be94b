import type { InfoLog } from '../lib/ports/logger.ts';

/**
 * Peer heartbeats on a timer (lib/usecases/peer-heartbeat.ts), one round at a time. Local runs;
 * a deployed bot runs one round a minute in its heartbeat function (infra/echobot-heartbeat.ts).
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
