import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, FunctionUrlAuthType, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import {
  CHANGE_STREAM_TYPES,
  INSERT_STREAM_TYPES,
  TTL_ATTRIBUTE,
} from '../lib/adapters/dynamodb/item-types.ts';
import { type ChannelConfig, readChannelConfig } from './channel-config.ts';
import { EchobotAlarms } from './echobot-alarms.ts';
import { EchobotChannels } from './echobot-channels.ts';
import type { EchobotConfig } from './echobot-config.ts';
import { EchobotDashboard } from './echobot-dashboard.ts';
import { EchobotFunction } from './echobot-function.ts';
import { EchobotHeartbeat } from './echobot-heartbeat.ts';
import { EchobotSafety } from './echobot-safety.ts';
import { EchobotSms } from './echobot-sms.ts';
import { EchobotUplink } from './echobot-uplink.ts';
import { readSafetyConfig, type SafetySettingsConfig, safetyEnvironment } from './safety-config.ts';
import { secureQueue } from './secure-queue.ts';
import { readSmsConfig, type SmsConfig } from './sms-config.ts';

export interface EchobotStackProps extends StackProps {
  readonly config: EchobotConfig;
  /** Telegram, IM bridge and mail settings; read from context when absent. */
  readonly channels?: ChannelConfig;
  /** SMS budget, post rate limit, SMS part limit; read from context when absent. */
  readonly safety?: SafetySettingsConfig;
  /** The bot's SMS number and provider; read from context when absent. */
  readonly sms?: SmsConfig;
}

const DELIVER_TIMEOUT = Duration.seconds(60);
/**
 * An inbox POST may fetch the sender's key (lib/federation/safe-fetch.ts gives up after 10 s)
 * and then write: 20 s leaves the write and a slow cold start their room.
 */
const HTTP_TIMEOUT = Duration.seconds(20);
const DELIVER_BATCHING_WINDOW = Duration.seconds(5);

/**
 * One echobot: http function (Function URL) -> DynamoDB table -> stream -> fanout function ->
 * SQS delivery queue -> deliver function (SMS from the bot's number, IM, peers), with DLQs and alarms to an SNS topic.
 */
export class EchobotStack extends Stack {
  readonly table: TableV2;
  readonly deliveryQueue: Queue;
  readonly deliveryDlq: Queue;
  readonly fanoutFailureQueue: Queue;
  readonly http: EchobotFunction;
  readonly fanout: EchobotFunction;
  readonly deliver: EchobotFunction;
  readonly alarms: EchobotAlarms;
  readonly safety: EchobotSafety;
  readonly dashboard: EchobotDashboard;
  readonly sms: EchobotSms;
  /** Only on a leaf (context `upstream`). */
  readonly uplink?: EchobotUplink;
  /** Only on a bot that peers (context `peers` or `relay`, with `publicUrl`). */
  readonly heartbeat?: EchobotHeartbeat;

