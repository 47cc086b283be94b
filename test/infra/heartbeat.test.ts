import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import { DEFAULT_BOT_KEY_PARAM } from '../../infra/echobot-config.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import {
  allowedActions,
  asArray,
  type CfnTemplate,
  cdkJsonContext,
  getAtt,
  hasResource,
  logicalId,
  ref,
  statementsOfRole,
  stringLeaves,
  templateJson,
} from './infra-test-helpers.ts';

// Bundling is covered by stack.test.ts (and the heartbeat bundle by test/deployed); skip it here.
const synth = (context: Record<string, unknown>) =>
  createEchobotApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });

const functionDescriptions = (json: CfnTemplate) =>
  Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => String(r.Properties?.Description));

describe('a deployed bot that does not peer', () => {
  it.each([
    ['no publicUrl, no peers', {}],
    ['publicUrl but no peers or relay', { publicUrl: 'https://bot.example' }],
    ['relay without publicUrl (peer network off)', { relay: true }],
    [
      'a leaf only (it polls its upstreams)',
      { publicUrl: 'https://leaf.example', upstream: 'https://s.example' },
    ],
  ])('has no heartbeat function or schedule: %s', (_name, context) => {
    const { stack } = synth(context);
    expect(stack.heartbeat).toBeUndefined();
    const json = templateJson(Template.fromStack(stack));
    expect(functionDescriptions(json).some((d) => d.includes('heartbeat'))).toBe(false);
  });
});

describe.each([
  ['peers', { publicUrl: 'https://bot.example', peers: 'https://other.example' }],
  ['relay', { publicUrl: 'https://bot.example', relay: true }],
])('the heartbeat schedule of a deployed bot that peers (context %s)', (_name, context) => {
  let stack: EchobotStack;
  let template: Template;
  let json: CfnTemplate;
  let fnId: string;
  let roleId: string;
  beforeAll(() => {
    ({ stack } = synth(context));
    template = Template.fromStack(stack);
    json = templateJson(template);
    if (!stack.heartbeat) throw new Error('no heartbeat construct');
    fnId = logicalId(stack.heartbeat.heartbeat.fn);
    roleId = logicalId(stack.heartbeat.heartbeat.role);
  }, 120_000);

  it('has a heartbeat function with the peer network environment, done well within a minute', () => {
    expect(json.Resources[fnId]?.Properties).toMatchObject({
      Handler: 'index.handler',
      Timeout: 50,
      Environment: {
        Variables: expect.objectContaining({
          TABLE_NAME: ref(logicalId(stack.table)),
          PUBLIC_URL: 'https://bot.example',
          BOT_KEY_PARAM: DEFAULT_BOT_KEY_PARAM,
          ...('peers' in context ? { ECHOBOT_PEERS: 'https://other.example' } : { ECHOBOT_RELAY: '1' }),
        }),
      },
    });
  });

  it('shows it on the operator dashboard beside the other functions', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody ?? '');
    // The body is JSON inside a Fn::Join: its quotes come escaped.
    expect(body).toMatch(/label\\*":\\*"Heartbeat\\*"/);
    expect(body).toMatch(/label\\*":\\*"Deliver\\*"/);
  });

  it('runs it every minute, with no retries piling up (the next minute is the retry)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [{ Arn: getAtt(fnId, 'Arn'), RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(fnId, 'Arn'),
      Principal: 'events.amazonaws.com',
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(fnId),
      MaximumRetryAttempts: 0,
    });
  });

  it('grants the peer items of the table and the bot key only', () => {
    const statements = statementsOfRole(json, roleId);
    const actions = allowedActions(statements);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actions.filter((a) => a.startsWith('sqs:') || a.startsWith('sns:'))).toEqual([]);
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) {
      expect(hasResource(s, getAtt(logicalId(stack.table), 'Arn'))).toBe(true);
      expect(s).toMatchObject({
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PEER', 'PEERCTL#*'] } },
      });
    }
    const params = statements
      .filter((s) => asArray(s.Action).includes('ssm:GetParameter'))
      .flatMap((s) => [...stringLeaves(s.Resource)].filter((l) => l.startsWith(':parameter/')));
    expect(params).toEqual([`:parameter${DEFAULT_BOT_KEY_PARAM}`]);
  });

  it('has an error alarm like the other functions', () => {
    const alarms = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        JSON.stringify(r.Properties?.Dimensions ?? r.Properties?.Metrics ?? '').includes(fnId),
    );
    expect(alarms.length).toBeGreaterThan(0);
  });

  it('is cdk-nag clean (AWS Solutions), with only the X-Ray wildcard acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    const acknowledged = stack.heartbeat?.heartbeat.role.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.keys(m.data as Record<string, string>))
      .map((id) => id.replace(/^annotation::/i, ''));
    expect(acknowledged).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
