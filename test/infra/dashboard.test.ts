import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import { CUSTOM_METRICS } from '../../infra/echobot-dashboard.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import { METRIC, METRICS_NAMESPACE } from '../../lib/ports/metrics.ts';
import { cdkJsonContext, logicalId, ref } from './infra-test-helpers.ts';

let stack: EchobotStack;
let template: Template;
let body: string;

beforeAll(() => {
  // Synth runs cdk-nag (AwsSolutions) and throws on any unacknowledged finding: the dashboard adds none.
  const created = createEchobotApp({ context: cdkJsonContext() });
  stack = created.stack;
  created.app.synth();
  template = Template.fromStack(stack);
  const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
  const [dashboard] = Object.values(dashboards);
  body = JSON.stringify(dashboard?.Properties?.DashboardBody ?? '');
}, 180_000);

describe('operator dashboard and the SMS budget alarm', () => {
  it('infra names the custom metrics exactly as the runtime emits them', () => {
    expect(CUSTOM_METRICS.namespace).toBe(METRICS_NAMESPACE);
    expect({
      posts: CUSTOM_METRICS.posts,
      echoes: CUSTOM_METRICS.echoes,
      failures: CUSTOM_METRICS.failures,
      smsBudgetUsedPercent: CUSTOM_METRICS.smsBudgetUsedPercent,
      smsDelivered: CUSTOM_METRICS.smsDelivered,
      smsFailed: CUSTOM_METRICS.smsFailed,
      smsSetupErrors: CUSTOM_METRICS.smsSetupErrors,
    }).toEqual(METRIC);
  });

  it('is one dashboard with posts, echoes by channel, failures by reason, queues, lag, function health, SMS budget and alarms', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const text of [
      'Posts fanned out',
      'Echoes by channel',
      'MetricName=\\\\\\"Echoes\\\\\\"',
      'Failures by reason',
      'Delivery queue',
      'Dead letters (must be 0)',
      'IteratorAge',
      'Invocations',
      'Errors',
      'Throttles',
      'Duration p99 (ms)',
      'SmsBudgetUsedPercent',
      'ApproximateAgeOfOldestMessage',
      'alarm',
    ])
      expect(body).toContain(text);
    // Every function appears in the per-function widgets.
    for (const fn of [stack.http.fn, stack.fanout.fn, stack.deliver.fn])
      expect(body).toContain(logicalId(fn));
    template.hasOutput('DashboardName', { Value: ref(logicalId(stack.dashboard.dashboard)) });
  });

  it('alarms above 80% of the day’s SMS budget, on the custom metric the SMS budget code emits', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'echobot',
      MetricName: 'SmsBudgetUsedPercent',
      Dimensions: [{ Name: 'service', Value: 'echobot' }],
      Statistic: 'Maximum',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(logicalId(stack.alarms.topic))],
      OKActions: Match.anyValue(),
    });
  });

  it('shows every alarm in the alarm status widget', () => {
    for (const alarm of stack.alarms.alarms) expect(body).toContain(logicalId(alarm));
    expect(stack.alarms.alarms.length).toBeGreaterThanOrEqual(10);
  });
});
