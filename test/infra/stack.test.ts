import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_PARAM_DEFAULTS } from '../../infra/channel-config.ts';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import {
  DEFAULT_ADMIN_TOKEN_PARAM,
  DEFAULT_BOT_KEY_PARAM,
  DEFAULT_TWILIO_AUTH_TOKEN_PARAM,
} from '../../infra/echobot-config.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import { FETCH_TIMEOUT_MS } from '../../lib/federation/safe-fetch.ts';
import {
  allowedActions,
  asArray,
  type CfnTemplate,
  cdkJsonContext,
  getAtt,
  hasResource,
  identityStatements,
  logicalId,
  ref,
  statementsOfRole,
  stringLeaves,
  templateJson,
} from './infra-test-helpers.ts';

/** The SSM parameter names (`:parameter/...` ARN tails) a role may read. */
const parametersReadBy = (statements: ReturnType<typeof statementsOfRole>) =>
  statements
    .filter((s) => asArray(s.Action).includes('ssm:GetParameter'))
    .flatMap((s) => [...stringLeaves(s.Resource)].filter((l) => l.startsWith(':parameter/')))
    .sort();

let app: App;
let stack: EchobotStack;
let assembly: CloudAssembly;
let template: Template;
let json: CfnTemplate;
const ids = {
  table: '',
  deliveryQueue: '',
  deliveryDlq: '',
  fanoutFailureQueue: '',
  topic: '',
  http: '',
  fanout: '',
  deliver: '',
  digest: '',
  httpRole: '',
  fanoutRole: '',
  deliverRole: '',
};

beforeAll(() => {
  // Bundles the three functions with the local esbuild and runs cdk-nag: synth throws on any unacknowledged finding.
  ({ app, stack } = createEchobotApp({ context: cdkJsonContext() }));
  assembly = app.synth();
  template = Template.fromStack(stack);
  json = templateJson(template);
  Object.assign(ids, {
    table: logicalId(stack.table),
    deliveryQueue: logicalId(stack.deliveryQueue),
    deliveryDlq: logicalId(stack.deliveryDlq),
    fanoutFailureQueue: logicalId(stack.fanoutFailureQueue),
    topic: logicalId(stack.alarms.topic),
    http: logicalId(stack.http.fn),
    fanout: logicalId(stack.fanout.fn),
    deliver: logicalId(stack.deliver.fn),
    digest: logicalId(stack.safety.digest.fn),
    httpRole: logicalId(stack.http.role),
    fanoutRole: logicalId(stack.fanout.role),
    deliverRole: logicalId(stack.deliver.role),
  });
}, 180_000);

