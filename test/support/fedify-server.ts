import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createFederation, type Federation, MemoryKvStore } from '@fedify/fedify';

/** A Fedify federation as the tests and the bench run it: in-memory KV, loopback peers allowed. */
export function loopbackFederation(): Federation<void> {
  return createFederation<void>({ kv: new MemoryKvStore(), allowPrivateAddress: true });
}

export interface FedifyServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>`: the federation's origin (its actor ids, inboxes and keys). */
  base: string;
  close(): Promise<void>;
}

/**
 * Serves a Fedify federation on a free loopback port through node:http (Fedify answers fetch's
 * `Request` with a `Response`). `intercept` sees each request with its body first and may answer
 * it itself (returning true), as a server refusing a signature scheme does.
 */
export async function serveFedify(
  federation: Federation<void>,
  options: { intercept?: (req: IncomingMessage, body: Buffer, res: ServerResponse) => boolean } = {},
): Promise<FedifyServer> {
  let base = '';
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    const body = Buffer.concat(chunks);
    if (options.intercept?.(req, body, res)) return;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const response = await federation.fetch(
      new Request(new URL(req.url ?? '/', base), {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
      }),
      { contextData: undefined },
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    server,
    port,
    base,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
