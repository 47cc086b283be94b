import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../ports/metrics.ts';
import type { SmsReceiptMetrics } from '../ports/sms-receipts.ts';

/** Metric names the stack's SMS failure-rate alarm divides (infra/echobot-dashboard.ts). */
export const SMS_RECEIPT_METRIC = { delivered: 'SmsDelivered', failed: 'SmsFailed' } as const;

/** SMS final states as embedded-metric-format lines (namespace `echobot`, dimension `service`). */
export class EmfSmsReceiptMetrics implements SmsReceiptMetrics {
  private readonly metrics: PowertoolsMetrics;
  private counts = { delivered: 0, failed: 0 };

  constructor(serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'echobot') {
    this.metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  }

  sms(event: 'delivered' | 'failed', count = 1): void {
    this.counts[event] += count;
  }

  /** Publishes what was counted; call once at the end of an invocation. */
  flush(): void {
    const { delivered, failed } = this.counts;
    if (delivered === 0 && failed === 0) return;
    // Both, zeros included, so the alarm's ratio has a denominator in every period with receipts.
    this.metrics.addMetric(SMS_RECEIPT_METRIC.delivered, MetricUnit.Count, delivered);
    this.metrics.addMetric(SMS_RECEIPT_METRIC.failed, MetricUnit.Count, failed);
    this.metrics.publishStoredMetrics();
    this.counts = { delivered: 0, failed: 0 };
  }
}