  constructor(scope: Construct, id: string, props: EchobotStackProps) {
    super(scope, id, props);
    const { config } = props;

    const table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      dynamoStream: StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const deliveryDlq = secureQueue(this, 'DeliveryDlq', { isDeadLetterQueueFor: 'the delivery queue' });
    const deliveryQueue = secureQueue(this, 'DeliveryQueue', {
      // AWS guidance for SQS-triggered functions: at least 6x the function timeout (+ the batching window).
      visibilityTimeout: Duration.seconds(
        DELIVER_TIMEOUT.toSeconds() * 6 + DELIVER_BATCHING_WINDOW.toSeconds(),
      ),
      deadLetterQueue: { queue: deliveryDlq, maxReceiveCount: 8 },
    });
    const fanoutFailureQueue = secureQueue(this, 'FanoutFailureQueue', {
      isDeadLetterQueueFor:
        'table stream records the fanout function failed to process (on-failure destination)',
    });

    const twilioAuthToken = StringParameter.fromSecureStringParameterAttributes(this, 'TwilioAuthToken', {
      parameterName: config.twilioAuthTokenParam,
    });

    const adminToken = StringParameter.fromSecureStringParameterAttributes(this, 'AdminToken', {
      parameterName: config.adminTokenParam,
    });

    // The bot's ActivityPub signing key (`npm run keys` writes it); read by the two functions that sign.
    const botKey = StringParameter.fromSecureStringParameterAttributes(this, 'BotKey', {
      parameterName: config.botKeyParam,
    });

    // The peer network (lib/compose/peering.ts, configured by functions/config.ts) runs where the bot has a public URL: its identity.
    const peerNetwork = config.publicUrl !== undefined;
    const peerEnvironment: Record<string, string> = peerNetwork
      ? {
          PUBLIC_URL: config.publicUrl ?? '',
          BOT_KEY_PARAM: config.botKeyParam,
          ...(config.peers !== undefined ? { ECHOBOT_PEERS: config.peers } : {}),
          ...(config.relay ? { ECHOBOT_RELAY: '1' } : {}),
          // A leaf: every function knows its upstreams (fanout registers interest with each).
          ...(config.upstream !== undefined ? { ECHOBOT_UPSTREAM: config.upstream } : {}),
        }
      : {};

    const http = new EchobotFunction(this, 'Http', {
      entry: 'http',
      description:
        'echobot http: provider webhooks and federation inbox; authenticates, de-duplicates, writes',
      timeout: HTTP_TIMEOUT,
      memorySize: 512,
      logLevel: config.logLevel,
      environment: {
        TABLE_NAME: table.tableName,
        TWILIO_AUTH_TOKEN_PARAM: config.twilioAuthTokenParam,
        ADMIN_TOKEN_PARAM: config.adminTokenParam,
        BOT_KEY_PARAM: config.botKeyParam,
        DELIVERY_QUEUE_URL: deliveryQueue.queueUrl,
        DELIVERY_DLQ_URL: deliveryDlq.queueUrl,
        ...(config.publicUrl !== undefined ? { PUBLIC_URL: config.publicUrl } : {}),
        // Who may run MODE, KICK and BAN (functions/http.ts parses it with lib/domain/admins.ts).
        ...(config.admins !== undefined ? { ECHOBOT_ADMINS: config.admins } : {}),
        // Actor and object documents answer signed GETs only (lib/usecases/routes/activitypub-routes.ts).
        ...(config.authorizedFetch ? { ECHOBOT_AUTHORIZED_FETCH: '1' } : {}),
        // Relays to subscribe to at cold start (lib/usecases/federation/relay-join.ts).
        ...(config.apRelays !== undefined ? { ECHOBOT_AP_RELAYS: config.apRelays } : {}),
        ...peerEnvironment,
      },
    });
    table.grantReadWriteData(http.role);
    twilioAuthToken.grantRead(http.role);
    adminToken.grantRead(http.role);
    botKey.grantRead(http.role);
    // The status page reads queue depths, and nothing else of the queues.
    for (const q of [deliveryQueue, deliveryDlq]) q.grant(http.role, 'sqs:GetQueueAttributes');
    // Providers (Twilio, Telegram, peers) call in without AWS credentials; the function checks their signatures.
    const webhookUrl = http.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const fanout = new EchobotFunction(this, 'Fanout', {
      entry: 'fanout',
      description: 'echobot fanout: turns each new post on the table stream into batched delivery jobs',
      timeout: Duration.seconds(60),
      logLevel: config.logLevel,
      environment: {
        TABLE_NAME: table.tableName,
        DELIVERY_QUEUE_URL: deliveryQueue.queueUrl,
        ...peerEnvironment,
      },
    });
    // Without peers fanout only reads; the peer network records what it sent to whom (interest
    // sequence numbers, relayed posts), so with it fanout writes too.
    if (peerNetwork) {
      table.grantReadWriteData(fanout.role);
      botKey.grantRead(fanout.role);
    } else table.grantReadData(fanout.role);
    deliveryQueue.grantSendMessages(fanout.role);
    fanout.fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        // Well inside the stream's 24 h retention: a stuck record goes to the failure queue (kept 14 days)
        // instead of being trimmed from the stream unseen.
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(fanoutFailureQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            // New posts fan out; queued replies (OUTMSG items, type=reply) become one-recipient jobs;
            // federation tasks (FEDTASK items, type=fedtask) become federation jobs. Peer network:
            // relayed posts (type=relay), their deletes (type=relaydel), control items (type=peerctl)
            // and tombstones (type=gone: a member's deleted post is told to peers) too.
            dynamodb: {
              NewImage: { type: { S: FilterRule.or(...INSERT_STREAM_TYPES) } },
            },
          }),
          // Peer network: interest changes (`WANTS#` items, kept with on=false on unfollow).
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { type: { S: FilterRule.or(...CHANGE_STREAM_TYPES) } } },
          }),
        ],
      }),
    );

    const deliver = new EchobotFunction(this, 'Deliver', {
      entry: 'deliver',
      description:
        'echobot deliver: sends delivery jobs by SMS (the bot number), IM and signed HTTP to peers',
      timeout: DELIVER_TIMEOUT,
      logLevel: config.logLevel,
      environment: {
        TABLE_NAME: table.tableName,
        DELIVERY_QUEUE_URL: deliveryQueue.queueUrl,
        BOT_KEY_PARAM: config.botKeyParam,
        // Federation deliveries need the bot's own URL outside any request.
        ECHOBOT_BASE_URL: config.publicUrl ?? webhookUrl.url,
        // The number's SMS rate, shared by at most maxConcurrency invocations (lib/usecases/send-pacer.ts).
        ECHOBOT_SMS_PER_SECOND: String(config.smsPerSecond),
        ECHOBOT_DELIVER_CONCURRENCY: String(config.maxConcurrency),
        ...peerEnvironment,
      },
    });
    botKey.grantRead(deliver.role);
    table.grantReadWriteData(deliver.role);
    deliveryQueue.grantSendMessages(deliver.role);
    deliver.fn.addEventSource(
      new SqsEventSource(deliveryQueue, {
        batchSize: 10,
        maxBatchingWindow: DELIVER_BATCHING_WINDOW,
        reportBatchItemFailures: true,
        // Each invocation sends 10 jobs x 8 at a time: this bounds the bot's outbound rate.
        maxConcurrency: config.maxConcurrency,
      }),
    );
    // Retry backoff sets the visibility of in-flight jobs (the event source's consume grant has it too).
    deliveryQueue.grant(deliver.role, 'sqs:ChangeMessageVisibility');

    new EchobotChannels(this, 'Channels', {
      config: props.channels ?? readChannelConfig(this),
      http,
      deliver,
    });

    const safety = new EchobotSafety(this, 'Safety', {
      config: props.safety ?? readSafetyConfig(this),
      table,
      http,
      deliver,
      logLevel: config.logLevel,
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
      ...(config.alertEmail !== undefined ? { alertEmail: config.alertEmail } : {}),
    });

    const smsConfig = props.sms ?? readSmsConfig(this, config.twilioAuthTokenParam);
    const safetySettings = safetyEnvironment(props.safety ?? readSafetyConfig(this));
    const sms = new EchobotSms(this, 'Sms', {
      config: smsConfig,
      table,
      deliveryQueue,
      http,
      senders: [deliver, safety.digest],
      // The two-way function ingests exactly as the http function does.
      ingestEnvironment: {
        TABLE_NAME: table.tableName,
        BOT_KEY_PARAM: config.botKeyParam,
        // Post ids are URLs under the bot's base URL; a two-way SMS arrives outside any request.
        ECHOBOT_BASE_URL: config.publicUrl ?? webhookUrl.url,
        ...(config.publicUrl !== undefined ? { PUBLIC_URL: config.publicUrl } : {}),
        ...(config.admins !== undefined ? { ECHOBOT_ADMINS: config.admins } : {}),
        ...Object.fromEntries(
          Object.entries(safetySettings).filter(([k]) => k !== 'ECHOBOT_SMS_MAX_SEGMENTS'),
        ),
        ...peerEnvironment,
      },
      ingestReads: [botKey],
      logLevel: config.logLevel,
    });
    const smsFunctions = {
      ...(sms.inbound !== undefined ? { SmsInbound: sms.inbound.fn } : {}),
      ...(sms.events !== undefined ? { SmsEvents: sms.events.fn } : {}),
    };

    // A leaf (context `upstream`; it needs publicUrl, so the peer network is on): the uplink schedule.
    const uplink =
      config.upstream !== undefined
        ? new EchobotUplink(this, 'Leaf', {
            table,
            botKey,
            environment: peerEnvironment,
            logLevel: config.logLevel,
          })
        : undefined;

    // A bot that peers (context `peers` or `relay`; the peer network needs publicUrl): heartbeats.
    const heartbeat =
      peerNetwork && (config.peers !== undefined || config.relay)
        ? new EchobotHeartbeat(this, 'Peering', {
            table,
            botKey,
            environment: peerEnvironment,
            logLevel: config.logLevel,
          })
        : undefined;

    const alarms = new EchobotAlarms(this, 'Alarms', {
      functions: {
        Http: http.fn,
        Fanout: fanout.fn,
        Deliver: deliver.fn,
        Digest: safety.digest.fn,
        ...smsFunctions,
        ...(uplink !== undefined ? { Uplink: uplink.uplink.fn } : {}),
        ...(heartbeat !== undefined ? { Heartbeat: heartbeat.heartbeat.fn } : {}),
      },
      fanout: fanout.fn,
      deliveryDlq,
      fanoutFailureQueue,
      smsDeadLetterQueues: sms.deadLetterQueues,
      smsReceipts: smsConfig.provider !== 'none',
      ...(config.alertEmail !== undefined ? { alertEmail: config.alertEmail } : {}),
    });

    const dashboard = new EchobotDashboard(this, 'Dashboard', {
      functions: {
        Http: http.fn,
        Fanout: fanout.fn,
        Deliver: deliver.fn,
        ...smsFunctions,
        // The scheduled ones, when the bot has them: a failing uplink or heartbeat shows here too.
        ...(uplink !== undefined ? { Uplink: uplink.uplink.fn } : {}),
        ...(heartbeat !== undefined ? { Heartbeat: heartbeat.heartbeat.fn } : {}),
      },
      fanout: fanout.fn,
      smsReceipts: smsConfig.provider !== 'none',
      deliveryQueue,
      deliveryDlq,
      fanoutFailureQueue,
      alarms: alarms.alarms,
    });

    // Twilio signs the exact URL it calls, so with a custom domain that domain's URL is the one to give it.
    const publicBase = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, '')}/` : webhookUrl.url;
    new CfnOutput(this, 'WebhookBaseUrl', {
      description: 'Base URL of the http function (Lambda Function URL)',
      value: webhookUrl.url,
    });
    new CfnOutput(this, 'TwilioWebhookUrl', {
      description: 'Give this URL to Twilio as the messaging webhook (HTTP POST); smsProvider=twilio only',
      value: `${publicBase}webhooks/twilio`,
    });
    if (smsConfig.provider === 'twilio') {
      // Deliver sends StatusCallback from its own base URL (PUBLIC_URL, else ECHOBOT_BASE_URL); shown for checking.
      new CfnOutput(this, 'TwilioStatusCallbackUrl', {
        description: 'Where Twilio posts delivery status callbacks (set per message by the bot)',
        value: `${publicBase}webhooks/twilio/status`,
      });
    }
    if (
      sms.twoWayTopic !== undefined &&
      sms.twoWayRole !== undefined &&
      sms.configurationSetName !== undefined
    ) {
      new CfnOutput(this, 'SmsTwoWayTopicArn', {
        description: 'The bot number’s two-way channel (set by the stack when smsNumberId is given)',
        value: sms.twoWayTopic.topicArn,
      });
      new CfnOutput(this, 'SmsTwoWayRoleArn', { value: sms.twoWayRole.roleArn });
      new CfnOutput(this, 'SmsConfigurationSetName', { value: sms.configurationSetName });
    }
    this.table = table;
    this.deliveryQueue = deliveryQueue;
    this.deliveryDlq = deliveryDlq;
    this.fanoutFailureQueue = fanoutFailureQueue;
    this.http = http;
    this.fanout = fanout;
    this.deliver = deliver;
    this.alarms = alarms;
    this.safety = safety;
    this.dashboard = dashboard;
    this.sms = sms;
    if (uplink !== undefined) this.uplink = uplink;
    if (heartbeat !== undefined) this.heartbeat = heartbeat;

    new CfnOutput(this, 'TelegramWebhookUrl', {
      description: 'npm run telegram:webhook sets this as the bot’s webhook',
      value: `${publicBase}webhooks/telegram`,
    });
    new CfnOutput(this, 'ImBridgeWebhookUrl', {
      description: 'Where an IM bridge POSTs signed messages',
      value: `${publicBase}webhooks/im`,
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: deliveryQueue.queueUrl });
    new CfnOutput(this, 'DeliveryDlqUrl', { value: deliveryDlq.queueUrl });
    new CfnOutput(this, 'FanoutFailureQueueUrl', { value: fanoutFailureQueue.queueUrl });
    new CfnOutput(this, 'AlertsTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'SmsAlertTopicArn', {
      description: 'Subscribe to this topic (email or SMS) to hear when the daily SMS budget runs out',
      value: safety.alertTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }
}
