/**
 * Custom metrics (CloudWatch, namespace `echobot`, through Powertools' embedded metric format):
 * posts fanned out, echoes by channel kind, failures by reason, and the SMS budget used.
 * Handlers collect during an invocation and `flush` once at its end.
 *
 * Metric names (the dashboard and alarms in infra/echobot-dashboard.ts depend on them):
 * `Posts`; `Echoes` with dimension `channel`; `Failures` with dimension `reason`;
 * `SmsBudgetUsedPercent` (the share of ECHOBOT_SMS_DAILY_BUDGET sent today, 0-100+);
 * `SmsDelivered`, `SmsFailed` (final receipts) and `SmsSetupErrors` (sends refused for credentials,
 * permissions, the sandbox or the spend limit: the `SmsSetupErrors` alarm).
 */
export interface Metrics {
  posts(count: number): void;
  /** Echoes sent, by channel kind (`{ sms: 3, telegram: 1 }`). */
  echoes(byChannel: Readonly<Record<string, number>>): void;
  /** `send-failed`, `refused:<reason>`, `job-failed`, `fanout-record-failed`, `enqueue-failed`, ... */
  failure(reason: string, count?: number): void;
  /** The day's SMS budget used, in percent; the `SmsBudget` alarm fires at 80. */
  smsBudgetUsed(percent: number): void;
  /** SMS outcomes an operator watches: final receipts, and set-up errors (retried, alarmed). */
  sms?(event: SmsMetricEvent, count?: number): void;
  /** Publishes what was collected; call once at the end of an invocation. */
  flush(): void;
}

export type SmsMetricEvent = 'delivered' | 'failed' | 'setup-error';

/** Metrics nowhere: the local node (it has /status) and tests that do not look at them. */
export const noMetrics: Metrics = {
  posts: () => undefined,
  echoes: () => undefined,
  failure: () => undefined,
  smsBudgetUsed: () => undefined,
  flush: () => undefined,
};

export const METRICS_NAMESPACE = 'echobot';
export const METRIC = {
  posts: 'Posts',
  echoes: 'Echoes',
  failures: 'Failures',
  smsBudgetUsedPercent: 'SmsBudgetUsedPercent',
  smsDelivered: 'SmsDelivered',
  smsFailed: 'SmsFailed',
  smsSetupErrors: 'SmsSetupErrors',
} as const;
