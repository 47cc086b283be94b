import { createServer } from 'node:http';

/**
 * A loopback stand-in for SSM Parameter Store's GetParameter (the emulator has no SSM), in the
 * awsJson1_1 protocol the SDK speaks: known names answer their value, others ParameterNotFound.
 */
export async function startFakeSsm(parameters: Record<string, string>) {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const target = String(req.headers['x-amz-target'] ?? '');
    const parsed: unknown = JSON.parse(body || '{}');
    const name =
      typeof parsed === 'object' && parsed !== null && 'Name' in parsed && typeof parsed.Name === 'string'
        ? parsed.Name
        : '';
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    const value = parameters[name];
    if (target !== 'AmazonSSM.GetParameter' || value === undefined) {
      const type = target === 'AmazonSSM.GetParameter' ? 'ParameterNotFound' : 'InvalidAction';
      res.writeHead(400, { 'x-amzn-errortype': type });
      res.end(JSON.stringify({ __type: type, message: `${type}: ${name || target}` }));
      return;
    }
    res.writeHead(200);
    res.end(
      JSON.stringify({
        Parameter: {
          Name: name,
          Type: 'SecureString',
          Value: value,
          Version: 1,
          ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}`,
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
