import { createServer } from 'node:net';

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free port to hand to a process that binds it later (bots that must know each other's URLs
 * before any of them starts). Chosen below Linux's ephemeral range (32768-60999), where no
 * `listen(0)` on the machine lands: a port from `freePort()` held for the seconds a bot takes to
 * start can be handed to someone else's `listen(0)` meanwhile, one from here only collides with
 * another reservation, drawn at random from 17,000.
 */
export async function reservablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * 17_000);
    if (issued.has(port)) continue;
    if (await isFree(port)) {
      issued.add(port);
      return port;
    }
  }
  return freePort();
}

const issued = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Polls `check` until it resolves true or the deadline passes. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
