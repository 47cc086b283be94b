import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { twilioSignature } from '../../lib/edges/twilio.ts';
import { messageSid } from '../../local/twilio-phone.ts';

export const DOMAIN = 'abc123.lambda-url.us-east-1.on.aws';
export const TOKEN = 'test-auth-token';

/** A Function URL (payload 2.0) event, as Lambda builds it. */
export function functionUrlEvent(options: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): APIGatewayProxyEventV2 {
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString: '',
    headers: options.headers ?? {},
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: {
        method: options.method ?? 'POST',
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'TwilioProxy/1.1',
      },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(body ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
}

/** A Twilio inbound-SMS webhook event, signed for the Function URL's own address unless told otherwise. */
export function twilioEvent(
  fields: Record<string, string | undefined>,
  options: { token?: string; signedUrl?: string; signature?: string | null; contentType?: string } = {},
) {
  const params = new URLSearchParams();
  const withDefaults = { MessageSid: messageSid(), To: '+15550000000', ...fields };
  for (const [k, v] of Object.entries(withDefaults)) if (v !== undefined) params.set(k, v);
  const url = options.signedUrl ?? `https://${DOMAIN}/webhooks/twilio`;
  const signature =
    options.signature === undefined
      ? twilioSignature(options.token ?? TOKEN, url, params)
      : options.signature;
  return functionUrlEvent({
    path: '/webhooks/twilio',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    body: params.toString(),
  });
}
