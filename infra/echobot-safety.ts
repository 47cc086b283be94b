import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { EchobotFunction, runOnSchedule } from './echobot-function.ts';
import { type SafetySettingsConfig, safetyEnvironment } from './safety-config.ts';

export interface EchobotSafetyProps {
  readonly config: SafetySettingsConfig;
  readonly table: TableV2;
  readonly http: EchobotFunction;
  readonly deliver: EchobotFunction;
  readonly logLevel: string;
  readonly publicUrl?: string;
  /** Subscribed to the SMS alert topic when given (the operator may add SMS or other subscriptions). */
  readonly alertEmail?: string;
}

/** How often due quiet-hours digests go out: at most this late after a member's quiet window ends. */
export const DIGEST_RATE = Duration.minutes(15);

/**
 * SMS safety: the settings as environment variables, the SMS budget alert topic
 * (`ALERT_TOPIC_ARN`), and the digest function that an EventBridge schedule runs every
 * 15 minutes to send quiet-hours digests.
 */
export class EchobotSafety extends Construct {
  readonly alertTopic: Topic;
  readonly digest: EchobotFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: EchobotSafetyProps) {
    super(scope, id);
    const env = safetyEnvironment(props.config);

    this.alertTopic = new Topic(this, 'SmsAlertTopic', {
      displayName: 'echobot SMS budget',
      enforceSSL: true,
    });
    if (props.alertEmail) this.alertTopic.addSubscription(new EmailSubscription(props.alertEmail));

    // The post rate limit and the "SMS paused" notice are decided at ingest.
    for (const [k, v] of Object.entries(env)) {
      if (k !== 'ECHOBOT_SMS_MAX_SEGMENTS') props.http.fn.addEnvironment(k, v);
    }
    for (const [k, v] of Object.entries(env)) props.deliver.fn.addEnvironment(k, v);
    props.deliver.fn.addEnvironment('ALERT_TOPIC_ARN', this.alertTopic.topicArn);
    this.alertTopic.grantPublish(props.deliver.role);

    this.digest = new EchobotFunction(this, 'Digest', {
      entry: 'digest',
      description: 'echobot digest: sends quiet-hours digests that are due (scheduled every 15 minutes)',
      timeout: Duration.minutes(5),
      logLevel: props.logLevel,
      environment: {
        TABLE_NAME: props.table.tableName,
        ALERT_TOPIC_ARN: this.alertTopic.topicArn,
        ...env,
        ...(props.publicUrl !== undefined ? { PUBLIC_URL: props.publicUrl } : {}),
      },
    });
    props.table.grantReadWriteData(this.digest.role);
    this.alertTopic.grantPublish(this.digest.role);

    // A missed run is harmless: the next one sends what is due.
    this.schedule = runOnSchedule(this, 'DigestSchedule', this.digest, {
      rate: DIGEST_RATE,
      description: 'echobot: send quiet-hours digests that are due',
    });
  }
}
