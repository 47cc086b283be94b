import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import * as z from 'zod';

/** One `SendTextMessage` as the real SDK serialized it. */
export interface EumSent {
  messageId: string;
  destination: string;
  originationIdentity?: string;
  body?: string;
  messageType?: string;
  configurationSet?: string;
  context?: Record<string, string>;
  headers: IncomingHttpHeaders;
}

/** An answer the fake gives instead of accepting: an AWS JSON error, or a dropped connection. */
export type EumFailure =
  | { status: number; type: string; reason?: string; fields?: readonly string[]; message?: string }
  | { drop: true };

const sendText = z
  .object({
    DestinationPhoneNumber: z.string(),
    OriginationIdentity: z.string().optional(),
    MessageBody: z.string().optional(),
    MessageType: z.string().optional(),
    ConfigurationSetName: z.string().optional(),
    Context: z.record(z.string(), z.string()).optional(),
  })
  .loose();

/**
 * A loopback stand-in for AWS End User Messaging SMS (pinpoint-sms-voice-v2): speaks the AWS
 * JSON 1.0 protocol the SDK uses (`POST /`, `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage`,
 * `application/x-amz-json-1.0`), records each send, and answers errors on request: per
 * destination number, or once for the next calls.
 */
export async function startFakeEumSms() {
  const sent: EumSent[] = [];
  const targets: string[] = [];
  const byNumber = new Map<string, EumFailure>();
  const next: EumFailure[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const target = String(req.headers['x-amz-target'] ?? '');
    targets.push(target);
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify(json));
    };
    const error = (f: Extract<EumFailure, { status: number }>) =>
      answer(f.status, {
        __type: `com.amazonaws.pinpointsmsvoicev2#${f.type}`,
        message: f.message ?? f.type,
        ...(f.reason ? { Reason: f.reason } : {}),
        ...(f.fields ? { Fields: f.fields.map((Name) => ({ Name, Message: `${Name} is not valid` })) } : {}),
      });
    if (
      req.method !== 'POST' ||
      target !== 'PinpointSMSVoiceV2.SendTextMessage' ||
      !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
    )
      return error({ status: 400, type: 'UnknownOperationException' });
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
      return error({ status: 400, type: 'MissingAuthenticationTokenException' });
    let parsed: z.infer<typeof sendText>;
    try {
      parsed = sendText.parse(JSON.parse(raw));
    } catch {
      return error({ status: 400, type: 'ValidationException', reason: 'CANNOT_PARSE' });
    }
    const failure = next.shift() ?? byNumber.get(parsed.DestinationPhoneNumber);
    if (failure && 'drop' in failure) {
      req.socket.destroy();
      return;
    }
    if (failure) return error(failure);
    const messageId = randomUUID();
    sent.push({
      messageId,
      destination: parsed.DestinationPhoneNumber,
      ...(parsed.OriginationIdentity ? { originationIdentity: parsed.OriginationIdentity } : {}),
      ...(parsed.MessageBody !== undefined ? { body: parsed.MessageBody } : {}),
      ...(parsed.MessageType ? { messageType: parsed.MessageType } : {}),
      ...(parsed.ConfigurationSetName ? { configurationSet: parsed.ConfigurationSetName } : {}),
      ...(parsed.Context ? { context: parsed.Context } : {}),
      headers: req.headers,
    });
    answer(200, { MessageId: messageId });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sent,
    /** Every request's X-Amz-Target, accepted or not. */
    targets,
    fail: (number: string, failure: EumFailure) => byNumber.set(number, failure),
    failNext: (failure: EumFailure) => next.push(failure),
    heal: (number: string) => byNumber.delete(number),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
