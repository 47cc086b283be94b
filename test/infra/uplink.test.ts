import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import { DEFAULT_BOT_KEY_PARAM, readEchobotConfig } from '../../infra/echobot-config.ts';
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

// Bundling is covered by stack.test.ts (and the uplink bundle by test/deployed); skip it here.
const synth = (context: Record<string, unknown>) =>
  createEchobotApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });

const configFrom = (context: Record<string, unknown>) => readEchobotConfig(new App({ context }));

describe('CDK context "upstream" (a deployed leaf)', () => {
  it('reads comma-separated super-peer base URLs, trimmed', () => {
    expect(
      configFrom({ publicUrl: 'https://leaf.example', upstream: ' https://s.example/, https://t.example' })
        .upstream,
    ).toBe('https://s.example,https://t.example');
  });

  it.each([
    [
      { publicUrl: 'https://leaf.example', upstream: 'http://s.example' },
      /upstream.*https:\/\/.*"http:\/\/s.example"/,
    ],
    [{ publicUrl: 'https://leaf.example', upstream: 'https://s.example/inbox' }, /upstream.*base URLs/],
    [{ publicUrl: 'https://leaf.example', upstream: 'https://s.example,not a url' }, /upstream.*"not a url"/],
    [{ publicUrl: 'https://leaf.example', upstream: ' , ' }, /upstream.*base URLs/],
    [{ publicUrl: 'https://leaf.example', upstream: 7 }, /upstream.*string/],
    [{ upstream: 'https://s.example' }, /upstream.*needs "publicUrl"/],
  ])('refuses %j at synth with a clear error', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });

  it('adds no uplink function without it', () => {
    const { stack } = synth({ publicUrl: 'https://leaf.example' });
    expect(stack.uplink).toBeUndefined();
    const json = templateJson(Template.fromStack(stack));
    const descriptions = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => String(r.Properties?.Description));
    expect(descriptions.some((d) => d.includes('uplink'))).toBe(false);
    expect(json.Resources[logicalId(stack.fanout.fn)]?.Properties?.Environment).not.toEqual({
      Variables: expect.objectContaining({ ECHOBOT_UPSTREAM: expect.anything() }),
    });
  });
});

describe('the uplink schedule of a deployed leaf (-c upstream=https://s.example)', () => {
  let stack: EchobotStack;
  let template: Template;
  let json: CfnTemplate;
  let fnId: string;
  let roleId: string;
  beforeAll(() => {
    ({ stack } = synth({ publicUrl: 'https://leaf.example', upstream: 'https://s.example' }));
    template = Template.fromStack(stack);
    json = templateJson(template);
    if (!stack.uplink) throw new Error('no uplink construct');
    fnId = logicalId(stack.uplink.uplink.fn);
    roleId = logicalId(stack.uplink.uplink.role);
  }, 120_000);

  it('has an uplink function with the leaf environment, done well within a minute', () => {
    const fn = json.Resources[fnId];
    expect(fn?.Properties).toMatchObject({
      Handler: 'index.handler',
      Timeout: 50,
      Environment: {
        Variables: expect.objectContaining({
          TABLE_NAME: ref(logicalId(stack.table)),
          PUBLIC_URL: 'https://leaf.example',
          BOT_KEY_PARAM: DEFAULT_BOT_KEY_PARAM,
          ECHOBOT_UPSTREAM: 'https://s.example',
        }),
      },
    });
    // Every function of a leaf knows its upstreams (fanout registers interest with each of them).
    for (const other of [stack.http.fn, stack.fanout.fn, stack.deliver.fn])
      expect(json.Resources[logicalId(other)]?.Properties?.Environment).toEqual({
        Variables: expect.objectContaining({ ECHOBOT_UPSTREAM: 'https://s.example' }),
      });
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

  it('grants the table data and the bot key only: no queue, no stream, no other secret', () => {
    const statements = statementsOfRole(json, roleId);
    const actions = allowedActions(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']),
    );
    expect(
      actions.filter((a) => a.startsWith('sqs:') || a.startsWith('sns:') || /^dynamodb:.*Stream/.test(a)),
    ).toEqual([]);
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.every((s) => hasResource(s, getAtt(logicalId(stack.table), 'Arn')))).toBe(true);
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
    const acknowledged = stack.uplink?.uplink.role.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.keys(m.data as Record<string, string>))
      .map((id) => id.replace(/^annotation::/i, ''));
    expect(acknowledged).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
