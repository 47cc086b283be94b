import { createServer } from 'node:http';

export interface SesCall {
  path: string;
  body: unknown;
}

/**
 * A loopback stand-in for the SES v2 API: records every request (path and JSON body), answers
 * SendEmail with a MessageId, and refuses any mail to an address containing `reject@` with
 * MessageRejected, as SES does for an unverified recipient in the sandbox.
 */
export async function startFakeSes() {
  const calls: SesCall[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const json: unknown = JSON.parse(body);
    calls.push({ path: req.url ?? '', body: json });
    if (body.includes('reject@')) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
      res.end(JSON.stringify({ message: 'Email address is not verified.' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ MessageId: 'm-1' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
