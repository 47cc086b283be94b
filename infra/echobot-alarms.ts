import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CUSTOM_METRICS, customMetric, smsFailureRate } from './echobot-dashboard.ts';

export interface EchobotAlarmsProps {
  readonly functions: Record<string, IFunction>;
  readonly deliveryDlq: IQueue;
  readonly fanoutFailureQueue: IQueue;
  readonly fanout: IFunction;
  /** Oldest stream record the fanout function may lag behind before alarming. */
  readonly iteratorAgeThreshold?: Duration;
  readonly alertEmail?: string;
  /** The SMS budget alarm fires above this share of the day's budget (percent; default 80). */
  readonly smsBudgetAlarmPercent?: number;
  /** DLQs of the SMS inbound/events functions (provider aws). */
  readonly smsDeadLetterQueues?: readonly IQueue[];
  /** An SMS provider is configured: alarm on its receipts. */
  readonly smsReceipts?: boolean;
  /** The SMS failure-rate alarm fires above this share of final states (percent; default 20). */
  readonly smsFailureRatePercent?: number;
}

/** The operator alerts topic and the alarms that publish to it. */
export class EchobotAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EchobotAlarmsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'AlertsTopic', { displayName: 'echobot alerts', enforceSSL: true });
    // The topic has its own policy (for enforceSSL), so CloudWatch alarms of this account are allowed explicitly.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (props.alertEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alertEmail));
    }

    const minute = Duration.minutes(1);
    this.add('DeliveryDlqNotEmpty', {
      description: 'Echoes failed every retry and wait in the delivery DLQ; inspect, then redrive.',
      metric: props.deliveryDlq.metricApproximateNumberOfMessagesVisible({
        period: minute,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
    });
    this.add('FanoutFailuresNotEmpty', {
      description:
        'Stream records the fanout function could not process were parked in the fanout failures queue.',
      metric: props.fanoutFailureQueue.metricApproximateNumberOfMessagesVisible({
        period: minute,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
    });
    const iteratorAge = props.iteratorAgeThreshold ?? Duration.minutes(5);
    this.add('FanoutIteratorAgeHigh', {
      description: `The fanout function lags more than ${iteratorAge.toHumanString()} behind the table stream.`,
      metric: props.fanout.metric('IteratorAge', { period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      threshold: iteratorAge.toMilliseconds(),
    });
    const budget = props.smsBudgetAlarmPercent ?? 80;
    this.add('SmsBudgetHigh', {
      description: `More than ${budget}% of the day's SMS budget (ECHOBOT_SMS_DAILY_BUDGET) is used; SMS stop at 100%.`,
      metric: customMetric(CUSTOM_METRICS.smsBudgetUsedPercent, Stats.MAXIMUM),
      threshold: budget,
    });
    for (const [i, queue] of (props.smsDeadLetterQueues ?? []).entries()) {
      this.add(`SmsDeadLetters${i + 1}`, {
        description:
          'Inbound SMS or delivery events failed every retry and wait in a DLQ; inspect, then redrive.',
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: Stats.MAXIMUM }),
        threshold: 0,
      });
    }
    if (props.smsReceipts) {
      const rate = props.smsFailureRatePercent ?? 20;
      this.add('SmsFailureRateHigh', {
        description: `More than ${rate}% of SMS reached a failed final state in 15 minutes (at least 5 receipts); see the failure codes on /status.`,
        metric: smsFailureRate(),
        threshold: rate,
      });
      this.add('SmsSetupErrors', {
        description:
          'The SMS provider refused a send for credentials, permissions, the SMS sandbox or the spend limit; echoes are retried, not dropped, until an operator fixes it.',
        metric: customMetric(CUSTOM_METRICS.smsSetupErrors, Stats.SUM),
        // Counts are whole: > 0 is >= 1.
        threshold: 0,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, {
        description: `The ${name} function returned errors.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 0,
      });
      this.add(`${name}Throttles`, {
        description: `The ${name} function was throttled.`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 0,
      });
    }
  }

  private add(id: string, props: { description: string; metric: IMetric; threshold: number }): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
