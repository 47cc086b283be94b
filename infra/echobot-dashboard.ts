import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Custom metrics the functions emit (Powertools Metrics, embedded metric format), as named in
 * lib/ports/metrics.ts. infra/ imports no runtime code, so the names are repeated here and
 * pinned by test/infra/dashboard.test.ts.
 */
export const CUSTOM_METRICS = {
  namespace: 'echobot',
  /** Every metric carries `service` = POWERTOOLS_SERVICE_NAME. */
  service: 'echobot',
  posts: 'Posts',
  echoes: 'Echoes',
  failures: 'Failures',
  smsBudgetUsedPercent: 'SmsBudgetUsedPercent',
  /** SMS receipts (functions/sms-events.ts, /webhooks/twilio/status): final states. */
  smsDelivered: 'SmsDelivered',
  smsFailed: 'SmsFailed',
  /** Sends refused for credentials, permissions, sandbox or spend limit: an operator must act. */
  smsSetupErrors: 'SmsSetupErrors',
} as const;

/** Share of final SMS states that failed (percent); 0 below `minimum` receipts, so one failure is no rate. */
export const smsFailureRate = (period = Duration.minutes(15), minimum = 5) =>
  new MathExpression({
    expression: `IF(FILL(d, 0) + FILL(f, 0) >= ${minimum}, 100 * FILL(f, 0) / (FILL(d, 0) + FILL(f, 0)), 0)`,
    usingMetrics: {
      d: customMetric(CUSTOM_METRICS.smsDelivered, Stats.SUM, period),
      f: customMetric(CUSTOM_METRICS.smsFailed, Stats.SUM, period),
    },
    label: 'SMS failure rate (%)',
    period,
  });

export const customMetric = (name: string, statistic: string = Stats.SUM, period = Duration.minutes(5)) =>
  new Metric({
    namespace: CUSTOM_METRICS.namespace,
    metricName: name,
    dimensionsMap: { service: CUSTOM_METRICS.service },
    statistic,
    period,
  });

export interface EchobotDashboardProps {
  readonly functions: Record<string, IFunction>;
  readonly fanout: IFunction;
  readonly deliveryQueue: IQueue;
  readonly deliveryDlq: IQueue;
  readonly fanoutFailureQueue: IQueue;
  readonly alarms: readonly Alarm[];
  /** An SMS provider is configured: show receipts. */
  readonly smsReceipts?: boolean;
}

/** One CloudWatch dashboard: traffic, the pipeline's queues and lag, function health, alarms. */
export class EchobotDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: EchobotDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const byDimension = (metric: string, dimension: string, label: string) =>
      new MathExpression({
        // One line per channel (or reason), whichever values have been emitted.
        expression: `SEARCH('{${CUSTOM_METRICS.namespace},${dimension},service} MetricName="${metric}"', 'Sum', 300)`,
        label,
        period,
      });
    const fns = Object.entries(props.functions);
    const perFunction = (label: string, metric: (fn: IFunction) => Metric) =>
      new GraphWidget({
        title: label,
        width: 8,
        left: fns.map(([name, fn]) => metric(fn).with({ label: name, period })),
      });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# echobot\nPosts in, echoes out. Runbook: README.md, "Runbook". Custom metrics: namespace `echobot`.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Posts fanned out',
        width: 8,
        left: [customMetric(CUSTOM_METRICS.posts).with({ label: 'posts' })],
      }),
      new GraphWidget({
        title: 'Echoes by channel',
        width: 8,
        left: [byDimension(CUSTOM_METRICS.echoes, 'channel', 'echoes')],
      }),
      new GraphWidget({
        title: 'Failures by reason',
        width: 8,
        left: [byDimension(CUSTOM_METRICS.failures, 'reason', 'failures')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Delivery queue',
        width: 8,
        left: [
          props.deliveryQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'waiting' }),
          props.deliveryQueue.metricApproximateNumberOfMessagesNotVisible({ period, label: 'in flight' }),
        ],
        right: [props.deliveryQueue.metricApproximateAgeOfOldestMessage({ period, label: 'oldest (s)' })],
      }),
      new GraphWidget({
        title: 'Dead letters (must be 0)',
        width: 8,
        left: [
          props.deliveryDlq.metricApproximateNumberOfMessagesVisible({ period, label: 'delivery DLQ' }),
          props.fanoutFailureQueue.metricApproximateNumberOfMessagesVisible({
            period,
            label: 'fanout failures',
          }),
        ],
      }),
      new GraphWidget({
        title: 'Fanout lag behind the table stream (ms)',
        width: 8,
        left: [
          props.fanout.metric('IteratorAge', { period, statistic: Stats.MAXIMUM, label: 'iterator age' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      perFunction('Invocations', (fn) => fn.metricInvocations({ statistic: Stats.SUM })),
      perFunction('Errors', (fn) => fn.metricErrors({ statistic: Stats.SUM })),
      perFunction('Throttles', (fn) => fn.metricThrottles({ statistic: Stats.SUM })),
    );
    this.dashboard.addWidgets(
      perFunction('Duration p99 (ms)', (fn) => fn.metricDuration({ statistic: Stats.p(99) })),
      new GraphWidget({
        title: 'SMS budget used today (%)',
        width: 8,
        left: [customMetric(CUSTOM_METRICS.smsBudgetUsedPercent, Stats.MAXIMUM).with({ label: 'used' })],
        leftYAxis: { min: 0, max: 100 },
      }),
      new AlarmStatusWidget({ title: 'Alarms', width: 8, alarms: [...props.alarms] }),
    );
    if (props.smsReceipts) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'SMS receipts',
          width: 12,
          left: [
            customMetric(CUSTOM_METRICS.smsDelivered).with({ label: 'delivered' }),
            customMetric(CUSTOM_METRICS.smsFailed).with({ label: 'failed' }),
            customMetric(CUSTOM_METRICS.smsSetupErrors).with({ label: 'set-up errors' }),
          ],
        }),
        new GraphWidget({
          title: 'SMS failure rate (%)',
          width: 12,
          left: [smsFailureRate()],
          leftYAxis: { min: 0, max: 100 },
        }),
      );
    }
  }
}
