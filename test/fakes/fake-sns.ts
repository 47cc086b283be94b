import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

export interface Published {
  phoneNumber: string;
  message: string;
  smsType?: string;
}

/**
 * A loopback stand-in for the SNS SMS endpoint (the emulator cannot send SMS): speaks the
 * Query protocol the SDK uses, records every Publish, and fails numbers on request.
 */
export async function startFakeSns() {
  const published: Published[] = [];
  const failures = new Map<string, { status: number; code: string }>();
  let calls = 0;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = new URLSearchParams(body);
    calls++;
    const phone = params.get('PhoneNumber') ?? '';
    const failure = failures.get(phone);
    res.setHeader('content-type', 'text/xml');
    if (params.get('Action') !== 'Publish' || failure) {
      const { status, code } = failure ?? { status: 400, code: 'InvalidAction' };
      res.writeHead(status);
      res.end(
        `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
      return;
    }
    const attrs = new Map<string, string>();
    for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attrs.set(
        params.get(`MessageAttributes.entry.${i}.Name`) ?? '',
        params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '',
      );
    }
    const smsType = attrs.get('AWS.SNS.SMS.SMSType');
    published.push({
      phoneNumber: phone,
      message: params.get('Message') ?? '',
      ...(smsType ? { smsType } : {}),
    });
    res.writeHead(200);
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    calls: () => calls,
    fail: (phone: string, status: number, code: string) => failures.set(phone, { status, code }),
    heal: (phone: string) => failures.delete(phone),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
