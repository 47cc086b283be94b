import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import { readSmsConfig } from '../../infra/sms-config.ts';
import {
  allowedActions,
  asArray,
  type CfnTemplate,
  cdkJsonContext,
  getAtt,
  identityStatements,
  logicalId,
  ref,
  statementsOfRole,
  stringLeaves,
  templateJson,
} from './infra-test-helpers.ts';

const NUMBER = '+15550001111';
const NUMBER_ID = 'phone-0123456789abcdef0123456789abcdef';
const ACCOUNT_SID = `AC${'ab'.repeat(16)}`;
const TOKEN_PARAM = '/echobot/twilio-auth-token';

const configFrom = (context: Record<string, unknown>) => readSmsConfig(new App({ context }), TOKEN_PARAM);

/** Synthesizes (cdk-nag runs at synth and throws on any unacknowledged finding) without bundling. */
const synth = (context: Record<string, unknown>) => {
  const { app, stack } = createEchobotApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  app.synth();
  const template = Template.fromStack(stack);
  return { stack, template, json: templateJson(template) };
};

const envOf = (json: CfnTemplate, fnLogicalId: string): Record<string, unknown> =>
  (json.Resources[fnLogicalId]?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)
    ?.Variables ?? {};

const expectNagClean = (stack: EchobotStack) => {
  const report = new AwsSolutionsChecks().validateScope(stack);
  expect(
    report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
  ).toEqual([]);
};

describe('SMS settings from CDK context', () => {
  it('defaults to no provider: a stack cannot own a number it was not given', () => {
    expect(configFrom({})).toEqual({ provider: 'none' });
  });

  it('needs only the provider and the number for aws', () => {
    expect(configFrom({ smsProvider: 'aws', smsNumber: NUMBER })).toEqual({
      provider: 'aws',
      number: NUMBER,
    });
    expect(configFrom({ smsProvider: 'aws', smsNumber: NUMBER, smsNumberId: NUMBER_ID })).toEqual({
      provider: 'aws',
      number: NUMBER,
      numberId: NUMBER_ID,
    });
  });

  it.each([
    [{ smsProvider: 'sns', smsNumber: NUMBER }, /smsProvider.*aws, twilio.*"sns"/],
    [{ smsProvider: 'aws' }, /needs "smsNumber".*E\.164/],
    [{ smsNumber: NUMBER }, /"smsNumber" needs "smsProvider"/],
    [{ smsProvider: 'aws', smsNumber: '555-0001' }, /"smsNumber" must be an E\.164 phone number.*555-0001/],
    [{ smsProvider: 'aws', smsNumber: '15550001111' }, /E\.164/],
    [{ smsProvider: 'aws', smsNumber: NUMBER, smsNumberId: '+15550001111' }, /smsNumberId.*PhoneNumberId/],
    [{ smsProvider: 'twilio', smsNumber: NUMBER }, /needs "twilioAccountSid"/],
    [
      { smsProvider: 'twilio', smsNumber: NUMBER, twilioAccountSid: ACCOUNT_SID, twilioApiKeyParam: '/k' },
      /give both or neither/,
    ],
    [
      {
        smsProvider: 'twilio',
        smsNumber: NUMBER,
        twilioAccountSid: ACCOUNT_SID,
        twilioApiKeyParam: 'SKsecret',
        twilioApiSecretParam: '/s',
      },
      /twilioApiKeyParam.*SSM parameter name/,
    ],
  ])('rejects %j with a clear error', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });
});

describe('smsProvider=aws with nothing else', () => {
  let stack: EchobotStack;
  let json: CfnTemplate;
  beforeAll(() => {
    ({ stack, json } = synth({ smsProvider: 'aws', smsNumber: NUMBER }));
  }, 180_000);

  it('synthesizes cdk-nag clean, with no custom resource (the number’s id is unknown)', () => {
    expectNagClean(stack);
    expect(Object.values(json.Resources).some((r) => r.Type === 'Custom::AWS')).toBe(false);
  });

  it('scopes SendTextMessage to this account’s phone numbers and the one configuration set', () => {
    const send = statementsOfRole(json, logicalId(stack.deliver.role)).filter((s) =>
      asArray(s.Action).includes('sms-voice:SendTextMessage'),
    );
    expect(send).toHaveLength(1);
    const resources = [...stringLeaves(send[0]?.Resource)].join(' ');
    expect(resources).toContain(':phone-number/*');
    expect(resources).toContain(':configuration-set/');
  });
});