describe('EchobotStack', () => {
  it('is env-agnostic, so synth needs no credentials or lookups', () => {
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  describe('table', () => {
    it('has pk/sk keys, on-demand billing, a NEW_IMAGE stream, PITR and TTL, and is retained', () => {
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      template.resourceCountIs('AWS::DynamoDB::Table', 0);
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ]),
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          Replicas: [
            Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
          ],
        }),
      });
    });
  });

  describe('functions', () => {
    it('are exactly the four entries, arm64 on Node.js 22+ with active tracing and their own log groups', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions).sort()).toEqual([ids.deliver, ids.digest, ids.fanout, ids.http].sort());
      for (const fn of Object.values(functions)) {
        const props = fn.Properties as Record<string, unknown>;
        expect(props.Architectures).toEqual(['arm64']);
        const major = Number(/^nodejs(\d+)\.x$/.exec(String(props.Runtime))?.[1]);
        expect(major).toBeGreaterThanOrEqual(22);
        expect(props.TracingConfig).toEqual({ Mode: 'Active' });
        expect(props.Handler).toBe('index.handler');
        expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
      }
      const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
      expect(logGroups).toHaveLength(4);
      for (const group of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    });

    it('ship ESM bundles built by esbuild with the createRequire banner', () => {
      const keys = [ids.http, ids.fanout, ids.deliver, ids.digest].map((id) =>
        JSON.stringify(json.Resources[id]?.Properties?.Code),
      );
      // One bundle per entry (a bundling cache keyed without the entry once gave all four the first).
      expect(new Set(keys).size).toBe(4);
      for (const id of [ids.http, ids.fanout, ids.deliver]) {
        // The staged asset directory is named after the hash that is also the S3 key of the uploaded zip.
        const code = json.Resources[id]?.Properties?.Code as { S3Key?: unknown } | undefined;
        const hash = /^([0-9a-f]{64})\.zip$/.exec(String(code?.S3Key))?.[1];
        expect(hash, `${id} S3Key`).toBeDefined();
        const bundle = join(assembly.directory, `asset.${hash}`, 'index.mjs');
        expect(existsSync(bundle)).toBe(true);
        expect(readFileSync(bundle, 'utf8')).toMatch(
          /^import \{ createRequire \} from 'module'; const require = createRequire\(import\.meta\.url\);/,
        );
        expect(existsSync(`${bundle}.map`)).toBe(true);
      }
    });

    it('get the environment their code reads, and the http function the SSM parameter name (not a value)', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            TABLE_NAME: ref(ids.table),
            TWILIO_AUTH_TOKEN_PARAM: DEFAULT_TWILIO_AUTH_TOKEN_PARAM,
            ADMIN_TOKEN_PARAM: DEFAULT_ADMIN_TOKEN_PARAM,
            DELIVERY_QUEUE_URL: ref(ids.deliveryQueue),
            DELIVERY_DLQ_URL: ref(ids.deliveryDlq),
            POWERTOOLS_SERVICE_NAME: 'echobot',
            LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
            PUBLIC_URL: Match.absent(),
            // No admins unless the operator names them (CDK context "admins").
            ECHOBOT_ADMINS: Match.absent(),
            // Actor and object documents stay public unless context "authorizedFetch" is true.
            ECHOBOT_AUTHORIZED_FETCH: Match.absent(),
          },
        },
        MemorySize: 512,
      });
      expect(json.Resources[ids.fanout]?.Properties?.Environment).toEqual({
        Variables: expect.objectContaining({
          TABLE_NAME: ref(ids.table),
          DELIVERY_QUEUE_URL: ref(ids.deliveryQueue),
        }),
      });
      expect(json.Resources[ids.deliver]?.Properties?.Environment).toEqual({
        Variables: expect.objectContaining({
          TABLE_NAME: ref(ids.table),
          DELIVERY_QUEUE_URL: ref(ids.deliveryQueue),
          // No smsProvider context: the stack owns no number, SMS echoes are refused with a reason.
          ECHOBOT_SMS_PROVIDER: 'none',
          ECHOBOT_SMS_PER_SECOND: '1',
          ECHOBOT_DELIVER_CONCURRENCY: '2',
        }),
      });
    });

    it('give the http function room for a remote key fetch (its own timeout) plus the write', () => {
      const timeout = json.Resources[ids.http]?.Properties?.Timeout;
      expect(timeout).toBe(20);
      expect(Number(timeout) * 1000).toBeGreaterThanOrEqual(FETCH_TIMEOUT_MS + 10_000);
    });

    it('expose only the http function publicly, through a Function URL that the function authenticates itself', () => {
      template.resourceCountIs('AWS::Lambda::Url', 1);
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: getAtt(ids.http, 'Arn'),
      });
      // Besides the Function URL's, the only invoke permission is EventBridge's for the digest schedule.
      for (const permission of Object.values(template.findResources('AWS::Lambda::Permission'))) {
        if (permission.Properties.Principal === 'events.amazonaws.com')
          expect(permission.Properties.FunctionName).toEqual(getAtt(ids.digest, 'Arn'));
        else expect(permission.Properties.FunctionName).toEqual(getAtt(ids.http, 'Arn'));
      }
    });
  });

  describe('stream fanout', () => {
    it('maps only new posts from the stream, with partial batch failures, bisection and an on-failure queue', () => {
      const mapping = template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: getAtt(ids.table, 'StreamArn') },
      });
      const [props, ...others] = Object.values(mapping).map((m) => m.Properties as Record<string, unknown>);
      expect(others).toHaveLength(0);
      expect(props).toMatchObject({
        FunctionName: ref(ids.fanout),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: getAtt(ids.fanoutFailureQueue, 'Arn') } },
      });
      expect(props?.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(props?.MaximumRetryAttempts).toBeLessThanOrEqual(10);
      expect(props?.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
      expect(props?.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(24 * 3600);
      const filters =
        (props?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)?.Filters ?? [];
      expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: { type: { S: ['post', 'reply', 'fedtask', 'relay', 'peerctl', 'relaydel', 'gone'] } },
          },
        },
        // Peer network: interest changes (WANTS items are updated in place on unfollow).
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['wants'] } } } },
      ]);
    });
  });

  describe('delivery queue', () => {
    it('triggers the deliver function in batches of 10 with partial batch failures', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(ids.deliveryQueue, 'Arn'),
        FunctionName: ref(ids.deliver),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumBatchingWindowInSeconds: Match.anyValue(),
        // Each invocation sends 10 jobs x 8 at a time: the cap bounds the bot's outbound rate.
        ScalingConfig: { MaximumConcurrency: 2 },
      });
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    });

    it('redrives to its DLQ after 8 receives and outlasts six deliver timeouts', () => {
      const queue = json.Resources[ids.deliveryQueue]?.Properties ?? {};
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt(ids.deliveryDlq, 'Arn'),
        maxReceiveCount: 8,
      });
      const deliverTimeout = Number(json.Resources[ids.deliver]?.Properties?.Timeout);
      expect(deliverTimeout).toBeGreaterThan(0);
      expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * deliverTimeout);
    });

    it('all queues are encrypted, deny non-TLS access, and failure queues keep messages 14 days', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(3);
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
      for (const [id, queue] of Object.entries(queues)) {
        expect(
          queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined,
        ).toBe(true);
        const denyInsecure = policies.some(
          (policy) =>
            asArray(policy.Properties.Queues).some((q) => JSON.stringify(q) === JSON.stringify(ref(id))) &&
            JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
        );
        expect(denyInsecure, `${id} denies insecure transport`).toBe(true);
      }
      for (const id of [ids.deliveryDlq, ids.fanoutFailureQueue]) {
        expect(json.Resources[id]?.Properties?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      }
    });
  });

  describe('alarms', () => {
    const alarmOn = (metricName: string, dimension: { Name: string; Value: unknown }): void => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Dimensions: [dimension],
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [ref(ids.topic)],
      });
    };

    it('fire on DLQ and failure-queue depth above zero', () => {
      for (const queue of [ids.deliveryDlq, ids.fanoutFailureQueue]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [ref(ids.topic)],
        });
      }
    });

    it('fire on fanout iterator age, and on errors and throttles of every function', () => {
      alarmOn('IteratorAge', { Name: 'FunctionName', Value: ref(ids.fanout) });
      for (const fn of [ids.http, ids.fanout, ids.deliver]) {
        alarmOn('Errors', { Name: 'FunctionName', Value: ref(fn) });
        alarmOn('Throttles', { Name: 'FunctionName', Value: ref(fn) });
      }
    });

    it('notify an SNS topic that requires TLS and lets this account’s alarms publish', () => {
      // The alarms topic and the SMS budget alert topic (test/infra/safety.test.ts).
      template.resourceCountIs('AWS::SNS::Topic', 2);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref(ids.topic)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Condition: Match.objectLike({
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              }),
            }),
          ]),
        },
      });
    });
  });

  describe('IAM', () => {
    const READ_ACTIONS = new Set(
      [
        'BatchGetItem',
        'ConditionCheckItem',
        'DescribeTable',
        'GetItem',
        'GetRecords',
        'GetShardIterator',
        'Query',
        'Scan',
        'DescribeStream',
        'ListStreams',
      ].map((a) => `dynamodb:${a}`),
    );

    it('gives every function its own role with no managed policies (logs go to its own log group only)', () => {
      for (const roleId of [ids.httpRole, ids.fanoutRole, ids.deliverRole]) {
        expect(json.Resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
        const logs = statementsOfRole(json, roleId).filter((s) =>
          asArray(s.Action).some((a) => a.startsWith('logs:')),
        );
        expect(logs).toHaveLength(1);
        expect(asArray(logs[0]?.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      }
    });

    it('lets fanout read the table and send to the delivery queue, but not write the table or publish', () => {
      const statements = statementsOfRole(json, ids.fanoutRole);
      const actions = allowedActions(statements);
      expect(
        statements.some(
          (s) =>
            asArray(s.Action).includes('sqs:SendMessage') && hasResource(s, getAtt(ids.deliveryQueue, 'Arn')),
        ),
      ).toBe(true);
      expect(actions.filter((a) => a.startsWith('sns:'))).toEqual([]);
      expect(actions.filter((a) => a.startsWith('dynamodb:') && !READ_ACTIONS.has(a))).toEqual([]);
      expect(actions).toContain('dynamodb:Query');
    });

    it('lets http read and write the table, read only its two SSM parameters and only the depth of the two delivery queues', () => {
      const statements = statementsOfRole(json, ids.httpRole);
      const actions = allowedActions(statements);
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
      );
      expect(actions.filter((a) => a.startsWith('sqs:') || a.startsWith('sns:'))).toEqual([
        'sqs:GetQueueAttributes',
      ]);
      const sqs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('sqs:')));
      expect(sqs.every((s) => asArray(s.Action).every((a) => a === 'sqs:GetQueueAttributes'))).toBe(true);
      expect(sqs.some((s) => hasResource(s, getAtt(ids.deliveryQueue, 'Arn')))).toBe(true);
      expect(sqs.some((s) => hasResource(s, getAtt(ids.deliveryDlq, 'Arn')))).toBe(true);
      expect(sqs.flatMap((s) => asArray(s.Resource))).toHaveLength(2);
      const ssm = statements.filter((s) => asArray(s.Action).includes('ssm:GetParameter'));
      const params = ssm.flatMap((s) =>
        [...stringLeaves(s.Resource)].filter((l) => l.startsWith(':parameter')),
      );
      expect(params.sort()).toEqual(
        [
          `:parameter${DEFAULT_ADMIN_TOKEN_PARAM}`,
          `:parameter${DEFAULT_TWILIO_AUTH_TOKEN_PARAM}`,
          `:parameter${DEFAULT_BOT_KEY_PARAM}`,
          `:parameter${CHANNEL_PARAM_DEFAULTS.telegramSecretTokenParam}`,
          `:parameter${CHANNEL_PARAM_DEFAULTS.imSecretParam}`,
        ].sort(),
      );
    });

    it('lets deliver send and re-time delivery jobs, and publish to no phone number or other topic', () => {
      const statements = statementsOfRole(json, ids.deliverRole);
      const onQueue = statements.filter((s) => hasResource(s, getAtt(ids.deliveryQueue, 'Arn')));
      const queueActions = allowedActions(onQueue);
      expect(queueActions).toEqual(
        expect.arrayContaining(['sqs:SendMessage', 'sqs:ChangeMessageVisibility']),
      );
      // Only the SMS budget alert topic (test/infra/safety.test.ts): SMS leave through the bot's number (test/infra/sms.test.ts).
      const sns = statements.filter(
        (s) =>
          asArray(s.Action).some((a) => a.startsWith('sns:')) &&
          !hasResource(s, ref(logicalId(stack.safety.alertTopic))),
      );
      expect(sns).toEqual([]);
      expect(statements.filter((s) => s.NotResource !== undefined)).toEqual([]);
      expect(allowedActions(statements)).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem']),
      );
      // Telegram's bot token, the IM bridge secret and the bot's signing key, by name; no mail without `mailFrom`.
      expect(parametersReadBy(statements)).toEqual(
        [
          `:parameter${DEFAULT_BOT_KEY_PARAM}`,
          `:parameter${CHANNEL_PARAM_DEFAULTS.telegramBotTokenParam}`,
          `:parameter${CHANNEL_PARAM_DEFAULTS.imSecretParam}`,
        ].sort(),
      );
      expect(allowedActions(statements).filter((a) => a.startsWith('ses:'))).toEqual([]);
    });

    it('has no Action "*" anywhere and Resource "*" only for X-Ray writes (which have no resource ARNs)', () => {
      const all = identityStatements(json);
      expect(all.length).toBeGreaterThan(0);
      for (const { source, statement } of all) {
        const actions = asArray(statement.Action);
        expect(
          actions.some((a) => a === '*' || a.endsWith(':*')),
          `${source} wildcard action`,
        ).toBe(false);
        expect(statement.NotAction, `${source} NotAction`).toBeUndefined();
        if (asArray(statement.Resource).includes('*')) {
          expect(actions.sort(), `${source} Resource "*"`).toEqual([
            'xray:PutTelemetryRecords',
            'xray:PutTraceSegments',
          ]);
        }
        expect(statement.NotResource, `${source} NotResource`).toBeUndefined();
      }
    });
  });

  describe('secrets', () => {
    it('creates no secret or parameter resources and puts no secret-looking value in the template', () => {
      const types = new Set(Object.values(json.Resources).map((r) => r.Type));
      expect(types.has('AWS::SSM::Parameter')).toBe(false);
      expect(types.has('AWS::SecretsManager::Secret')).toBe(false);
      expect(
        Object.keys(template.toJSON().Parameters ?? {}).filter((p) => !p.startsWith('BootstrapVersion')),
      ).toEqual([]);
      for (const value of stringLeaves(json)) {
        // A Twilio auth token is 32 hex characters; asset hashes are 64 and logical-id suffixes 8.
        expect(value, 'looks like a Twilio auth token').not.toMatch(/(^|[^0-9a-f])[0-9a-f]{32}([^0-9a-f]|$)/);
        if (/auth.?token/i.test(value)) {
          expect(value, 'only the parameter name and its env var mention the auth token').toMatch(
            /^(TWILIO_AUTH_TOKEN_PARAM|:parameter\/echobot\/twilio-auth-token|\/echobot\/twilio-auth-token)$/,
          );
        }
      }
    });
  });

  describe('outputs', () => {
    it('give the webhook URLs, table, queues and alerts topic', () => {
      const functionUrl = logicalId(stack.http.fn.node.findChild('FunctionUrl'));
      template.hasOutput('WebhookBaseUrl', { Value: getAtt(functionUrl, 'FunctionUrl') });
      template.hasOutput('TwilioWebhookUrl', {
        Value: { 'Fn::Join': ['', [Match.anyValue(), 'webhooks/twilio']] },
      });
      template.hasOutput('TableName', { Value: ref(ids.table) });
      template.hasOutput('DeliveryQueueUrl', { Value: ref(ids.deliveryQueue) });
      template.hasOutput('DeliveryDlqUrl', { Value: ref(ids.deliveryDlq) });
      template.hasOutput('FanoutFailureQueueUrl', { Value: ref(ids.fanoutFailureQueue) });
      template.hasOutput('AlertsTopicArn', { Value: ref(ids.topic) });
    });
  });

  describe('cdk-nag (AWS Solutions)', () => {
    it('reports no unacknowledged finding', () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
      // cdk-nag 3 reports through Validations, not annotations; these stay empty either way.
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
        [],
      );
      expect(
        Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ).toEqual([]);
    });

    it('acknowledges only the expected rules, each with a written reason', () => {
      const acknowledged: string[] = [];
      const visit = (node: IConstruct): void => {
        for (const entry of node.node.metadata) {
          if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
            expect(reason.length, `reason for ${id}`).toBeGreaterThan(40);
            acknowledged.push(`${node.node.path}:${id.replace(/^annotation::/i, '')}`);
          }
        }
        for (const child of node.node.children) visit(child);
      };
      visit(stack);
      expect(acknowledged.sort()).toEqual(
        [
          'EchobotStack/DeliveryDlq:AwsSolutions-SQS3',
          'EchobotStack/FanoutFailureQueue:AwsSolutions-SQS3',
          'EchobotStack/Http/Role:AwsSolutions-IAM5[Resource::*]',
          'EchobotStack/Fanout/Role:AwsSolutions-IAM5[Resource::*]',
          'EchobotStack/Deliver/Role:AwsSolutions-IAM5[Resource::*]',
          'EchobotStack/Safety/Digest/Role:AwsSolutions-IAM5[Resource::*]',
        ].sort(),
      );
    });

    it('would fail synthesis on a finding (control: an unencrypted queue without a DLQ)', () => {
      const control = createEchobotApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
      new Queue(control.stack, 'NonCompliant');
      const rules = new AwsSolutionsChecks().validateScope(control.stack).violations.map((v) => v.ruleName);
      expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
      expect(() => control.app.synth()).toThrow(/Validation failed|AwsSolutions-SQS3/);
    });
  });
});
