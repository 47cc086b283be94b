import { Arn, ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnConfigurationSet } from 'aws-cdk-lib/aws-smsvoice';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { type IStringParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { EchobotFunction } from './echobot-function.ts';
import { secureQueue } from './secure-queue.ts';
import type { SmsConfig } from './sms-config.ts';

export interface EchobotSmsProps {
  readonly config: SmsConfig;
  readonly table: TableV2;
  readonly deliveryQueue: Queue;
  readonly http: EchobotFunction;
  /** Every function that sends SMS (deliver, digest): same number, same provider, same grants. */
  readonly senders: readonly EchobotFunction[];
  /** What the http function's ingest reads (table, queue, admins, safety settings); the two-way function ingests too. */
  readonly ingestEnvironment: Record<string, string>;
  /** Parameters ingest reads (the bot key, for FOLLOW of remote accounts): read by the two-way function too. */
  readonly ingestReads?: readonly IStringParameter[];
  readonly logLevel: string;
}

/** The construct id aws-cdk-lib gives the AwsCustomResource provider singleton. */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

const FUNCTION_TIMEOUT = Duration.seconds(30);
const BATCHING_WINDOW = Duration.seconds(1);
/** Receives of one notification before it is parked in its queue's DLQ (alarmed). */
const MAX_RECEIVES = 5;

/**
 * The bot's one SMS number, both ways, through one provider.
 *
 * aws: a configuration set whose SNS event destination feeds `functions/sms-events.ts` (delivery
 * receipts), a two-way SNS topic feeding `functions/sms-inbound.ts` (inbound SMS -> ingest), and,
 * when the number's id is known (`smsNumberId`), a custom resource that points the existing number
 * at that topic (UpdatePhoneNumber). Not `AWS::SMSVOICE::PhoneNumber`: that resource *requests a
 * new* number, and a number cannot be registered (10DLC, toll-free verification) through
 * CloudFormation; the member must keep the number they already text.
 *
 * Each topic feeds an SQS queue that feeds its function (SNS -> SQS -> Lambda), record by record
 * with partial batch failure reporting: one failing notification is retried alone, a notification
 * that is not ours is logged and dropped, and one that fails every retry is parked in the queue's
 * DLQ (alarmed by the stack). Ingest and receipts are idempotent by `inboundMessageId` /
 * `messageId`, so a redelivered notification changes nothing twice.
 *
 * twilio: parameter names (never values) and read access to exactly those parameters.
 */
export class EchobotSms extends Construct {
  readonly inbound?: EchobotFunction;
  readonly events?: EchobotFunction;
  readonly deadLetterQueues: Queue[] = [];
  /** The queue between each topic and its function. */
  readonly inboundQueue?: Queue;
  readonly eventsQueue?: Queue;
  readonly configurationSetName?: string;
  readonly twoWayTopic?: Topic;
  readonly eventsTopic?: Topic;
  readonly twoWayRole?: Role;

  constructor(scope: Construct, id: string, props: EchobotSmsProps) {
    super(scope, id);
    const { config, http, senders } = props;
    const all = [http, ...senders];
    if (config.provider === 'none') {
      // No number was given: SMS echoes are refused with a reason (the runtime reads the absence).
      for (const fn of all) fn.fn.addEnvironment('ECHOBOT_SMS_PROVIDER', 'none');
      return;
    }
    for (const fn of all) {
      fn.fn.addEnvironment('ECHOBOT_SMS_PROVIDER', config.provider);
      fn.fn.addEnvironment('ECHOBOT_SMS_NUMBER', config.number);
    }
    if (config.provider === 'twilio') {
      const secure = (cid: string, parameterName: string) =>
        StringParameter.fromSecureStringParameterAttributes(this, cid, { parameterName });
      const params = [
        secure('TwilioAuthToken', config.authTokenParam),
        ...(config.apiKeyParam !== undefined && config.apiSecretParam !== undefined
          ? [secure('TwilioApiKey', config.apiKeyParam), secure('TwilioApiSecret', config.apiSecretParam)]
          : []),
      ];
      for (const fn of senders) {
        fn.fn.addEnvironment('TWILIO_ACCOUNT_SID', config.accountSid);
        fn.fn.addEnvironment('TWILIO_AUTH_TOKEN_PARAM', config.authTokenParam);
        if (config.apiKeyParam !== undefined && config.apiSecretParam !== undefined) {
          fn.fn.addEnvironment('TWILIO_API_KEY_PARAM', config.apiKeyParam);
          fn.fn.addEnvironment('TWILIO_API_SECRET_PARAM', config.apiSecretParam);
        }
        if (config.messagingServiceSid !== undefined)
          fn.fn.addEnvironment('TWILIO_MESSAGING_SERVICE_SID', config.messagingServiceSid);
        for (const p of params) p.grantRead(fn.role);
      }
      http.fn.addEnvironment('TWILIO_ACCOUNT_SID', config.accountSid);
      return;
    }

    // ---- aws: AWS End User Messaging SMS ----
    const stack = Stack.of(this);
    const smsArn = (resource: string, resourceName: string) =>
      Arn.format(
        { service: 'sms-voice', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
        stack,
      );
    // A fixed name, so the topic policy can name the configuration set without a dependency cycle.
    const configurationSetName = `${Aws.STACK_NAME}-sms`;
    const configurationSetArn = smsArn('configuration-set', configurationSetName);
    const numberArn =
      config.numberId === undefined
        ? undefined
        : config.numberId.startsWith('arn:')
          ? config.numberId
          : smsArn('phone-number', config.numberId);

    // sms-voice publishes to the events topic as a service principal, which the AWS managed SNS key
    // does not allow, so both topics share one customer managed key that names it.
    const key = new Key(this, 'TopicKey', {
      description: 'echobot SMS topics (two-way inbound and delivery events)',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSmsVoiceToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    const eventsTopic = new Topic(this, 'EventsTopic', {
      displayName: 'echobot SMS delivery events',
      masterKey: key,
      enforceSSL: true,
    });
    const eventsPolicy = eventsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisConfigurationSetOnly',
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [eventsTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': configurationSetArn },
        },
      }),
    );
    const configurationSet = new CfnConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName,
      eventDestinations: [
        {
          eventDestinationName: 'receipts',
          enabled: true,
          // Every text event: the events function keeps final states and ignores the rest.
          matchingEventTypes: ['ALL'],
          snsDestination: { topicArn: eventsTopic.topicArn },
        },
      ],
    });
    if (eventsPolicy.policyDependable) configurationSet.node.addDependency(eventsPolicy.policyDependable);

    const twoWayTopic = new Topic(this, 'TwoWayTopic', {
      displayName: 'echobot inbound SMS (two-way)',
      masterKey: key,
      enforceSSL: true,
    });
    const twoWayRole = new Role(this, 'TwoWayRole', {
      assumedBy: new ServicePrincipal('sms-voice.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'End User Messaging SMS publishes the bot number inbound SMS to the two-way topic',
    });
    twoWayTopic.grantPublish(twoWayRole);
    Validations.of(twoWayRole).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted topic needs GenerateDataKey for the data-key variants; the grant is on the one topic key only.',
    });

    for (const fn of senders) {
      fn.fn.addEnvironment('ECHOBOT_SMS_CONFIGURATION_SET', configurationSetName);
      // Named as the OriginationIdentity when known (the E.164 number otherwise).
      if (config.numberId !== undefined) fn.fn.addEnvironment('ECHOBOT_SMS_NUMBER_ID', config.numberId);
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'SendSmsFromTheBotNumberOnly',
          effect: Effect.ALLOW,
          actions: ['sms-voice:SendTextMessage'],
          // Without smsNumberId the number's ARN is unknown at synth: any phone number of this
          // account and region (no sender ids, pools or other accounts); the function always
          // names ECHOBOT_SMS_NUMBER as the origination identity.
          resources: [numberArn ?? smsArn('phone-number', '*'), configurationSetArn],
        }),
      );
    }

    const subscribe = (
      cid: string,
      entry: 'sms-inbound' | 'sms-events',
      topic: Topic,
      description: string,
      environment: Record<string, string>,
    ) => {
      const fn = new EchobotFunction(this, cid, {
        entry,
        description,
        timeout: FUNCTION_TIMEOUT,
        logLevel: props.logLevel,
        environment,
      });
      const failed = secureQueue(this, `${cid}FailedNotifications`, {
        isDeadLetterQueueFor: `${entry} notifications that failed every retry`,
      });
      const queue = secureQueue(this, `${cid}Queue`, {
        // AWS guidance for SQS-triggered functions: at least 6x the function timeout (+ the batching window).
        visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6 + BATCHING_WINDOW.toSeconds()),
        deadLetterQueue: { queue: failed, maxReceiveCount: MAX_RECEIVES },
      });
      // Raw delivery off: the body is the SNS notification, whose Message the function parses.
      topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: false }));
      fn.fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: 10,
          maxBatchingWindow: BATCHING_WINDOW,
          reportBatchItemFailures: true,
        }),
      );
      this.deadLetterQueues.push(failed);
      return { fn, queue };
    };
    const common = {
      ECHOBOT_SMS_PROVIDER: 'aws',
      ECHOBOT_SMS_NUMBER: config.number,
      ECHOBOT_SMS_CONFIGURATION_SET: configurationSetName,
    };
    const { fn: inbound, queue: inboundQueue } = subscribe(
      'Inbound',
      'sms-inbound',
      twoWayTopic,
      'echobot sms-inbound: two-way SMS to the bot number -> the same ingest as every webhook',
      { ...props.ingestEnvironment, ...common },
    );
    // Ingest writes the table only: queued replies reach the delivery queue through the stream and fanout.
    props.table.grantReadWriteData(inbound.role);
    for (const p of props.ingestReads ?? []) p.grantRead(inbound.role);
    const { fn: events, queue: eventsQueue } = subscribe(
      'Events',
      'sms-events',
      eventsTopic,
      'echobot sms-events: configuration set delivery events -> SMS receipts',
      {
        TABLE_NAME: props.table.tableName,
        DELIVERY_QUEUE_URL: props.deliveryQueue.queueUrl,
        ...common,
      },
    );
    // Receipts, day counters and failure streaks live in the table.
    props.table.grantReadWriteData(events.role);
    // A number that keeps failing is told so on another channel: a one-recipient job.
    props.deliveryQueue.grantSendMessages(events.role);

    if (config.numberId !== undefined && numberArn !== undefined) {
      const update = (enabled: boolean) => ({
        service: 'PinpointSMSVoiceV2',
        action: 'UpdatePhoneNumber',
        parameters: {
          PhoneNumberId: config.numberId,
          TwoWayEnabled: enabled,
          ...(enabled
            ? { TwoWayChannelArn: twoWayTopic.topicArn, TwoWayChannelRole: twoWayRole.roleArn }
            : {}),
          // STOP/HELP/START reach the bot, which keeps the opt-out state and answers them.
          SelfManagedOptOutsEnabled: enabled,
        },
        physicalResourceId: PhysicalResourceId.of(`${config.numberId}-two-way`),
      });
      const twoWay = new AwsCustomResource(this, 'TwoWay', {
        onCreate: update(true),
        onUpdate: update(true),
        // Removing the stack hands the number back with AWS's own opt-out handling.
        onDelete: update(false),
        installLatestAwsSdk: false,
        policy: AwsCustomResourcePolicy.fromStatements([
          new PolicyStatement({ actions: ['sms-voice:UpdatePhoneNumber'], resources: [numberArn] }),
          new PolicyStatement({ actions: ['iam:PassRole'], resources: [twoWayRole.roleArn] }),
        ]),
      });
      twoWay.node.addDependency(twoWayTopic, twoWayRole);
      // The provider function AwsCustomResource shares across the stack (one per stack, built by CDK).
      const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
      if (provider !== undefined)
        Validations.of(provider).acknowledge(
          {
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
            reason:
              'The AwsCustomResource provider is built by CDK with the basic execution role; it runs only at deploy time to call UpdatePhoneNumber on the one number.',
          },
          {
            id: 'AwsSolutions-L1',
            reason:
              'The AwsCustomResource provider runtime is chosen by aws-cdk-lib, not this project; it runs only at deploy time.',
          },
        );
    } else {
      for (const fn of senders)
        Validations.of(fn.role).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:phone-number/*]',
          reason:
            'No smsNumberId was given, so the number’s ARN is unknown at synth; SendTextMessage is limited to this account’s phone numbers in this region and the one configuration set. Give -c smsNumberId=phone-... to scope it to the one number.',
        });
    }

    this.inbound = inbound;
    this.events = events;
    this.inboundQueue = inboundQueue;
    this.eventsQueue = eventsQueue;
    this.configurationSetName = configurationSetName;
    this.twoWayTopic = twoWayTopic;
    this.eventsTopic = eventsTopic;
    this.twoWayRole = twoWayRole;
  }
}