describe('smsProvider=aws with smsNumberId', () => {
  let stack: EchobotStack;
  let template: Template;
  let json: CfnTemplate;
  beforeAll(() => {
    ({ stack, template, json } = synth({ smsProvider: 'aws', smsNumber: NUMBER, smsNumberId: NUMBER_ID }));
  }, 180_000);

  it('is cdk-nag clean', () => expectNagClean(stack));

  it('creates a configuration set whose SNS event destination only it may publish to', () => {
    const sms = stack.sms;
    const eventsTopic = logicalId(sms.eventsTopic ?? stack);
    template.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      ConfigurationSetName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-sms']] },
      EventDestinations: [
        Match.objectLike({ Enabled: true, SnsDestination: { TopicArn: ref(eventsTopic) } }),
      ],
    });
    const policies = Object.values(json.Resources).filter(
      (r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties?.Topics).includes(eventsTopic),
    );
    const allow = policies
      .flatMap((p) =>
        asArray((p.Properties?.PolicyDocument as { Statement: unknown[] } | undefined)?.Statement),
      )
      .find((s) => JSON.stringify(s).includes('sms-voice.amazonaws.com'));
    expect(JSON.stringify(allow)).toContain('aws:SourceArn');
    expect(JSON.stringify(allow)).toContain(':configuration-set/');
  });

  it('encrypts both topics with a rotated key sms-voice may use', () => {
    for (const topic of [stack.sms.eventsTopic, stack.sms.twoWayTopic]) {
      const props = json.Resources[logicalId(topic ?? stack)]?.Properties;
      expect(props?.KmsMasterKeyId).toBeDefined();
      expect(props?.FifoTopic).toBeUndefined();
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('turns two-way on for the existing number with self-managed opt-outs (UpdatePhoneNumber)', () => {
    const custom = Object.values(json.Resources).filter((r) => r.Type === 'Custom::AWS');
    expect(custom).toHaveLength(1);
    const create = JSON.stringify(custom[0]?.Properties?.Create);
    for (const piece of [
      'UpdatePhoneNumber',
      NUMBER_ID,
      'TwoWayEnabled',
      'TwoWayChannelArn',
      'TwoWayChannelRole',
      'SelfManagedOptOutsEnabled',
    ]) {
      expect(create).toContain(piece);
    }
    expect(create).toContain(logicalId(stack.sms.twoWayTopic ?? stack));
    expect(create).toContain(logicalId(stack.sms.twoWayRole ?? stack));
    expect(Object.values(json.Resources).some((r) => r.Type === 'AWS::SMSVOICE::PhoneNumber')).toBe(false);
  });

  it('lets only sms-voice assume the two-way role, which may only publish to the two-way topic', () => {
    const roleId = logicalId(stack.sms.twoWayRole ?? stack);
    const trust = JSON.stringify(json.Resources[roleId]?.Properties?.AssumeRolePolicyDocument);
    expect(trust).toContain('sms-voice.amazonaws.com');
    const publish = statementsOfRole(json, roleId).filter((s) => asArray(s.Action).includes('sns:Publish'));
    expect(publish.map((s) => s.Resource)).toEqual([ref(logicalId(stack.sms.twoWayTopic ?? stack))]);
  });

  it('feeds each topic to its function through a queue: record by record, partial batch failures, a DLQ', () => {
    for (const [fn, topic, queue] of [
      [stack.sms.inbound, stack.sms.twoWayTopic, stack.sms.inboundQueue],
      [stack.sms.events, stack.sms.eventsTopic, stack.sms.eventsQueue],
    ] as const) {
      const queueId = logicalId(queue ?? stack);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        Endpoint: getAtt(queueId, 'Arn'),
        TopicArn: ref(logicalId(topic ?? stack)),
        // The body is the SNS notification: the function tells a notification from anything else.
        RawMessageDelivery: false,
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(logicalId(fn?.fn ?? stack)),
        EventSourceArn: getAtt(queueId, 'Arn'),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(json.Resources[queueId]?.Properties?.RedrivePolicy).toMatchObject({
        deadLetterTargetArn: expect.anything(),
        maxReceiveCount: 5,
      });
    }
    expect(Object.values(json.Resources).some((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')).toBe(
      false,
    );
  });

  it('gives every SMS sender the same number, provider and configuration set, and SendTextMessage on the one number', () => {
    for (const fn of [stack.deliver, stack.safety.digest]) {
      expect(envOf(json, logicalId(fn.fn))).toMatchObject({
        ECHOBOT_SMS_PROVIDER: 'aws',
        ECHOBOT_SMS_NUMBER: NUMBER,
        ECHOBOT_SMS_CONFIGURATION_SET: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-sms']] },
        ECHOBOT_SMS_NUMBER_ID: NUMBER_ID,
      });
      const statements = statementsOfRole(json, logicalId(fn.role));
      const send = statements.filter((s) => asArray(s.Action).includes('sms-voice:SendTextMessage'));
      expect(send).toHaveLength(1);
      const resources = [...stringLeaves(send[0]?.Resource)].join(' ');
      expect(resources).toContain(`:phone-number/${NUMBER_ID}`);
      expect(resources).not.toContain('*');
      // No SMS through SNS Publish any more.
      expect(statements.filter((s) => s.NotResource !== undefined)).toEqual([]);
    }
    for (const fn of [stack.sms.inbound, stack.sms.events]) {
      expect(envOf(json, logicalId(fn?.fn ?? stack))).toMatchObject({
        TABLE_NAME: ref(logicalId(stack.table)),
        ECHOBOT_SMS_PROVIDER: 'aws',
        ECHOBOT_SMS_NUMBER: NUMBER,
        POWERTOOLS_SERVICE_NAME: 'echobot',
      });
      expect(allowedActions(statementsOfRole(json, logicalId(fn?.role ?? stack)))).not.toContain(
        'sms-voice:SendTextMessage',
      );
    }
  });

  it('lets the two-way function ingest (table, bot key) and send nothing; the events function may queue a notice', () => {
    const inboundEnv = envOf(json, logicalId(stack.sms.inbound?.fn ?? stack));
    // Post ids are URLs under the bot's base URL: the Function URL when no publicUrl is given.
    expect(inboundEnv.ECHOBOT_BASE_URL).toBeDefined();
    expect(inboundEnv.BOT_KEY_PARAM).toBe('/echobot/bot-key');
    const inbound = allowedActions(statementsOfRole(json, logicalId(stack.sms.inbound?.role ?? stack)));
    expect(inbound).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'ssm:GetParameter']));
    // Replies reach the delivery queue through the table's stream, never from this function.
    expect(inbound).not.toContain('sqs:SendMessage');
    expect(inbound.filter((a) => a.startsWith('sns:') || a.startsWith('sms-voice:'))).toEqual([]);

    expect(envOf(json, logicalId(stack.sms.events?.fn ?? stack))).toMatchObject({
      DELIVERY_QUEUE_URL: ref(logicalId(stack.deliveryQueue)),
    });
    const events = statementsOfRole(json, logicalId(stack.sms.events?.role ?? stack));
    const onQueue = events.filter((st) =>
      JSON.stringify(st.Resource).includes(logicalId(stack.deliveryQueue)),
    );
    expect(allowedActions(onQueue)).toContain('sqs:SendMessage');
  });

  it('alarms on the SMS failure rate and on any set-up error, to the alerts topic', () => {
    const topic = ref(logicalId(stack.alarms.topic));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 20,
      AlarmActions: [topic],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('100 \\* FILL\\(f, 0\\)') }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SmsDelivered' }) }),
        }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SmsFailed' }) }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SmsSetupErrors',
      Namespace: 'echobot',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [topic],
    });
    expect(JSON.stringify(json.Resources[logicalId(stack.dashboard.dashboard)]?.Properties)).toContain(
      'SmsFailed',
    );
  });
});

