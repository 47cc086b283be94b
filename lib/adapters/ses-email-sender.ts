import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { splitChannel } from '../domain/channel.ts';
import { PermanentSendError } from '../domain/errors.ts';
import type { OutboundMessage } from '../domain/types.ts';
import type { Sender } from '../ports/sender.ts';

/** SES error names that retrying cannot fix. */
const PERMANENT = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException']);

/** The mail gateway: one SES v2 SendEmail per echo, plain text, from the operator's verified address. */
export class SesEmailSender implements Sender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const { address } = splitChannel(message.channel);
    const subject = message.kind === 'echo' ? `echobot: ${message.text}` : 'echobot';
    try {
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [address] },
          Content: {
            Simple: {
              Subject: {
                Data: subject.length > 78 ? `${subject.slice(0, 75)}...` : subject,
                Charset: 'UTF-8',
              },
              Body: {
                Text: {
                  Data: `${message.text}\n\n--\nText EMAIL OFF to the bot to stop these mails.`,
                  Charset: 'UTF-8',
                },
              },
            },
          },
        }),
      );
    } catch (err) {
      if (err instanceof Error && PERMANENT.has(err.name))
        throw new PermanentSendError(`SES refused mail: ${err.message}`, 'rejected');
      throw err;
    }
  }
}
