import type {
  PinpointSMSVoiceV2Client,
  PinpointSMSVoiceV2ClientConfig,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import * as z from 'zod/mini';
import { E164 } from '../domain/channel.ts';
import { awsSendOutcome, type SmsSendOutcome } from '../domain/sms-outcomes.ts';
import '../domain/zod-messages.ts';
import type { SmsProvider, SmsRequest } from '../ports/sms-provider.ts';

export interface EumSmsSenderOptions {
  /** The bot's number, E.164 (`ECHOBOT_SMS_NUMBER`): every SMS leaves from it. */
  originationNumber: string;
  /**
   * What `OriginationIdentity` names: the number itself by default; its id or ARN when the
   * stack knows it (IAM can then name the one phone-number resource).
   */
  originationIdentity?: string;
  /** `ECHOBOT_SMS_CONFIGURATION_SET`: without one there are no delivery events. */
  configurationSet?: string;
  /** Seconds the service keeps trying to deliver (its default is 72 h). */
  timeToLiveSeconds?: number;
  /** Region, endpoint, credentials, retries: passed to the SDK client as they are. */
  clientConfig?: PinpointSMSVoiceV2ClientConfig;
}

interface Loaded {
  client: PinpointSMSVoiceV2Client;
  Command: typeof SendTextMessageCommand;
}

/** The fields of an SDK (or network) error the outcome mapping reads. */
const sdkError = z.looseObject({
  name: z.string(),
  code: z.optional(z.string()),
  Reason: z.optional(z.string()),
  Fields: z.optional(z.array(z.looseObject({ Name: z.string() }))),
  $metadata: z.optional(z.looseObject({ httpStatusCode: z.optional(z.number()) })),
});

/** Context values the service accepts are short; a longer id is cut rather than refused. */
const MAX_CONTEXT_VALUE = 800;

/**
 * SMS through AWS End User Messaging SMS `SendTextMessage`, always from the bot's own number,
 * TRANSACTIONAL, through the configuration set (so delivery events come back), with the echo's
 * id in `Context` (echoed in every event). The SDK client module is imported on the first
 * send, so a bot on another provider never loads it.
 */
export class EumSmsSender implements SmsProvider {
  readonly name = 'aws' as const;
  readonly from: string;
  private loaded: Promise<Loaded> | undefined;

  constructor(private readonly options: EumSmsSenderOptions) {
    if (!options.originationNumber || !E164.test(options.originationNumber))
      throw new Error(
        `the bot's SMS number must be an E.164 number like +15550001111 (ECHOBOT_SMS_NUMBER), got ${JSON.stringify(options.originationNumber ?? '')}`,
      );
    this.from = options.originationNumber;
  }

  private load(): Promise<Loaded> {
    this.loaded ??= import('@aws-sdk/client-pinpoint-sms-voice-v2').then(
      (sdk) => ({
        client: new sdk.PinpointSMSVoiceV2Client(this.options.clientConfig ?? {}),
        Command: sdk.SendTextMessageCommand,
      }),
      (err: unknown) => {
        this.loaded = undefined;
        throw err;
      },
    );
    return this.loaded;
  }

  async send(sms: SmsRequest): Promise<SmsSendOutcome> {
    if (!E164.test(sms.to)) return { kind: 'never', reason: 'invalid-number', code: 'not-e164' };
    try {
      const { client, Command } = await this.load();
      const answer = await client.send(
        new Command({
          DestinationPhoneNumber: sms.to,
          OriginationIdentity: this.options.originationIdentity ?? this.from,
          MessageBody: sms.text,
          MessageType: 'TRANSACTIONAL',
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
          ...(this.options.timeToLiveSeconds ? { TimeToLive: this.options.timeToLiveSeconds } : {}),
          ...(sms.echoId ? { Context: { echoId: sms.echoId.slice(0, MAX_CONTEXT_VALUE) } } : {}),
        }),
      );
      // The answer carries only the id: parts come with the delivery event (totalMessageParts).
      return { kind: 'sent', messageId: answer.MessageId ?? '' };
    } catch (err) {
      return awsSendOutcome(describe(err));
    }
  }
}

function describe(err: unknown) {
  const parsed = sdkError.safeParse(err);
  if (!parsed.success) return { name: 'UnknownError' };
  const e = parsed.data;
  const status = e.$metadata?.httpStatusCode;
  return {
    // Node's network errors keep the useful part in `code` (ECONNRESET), the name is just Error.
    name: e.name === 'Error' && e.code ? e.code : e.name,
    ...(e.Reason ? { reason: e.Reason } : {}),
    ...(e.Fields ? { fields: e.Fields.map((f) => f.Name) } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}
