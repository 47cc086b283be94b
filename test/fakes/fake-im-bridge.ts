import { createServer } from 'node:http';
import * as z from 'zod';
import { IM_SIGNATURE_HEADER, IM_TIMESTAMP_HEADER, verifyImSignature } from '../../lib/edges/im-bridge.ts';

export interface BridgeReceived {
  id: string;
  to: string;
  text: string;
}

const echo = z.object({ id: z.string(), to: z.string(), text: z.string() });

/**
 * A loopback IM bridge: receives the bot's signed `{ id, to, text }` POSTs on its callback URL,
 * checks each signature with the shared secret (401 when wrong), records what arrived, and can
 * answer a recipient with an error status on request.
 */
export async function startFakeImBridge(secret: string) {
  const received: BridgeReceived[] = [];
  let badSignatures = 0;
  const failures = new Map<string, number>();
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const h = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    try {
      verifyImSignature(secret, h(IM_TIMESTAMP_HEADER), h(IM_SIGNATURE_HEADER), body);
    } catch {
      badSignatures++;
      res.writeHead(401).end();
      return;
    }
    const msg = echo.parse(JSON.parse(body));
    const status = failures.get(msg.to);
    if (status) {
      res.writeHead(status).end();
      return;
    }
    received.push(msg);
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    callback: `http://127.0.0.1:${port}/echobot`,
    received,
    badSignatures: () => badSignatures,
    fail: (to: string, status: number) => failures.set(to, status),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
