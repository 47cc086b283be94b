import { createServer, request } from 'node:http';

/** One AWS API call a bundle made, as IAM names it (`dynamodb:PutItem`). */
export type IamAction = `${string}:${string}`;

/** A call's API operations -> the IAM actions it needs (transactions need the item actions). */
function iamActions(service: string, operation: string, body: string): string[] {
  if (service === 'dynamodb' && operation === 'TransactWriteItems') {
    const kinds = [...body.matchAll(/"(Put|Update|Delete|ConditionCheck)":\{/g)].map((m) => m[1]);
    return [...new Set(kinds)].map((k) => (k === 'ConditionCheck' ? 'ConditionCheckItem' : `${k}Item`));
  }
  if (service === 'dynamodb' && operation === 'TransactGetItems') return ['GetItem'];
  // SQS batch operations are authorized as their single-message actions.
  if (service === 'sqs' && operation.endsWith('Batch')) return [operation.slice(0, -'Batch'.length)];
  return [operation];
}

/**
 * A loopback proxy in front of one AWS API (DynamoDB Local, the SQS emulator, a fake): forwards
 * every request unchanged and records the IAM action of each, read from `X-Amz-Target` (JSON
 * protocols) or the `Action` form field (Query protocol). One per function and service, so each
 * recorded call is known to come from that function's bundle.
 */
export async function startRecordingProxy(service: string, upstream: string) {
  const calls = new Set<IamAction>();
  const target = new URL(upstream);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const operation = amzTarget
      ? (amzTarget.split('.').pop() ?? amzTarget)
      : (new URLSearchParams(text).get('Action') ?? `${req.method} ${req.url}`);
    for (const action of iamActions(service, operation, text)) calls.add(`${service}:${action}`);
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // Unchanged, Host included: the SigV4 signature covers it (the emulators do not check it).
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    forward.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: (): IamAction[] => [...calls].sort(),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
