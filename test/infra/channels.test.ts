import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CHANNEL_PARAM_DEFAULTS, readChannelConfig } from '../../infra/channel-config.ts';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import {
  cdkJsonContext,
  logicalId,
  statementsOfRole,
  stringLeaves,
  templateJson,
} from './infra-test-helpers.ts';

const configFrom = (context: Record<string, unknown>) => readChannelConfig(new App({ context }));

describe('channel settings (Telegram, IM bridge, mail) in the stack', () => {
  it('defaults to the documented parameter names and no mail gateway', () => {
    expect(configFrom({})).toEqual(CHANNEL_PARAM_DEFAULTS);
  });

  it.each([
    [{ telegramBotTokenParam: '123456:AAbbCCdd' }, /telegramBotTokenParam.*SSM parameter name/],
    [{ imSecretParam: 'plain-secret' }, /imSecretParam/],
    [{ mailFrom: 'not-an-address' }, /mailFrom.*email/],
  ])('rejects %j with a specific error', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });

  it('lets deliver send mail only as mailFrom, and names custom parameters without their values', () => {
    const { stack } = createEchobotApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        mailFrom: 'bot@mail.example.org',
        telegramBotTokenParam: '/custom/tg-bot',
      },
    });
    const json = templateJson(Template.fromStack(stack));
    expect(json.Resources[logicalId(stack.deliver.fn)]?.Properties?.Environment).toEqual({
      Variables: expect.objectContaining({
        MAIL_FROM: 'bot@mail.example.org',
        TELEGRAM_BOT_TOKEN_PARAM: '/custom/tg-bot',
        IM_SECRET_PARAM: CHANNEL_PARAM_DEFAULTS.imSecretParam,
      }),
    });
    const ses = statementsOfRole(json, logicalId(stack.deliver.role)).filter((s) =>
      [s.Action].flat().some((a) => a?.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Condition: { StringEquals: { 'ses:FromAddress': 'bot@mail.example.org' } },
    });
    const leaves = [...stringLeaves(ses[0]?.Resource)];
    expect(leaves.filter((l) => l.includes(':identity/'))).toEqual([
      ':identity/bot@mail.example.org',
      ':identity/mail.example.org',
    ]);
    for (const role of [stack.http.role, stack.fanout.role]) {
      const actions = statementsOfRole(json, logicalId(role)).flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => a?.startsWith('ses:'))).toEqual([]);
    }
  });
});
