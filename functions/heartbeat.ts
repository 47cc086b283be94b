import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { createHeartbeatHandler } from '../lib/drivers/heartbeat-schedule.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

/**
 * Scheduled (EventBridge, every minute) on a deployed bot that peers (CDK context `peers` or
 * `relay`): one round of heartbeats to every peer but leaves, so a dead neighbour is marked down
 * without a post having to fail first. Created by the stack only when the bot peers.
 */
const { log } = createLogger('echobot-heartbeat');
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const config = configFromEnv();
const core = composeCore(config, {
  doc: documentClient(),
  ...(botKey ? { botKey } : {}),
  log,
  now: systemClock,
});
const peering = core.peering;
if (!peering) throw new Error('the heartbeat function needs PUBLIC_URL and BOT_KEY_PARAM');

export const handler = createHeartbeatHandler({ beat: peering.heartbeat, log });