describe('smsProvider=twilio', () => {
  let stack: EchobotStack;
  let template: Template;
  let json: CfnTemplate;
  beforeAll(() => {
    ({ stack, template, json } = synth({
      smsProvider: 'twilio',
      smsNumber: NUMBER,
      twilioAccountSid: ACCOUNT_SID,
      twilioApiKeyParam: '/echobot/twilio-api-key',
      twilioApiSecretParam: '/echobot/twilio-api-secret',
    }));
  }, 180_000);

  it('is cdk-nag clean and creates no AWS SMS resources', () => {
    expectNagClean(stack);
    const types = new Set(Object.values(json.Resources).map((r) => r.Type));
    expect(types.has('AWS::SMSVOICE::ConfigurationSet')).toBe(false);
    expect(types.has('AWS::SSM::Parameter')).toBe(false);
    expect(identityStatements(json).flatMap((a) => asArray(a.statement.Action))).not.toContain(
      'sms-voice:SendTextMessage',
    );
  });

  it('gives deliver and digest the parameter names and read access to exactly those', () => {
    for (const fn of [stack.deliver, stack.safety.digest]) {
      expect(envOf(json, logicalId(fn.fn))).toMatchObject({
        ECHOBOT_SMS_PROVIDER: 'twilio',
        ECHOBOT_SMS_NUMBER: NUMBER,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN_PARAM: TOKEN_PARAM,
        TWILIO_API_KEY_PARAM: '/echobot/twilio-api-key',
        TWILIO_API_SECRET_PARAM: '/echobot/twilio-api-secret',
      });
      const read = statementsOfRole(json, logicalId(fn.role))
        .filter((s) => asArray(s.Action).includes('ssm:GetParameter'))
        .flatMap((s) => [...stringLeaves(s.Resource)].filter((l) => l.startsWith(':parameter/')));
      expect(read).toEqual(
        expect.arrayContaining([
          `:parameter${TOKEN_PARAM}`,
          ':parameter/echobot/twilio-api-key',
          ':parameter/echobot/twilio-api-secret',
        ]),
      );
      expect(read.filter((p) => p.includes('twilio'))).toHaveLength(3);
    }
  });

  it('keeps the inbound and status webhooks on the http function', () => {
    expect(envOf(json, logicalId(stack.http.fn))).toMatchObject({ ECHOBOT_SMS_PROVIDER: 'twilio' });
    template.hasOutput('TwilioWebhookUrl', {
      Value: { 'Fn::Join': ['', [Match.anyValue(), 'webhooks/twilio']] },
    });
    template.hasOutput('TwilioStatusCallbackUrl', {
      Value: { 'Fn::Join': ['', [Match.anyValue(), 'webhooks/twilio/status']] },
    });
  });
});
