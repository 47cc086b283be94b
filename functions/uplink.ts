import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { dynamoOffsetStore, leafCursorName } from '../lib/adapters/dynamodb/dynamo-offset-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { botKeyFromSsm } from '../lib/adapters/ssm-bot-key.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { createUplinkHandler } from '../lib/drivers/uplink-schedule.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { configFromEnv } from './config.ts';

/**
 * Scheduled (EventBridge, every minute) on a deployed leaf (CDK context `upstream`): one round per
 * upstream super-peer (register when needed, drain its held queue with short polls), cursors in
 * the table. Created by the stack only when `upstream` is set.
 */
const { log } = createLogger('echobot-uplink');
const botKey = await botKeyFromSsm(process.env.BOT_KEY_PARAM, log);
const config = configFromEnv();
const doc = documentClient();
const core = composeCore(config, { doc, ...(botKey ? { botKey } : {}), log, now: systemClock });
const table = requireEnv('TABLE_NAME');
const peering = core.peering;
if (!peering || peering.upstreams.length === 0)
  throw new Error('the uplink function needs PUBLIC_URL, BOT_KEY_PARAM and ECHOBOT_UPSTREAM');

export const handler = createUplinkHandler({
  rounds: (until) =>
    peering.runUplinkRounds({ cursors: (u) => dynamoOffsetStore(doc, table, leafCursorName(u)), until }),
  log,
});
