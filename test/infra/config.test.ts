import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import {
  DEFAULT_ADMIN_TOKEN_PARAM,
  DEFAULT_BOT_KEY_PARAM,
  DEFAULT_TWILIO_AUTH_TOKEN_PARAM,
  readEchobotConfig,
} from '../../infra/echobot-config.ts';
import {
  cdkJsonContext,
  logicalId,
  ref,
  statementsOfRole,
  stringLeaves,
  templateJson,
} from './infra-test-helpers.ts';

const configFrom = (context: Record<string, unknown>) => readEchobotConfig(new App({ context }));

describe('echobot CDK context', () => {
  it('defaults to the documented parameter name and INFO logging', () => {
    expect(configFrom({})).toEqual({
      twilioAuthTokenParam: DEFAULT_TWILIO_AUTH_TOKEN_PARAM,
      adminTokenParam: DEFAULT_ADMIN_TOKEN_PARAM,
      botKeyParam: DEFAULT_BOT_KEY_PARAM,
      logLevel: 'INFO',
      relay: false,
      authorizedFetch: false,
      // A US long code sends about 1 SMS a second; two deliver invocations at most.
      smsPerSecond: 1,
      maxConcurrency: 2,
    });
    expect(cdkJsonContext().twilioAuthTokenParam).toBe(DEFAULT_TWILIO_AUTH_TOKEN_PARAM);
  });

  it.each([
    [
      { twilioAuthTokenParam: '0123456789abcdef0123456789abcdef' },
      /twilioAuthTokenParam.*SSM parameter name/,
    ],
    [{ twilioAuthTokenParam: '/has spaces' }, /twilioAuthTokenParam/],
    [{ publicUrl: 'http://bot.example/' }, /publicUrl.*https/],
    [{ publicUrl: 'not a url' }, /publicUrl/],
    [{ alertEmail: 'ops-at-example' }, /alertEmail/],
    [{ logLevel: 'LOUD' }, /logLevel/],
    [{ publicUrl: 42 }, /publicUrl.*string/],
    [{ admins: '5550001111' }, /admins.*phone numbers/],
    [{ admins: '+15550001111,alice' }, /admins.*"alice"/],
    [{ publicUrl: 'https://a.example', peers: 'http://b.example' }, /peers.*https/],
    [{ peers: 'https://b.example' }, /peers.*needs "publicUrl"/],
    [{ publicUrl: 'https://a.example', apRelays: 'http://relay.example/inbox' }, /apRelays.*https/],
    [{ apRelays: 'https://relay.example/actor' }, /apRelays.*needs "publicUrl"/],
    [{ smsPerSecond: 0 }, /smsPerSecond.*SMS per second/],
    [{ smsPerSecond: 'fast' }, /smsPerSecond/],
    [{ maxConcurrency: 1 }, /maxConcurrency.*2 to 1000/],
    [{ maxConcurrency: 2.5 }, /maxConcurrency/],
  ])('rejects %j with a specific error', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });

  it('flows publicUrl, alertEmail and a custom parameter name into the stack', () => {
    const { stack } = createEchobotApp({
      context: {
        ...cdkJsonContext(),
        // Bundling is covered by stack.test.ts; skip it here to keep this synth fast.
        'aws:cdk:bundling-stacks': [],
        publicUrl: 'https://bot.example',
        alertEmail: 'ops@example.org',
        twilioAuthTokenParam: '/custom/twilio-token',
        adminTokenParam: '/custom/admin-token',
        logLevel: 'debug',
        admins: '+15550001111, telegram:42',
        peers: 'https://b.example, https://c.example',
        relay: true,
        authorizedFetch: true,
        apRelays: 'https://relay.example/actor, https://relay.other.example/inbox',
        smsPerSecond: '3',
        maxConcurrency: 5,
      },
    });
    const template = Template.fromStack(stack);
    const json = templateJson(template);

    expect(json.Resources[logicalId(stack.http.fn)]?.Properties?.Environment).toEqual({
      Variables: expect.objectContaining({
        PUBLIC_URL: 'https://bot.example',
        TWILIO_AUTH_TOKEN_PARAM: '/custom/twilio-token',
        ADMIN_TOKEN_PARAM: '/custom/admin-token',
        LOG_LEVEL: 'DEBUG',
        ECHOBOT_ADMINS: '+15550001111,telegram:42',
        ECHOBOT_PEERS: 'https://b.example,https://c.example',
        ECHOBOT_RELAY: '1',
        ECHOBOT_AUTHORIZED_FETCH: '1',
        ECHOBOT_AP_RELAYS: 'https://relay.example/actor,https://relay.other.example/inbox',
      }),
    });
    // The peer network runs in all three functions: same identity, peers and key everywhere.
    for (const fn of [stack.fanout.fn, stack.deliver.fn])
      expect(json.Resources[logicalId(fn)]?.Properties?.Environment).toEqual({
        Variables: expect.objectContaining({
          PUBLIC_URL: 'https://bot.example',
          BOT_KEY_PARAM: DEFAULT_BOT_KEY_PARAM,
          ECHOBOT_PEERS: 'https://b.example,https://c.example',
          ECHOBOT_RELAY: '1',
        }),
      });
    // Deliver paces SMS to the number's rate, shared by at most maxConcurrency invocations.
    expect(json.Resources[logicalId(stack.deliver.fn)]?.Properties?.Environment).toEqual({
      Variables: expect.objectContaining({ ECHOBOT_SMS_PER_SECOND: '3', ECHOBOT_DELIVER_CONCURRENCY: '5' }),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(logicalId(stack.deliver.fn)),
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const ssm = statementsOfRole(json, logicalId(stack.http.role)).filter((s) =>
      [s.Action].flat().includes('ssm:GetParameter'),
    );
    expect(
      ssm.flatMap((s) => [...stringLeaves(s.Resource)].filter((l) => l.startsWith(':parameter'))),
    ).toEqual(expect.arrayContaining([':parameter/custom/twilio-token', ':parameter/custom/admin-token']));

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: ref(logicalId(stack.alarms.topic)),
    });
    // Twilio signs the URL it calls, so with a custom domain the webhook URL is on that domain.
    template.hasOutput('TwilioWebhookUrl', { Value: 'https://bot.example/webhooks/twilio' });
    template.hasOutput('WebhookBaseUrl', { Value: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
  });
});
