import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { METRIC, METRICS_NAMESPACE, type Metrics, type SmsMetricEvent } from '../ports/metrics.ts';

/**
 * The Metrics port on Powertools Metrics: embedded metric format lines in the function's log,
 * which CloudWatch turns into metrics (no API call, no added latency). Dimension `service`
 * (POWERTOOLS_SERVICE_NAME, `echobot`) on every metric; `channel` on Echoes, `reason` on Failures.
 */
export class EmfMetrics implements Metrics {
  private readonly metrics: PowertoolsMetrics;
  private postCount = 0;
  private byChannel: Record<string, number> = {};
  private byReason: Record<string, number> = {};
  private budget: number | undefined;
  private smsEvents: Record<SmsMetricEvent, number> = { delivered: 0, failed: 0, 'setup-error': 0 };

  constructor(serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'echobot') {
    this.metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  }

  posts(count: number): void {
    this.postCount += count;
  }

  echoes(byChannel: Readonly<Record<string, number>>): void {
    for (const [k, n] of Object.entries(byChannel)) this.byChannel[k] = (this.byChannel[k] ?? 0) + n;
  }

  failure(reason: string, count = 1): void {
    this.byReason[reason] = (this.byReason[reason] ?? 0) + count;
  }

  smsBudgetUsed(percent: number): void {
    this.budget = percent;
  }

  sms(event: SmsMetricEvent, count = 1): void {
    this.smsEvents[event] += count;
  }

  flush(): void {
    const sms = this.smsEvents;
    const smsNames: Array<[number, string]> = [
      [sms.delivered, METRIC.smsDelivered],
      [sms.failed, METRIC.smsFailed],
      [sms['setup-error'], METRIC.smsSetupErrors],
    ];
    for (const [n, name] of smsNames) if (n > 0) this.metrics.addMetric(name, MetricUnit.Count, n);
    const anySms = smsNames.some(([n]) => n > 0);
    if (this.postCount > 0) this.metrics.addMetric(METRIC.posts, MetricUnit.Count, this.postCount);
    if (this.budget !== undefined)
      this.metrics.addMetric(METRIC.smsBudgetUsedPercent, MetricUnit.Percent, this.budget);
    if (this.postCount > 0 || this.budget !== undefined || anySms) this.metrics.publishStoredMetrics();
    // One line per dimension value: a metric's dimensions are per EMF document.
    for (const [channel, n] of Object.entries(this.byChannel))
      this.single('channel', channel, METRIC.echoes, n);
    for (const [reason, n] of Object.entries(this.byReason))
      this.single('reason', reason, METRIC.failures, n);
    this.postCount = 0;
    this.byChannel = {};
    this.byReason = {};
    this.budget = undefined;
    this.smsEvents = { delivered: 0, failed: 0, 'setup-error': 0 };
  }

  private single(dimension: string, value: string, name: string, n: number): void {
    if (n <= 0) return;
    const one = this.metrics.singleMetric();
    one.addDimension(dimension, value);
    one.addMetric(name, MetricUnit.Count, n);
  }
}
