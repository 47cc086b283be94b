import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeSmsInbound } from '../lib/compose/sms-aws.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

// Provider `aws`: the bot number's two-way SNS topic, through its queue (infra/echobot-sms.ts).
const { log } = createLogger('echobot-sms-inbound');
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const core = composeCore(configFromEnv(), {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
});
export const handler = composeSmsInbound(core, {
  botNumber: requireEnv('ECHOBOT_SMS_NUMBER'),
  baseUrl: process.env.PUBLIC_URL || requireEnv('ECHOBOT_BASE_URL'),
});
