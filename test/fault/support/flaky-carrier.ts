import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

export interface CarrierOptions {
  /** Share of Publish calls that fail (two thirds answer 500, a third hang until the client gives up). */
  failureRate: number;
  /** Deterministic [0, 1) source, so a failing run can be replayed. */
  random: () => number;
}

/**
 * A loopback SNS SMS endpoint that fails at random. A failed call is one the carrier did not
 * accept, so it is not in `received`; `received` is the carrier's log, the ledger's truth.
 */
export async function startFlakyCarrier(options: CarrierOptions) {
  const received: Array<{ phoneNumber: string; message: string }> = [];
  const hanging = new Set<ServerResponse>();
  let failures = 0;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = new URLSearchParams(body);
    const roll = options.random();
    if (roll < options.failureRate) {
      failures++;
      if (roll < options.failureRate / 3) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>flaky</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
      return;
    }
    received.push({ phoneNumber: params.get('PhoneNumber') ?? '', message: params.get('Message') ?? '' });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    failures: () => failures,
    stop: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
