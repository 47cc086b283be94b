/**
 * One Lambda execution environment for a bundle from cdk.out, run by the deployed-mode test with
 * `node` (type stripping: this file uses only erasable TypeScript). It imports the bundle once
 * (the cold start, with exactly the environment the parent gives it: the template's variables and
 * the endpoints), then invokes its handler with each event the parent sends over IPC.
 */
import { pathToFileURL } from 'node:url';

interface Invoke {
  id: number;
  event: unknown;
}

const [bundle, functionName = 'fn'] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);
// The test process went away: stop as Lambda would.
process.once('disconnect', () => process.exit(0));

let handler: ((event: unknown, context: unknown) => Promise<unknown>) | undefined;
try {
  if (!bundle) throw new Error('usage: bundle-runner <index.mjs> <function name>');
  const mod: { handler?: unknown } = await import(pathToFileURL(bundle).href);
  if (typeof mod.handler !== 'function') throw new Error(`${bundle} exports no handler function`);
  handler = mod.handler as typeof handler;
  send({ ready: true });
} catch (err) {
  send({ initError: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}

let request = 0;
process.on('message', async (message: Invoke) => {
  const deadline = Date.now() + 30_000;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${functionName}-${++request}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'deployed-test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    if (!handler) throw new Error('the bundle did not load');
    send({ id: message.id, result: (await handler(message.event, context)) ?? null });
  } catch (err) {
    send({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
