import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import { readSafetyConfig } from '../../infra/safety-config.ts';
import {
  asArray,
  type CfnTemplate,
  cdkJsonContext,
  getAtt,
  hasResource,
  logicalId,
  ref,
  statementsOfRole,
  templateJson,
} from './infra-test-helpers.ts';

const configFrom = (context: Record<string, unknown>) => readSafetyConfig(new App({ context }));

describe('SMS safety settings from CDK context', () => {
  it('defaults to nothing (the code’s defaults) and reads whole numbers', () => {
    expect(configFrom({})).toEqual({});
    expect(configFrom({ smsDailyBudget: '500', postRateLimit: 10, smsMaxSegments: '3' })).toEqual({
      smsDailyBudget: 500,
      postRateLimit: 10,
      smsMaxSegments: 3,
    });
  });

  it.each([
    [{ smsDailyBudget: 'lots' }, /smsDailyBudget.*whole number/],
    [{ postRateLimit: -1 }, /postRateLimit/],
    [{ smsMaxSegments: 0 }, /smsMaxSegments.*at least 1/],
  ])('rejects %j with a specific error', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });
});

describe('SMS safety in the stack', () => {
  let stack: EchobotStack;
  let template: Template;
  let json: CfnTemplate;
  beforeAll(() => {
    ({ stack } = createEchobotApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        smsDailyBudget: '500',
        postRateLimit: '20',
        smsMaxSegments: '3',
      },
    }));
    template = Template.fromStack(stack);
    json = templateJson(template);
  }, 120_000);

  it('has an SMS alert topic that requires TLS, left for the operator to subscribe to, and outputs it', () => {
    const topic = logicalId(stack.safety.alertTopic);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topic)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasOutput('SmsAlertTopicArn', { Value: ref(topic) });
  });

  it('gives http, deliver and digest the settings as the ECHOBOT_* variables npm start reads', () => {
    const env = (id: string) => json.Resources[id]?.Properties?.Environment;
    const topic = ref(logicalId(stack.safety.alertTopic));
    expect(env(logicalId(stack.http.fn))).toEqual({
      Variables: expect.objectContaining({ ECHOBOT_SMS_DAILY_BUDGET: '500', ECHOBOT_POST_RATE_LIMIT: '20' }),
    });
    for (const fn of [stack.deliver.fn, stack.safety.digest.fn]) {
      expect(env(logicalId(fn))).toEqual({
        Variables: expect.objectContaining({
          TABLE_NAME: ref(logicalId(stack.table)),
          ECHOBOT_SMS_DAILY_BUDGET: '500',
          ECHOBOT_SMS_MAX_SEGMENTS: '3',
          ALERT_TOPIC_ARN: topic,
        }),
      });
    }
  });

  it('runs the digest function every 15 minutes on an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: getAtt(logicalId(stack.safety.digest.fn), 'Arn') })],
    });
  });

  it('lets deliver and digest publish to the alert topic, and never SMS through SNS', () => {
    const topic = ref(logicalId(stack.safety.alertTopic));
    for (const role of [stack.deliver.role, stack.safety.digest.role]) {
      const statements = statementsOfRole(json, logicalId(role));
      const onTopic = statements.filter((s) => hasResource(s, topic));
      expect(onTopic.flatMap((s) => asArray(s.Action))).toEqual(['sns:Publish']);
    }
    const digest = statementsOfRole(json, logicalId(stack.safety.digest.role));
    // SMS leave from the bot's number through its provider (test/infra/sms.test.ts), not SNS Publish.
    expect(digest.filter((s) => s.NotResource !== undefined)).toEqual([]);
    // Nobody else may publish to it.
    for (const role of [stack.http.role, stack.fanout.role]) {
      expect(statementsOfRole(json, logicalId(role)).filter((s) => hasResource(s, topic))).toEqual([]);
    }
  });
});
