import { Arn, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { ChannelConfig } from './channel-config.ts';
import type { EchobotFunction } from './echobot-function.ts';

export interface EchobotChannelsProps {
  readonly config: ChannelConfig;
  readonly http: EchobotFunction;
  readonly deliver: EchobotFunction;
}

/**
 * Telegram, the IM bridge and the mail gateway: each function gets the names of the parameters it
 * reads (never values) and read access to exactly those; deliver may send mail only as `mailFrom`.
 */
export class EchobotChannels extends Construct {
  constructor(scope: Construct, id: string, props: EchobotChannelsProps) {
    super(scope, id);
    const { config, http, deliver } = props;
    const secure = (cid: string, parameterName: string) =>
      StringParameter.fromSecureStringParameterAttributes(this, cid, { parameterName });
    const botToken = secure('TelegramBotToken', config.telegramBotTokenParam);
    const secretToken = secure('TelegramSecretToken', config.telegramSecretTokenParam);
    const imSecret = secure('ImSecret', config.imSecretParam);

    http.fn.addEnvironment('TELEGRAM_SECRET_TOKEN_PARAM', config.telegramSecretTokenParam);
    http.fn.addEnvironment('IM_SECRET_PARAM', config.imSecretParam);
    secretToken.grantRead(http.role);
    imSecret.grantRead(http.role);

    deliver.fn.addEnvironment('TELEGRAM_BOT_TOKEN_PARAM', config.telegramBotTokenParam);
    deliver.fn.addEnvironment('IM_SECRET_PARAM', config.imSecretParam);
    botToken.grantRead(deliver.role);
    imSecret.grantRead(deliver.role);

    if (config.mailFrom !== undefined) {
      deliver.fn.addEnvironment('MAIL_FROM', config.mailFrom);
      const identity = (name: string) =>
        Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, Stack.of(this));
      const domain = config.mailFrom.slice(config.mailFrom.indexOf('@') + 1);
      deliver.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'SendMailAsTheBotOnly',
          effect: Effect.ALLOW,
          actions: ['ses:SendEmail'],
          // SES authorizes against the address identity or its domain's, whichever was verified.
          resources: [identity(config.mailFrom), identity(domain)],
          conditions: { StringEquals: { 'ses:FromAddress': config.mailFrom } },
        }),
      );
    }
  }
}
