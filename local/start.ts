import { resolve } from 'node:path';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import type { TwilioAuth } from '../lib/adapters/twilio-sms-sender.ts';
import { peeringFromEnv } from '../lib/compose/peering-env.ts';
import { apRelaysFromEnv } from '../lib/compose/relay-env.ts';
import { smsSettingsFromEnv } from '../lib/compose/sms-env.ts';
import { parseAdmins } from '../lib/domain/admins.ts';
import { localChannelOptions } from './channel-env.ts';
import { startLocalNode } from './node.ts';
import { retryDelayFromEnv } from './retry-env.ts';

/** `npm start`: one whole bot on this machine. Configuration by environment, as documented in README.md. */
const port = Number(process.env.PORT ?? 8787);
const dataDir = resolve(process.env.ECHOBOT_DATA ?? '.echobot');
const safety = safetyConfigFromEnv();
// A bad ECHOBOT_SMS_* value stops the start here, naming the variable.
const smsSettings = smsSettingsFromEnv(process.env, 'outbox', ['outbox', 'aws', 'twilio']);
const { TWILIO_API_KEY: apiKey, TWILIO_API_SECRET: apiSecret, TWILIO_AUTH_TOKEN: authToken } = process.env;
const twilioAuth: TwilioAuth | undefined =
  apiKey && apiSecret ? { apiKey, apiSecret } : authToken ? { authToken } : undefined;
const node = await startLocalNode({
  port,
  dataDir,
  ...(process.env.ECHOBOT_URL ? { publicUrl: process.env.ECHOBOT_URL } : {}),
  ...(process.env.TWILIO_AUTH_TOKEN ? { twilioAuthToken: process.env.TWILIO_AUTH_TOKEN } : {}),
  ...retryDelayFromEnv(),
  channels: localChannelOptions(process.env),
  ...(process.env.ECHOBOT_ADMIN_TOKEN ? { adminToken: process.env.ECHOBOT_ADMIN_TOKEN } : {}),
  ...safety,
  admins: parseAdmins(process.env.ECHOBOT_ADMINS),
  peering: peeringFromEnv(process.env),
  authorizedFetch: process.env.ECHOBOT_AUTHORIZED_FETCH === '1',
  apRelays: apRelaysFromEnv(process.env),
  sms: { settings: smsSettings, ...(twilioAuth ? { twilioAuth: async () => twilioAuth } : {}) },
});

const generated = process.env.TWILIO_AUTH_TOKEN
  ? ''
  : ' (generated for development; set TWILIO_AUTH_TOKEN to use your own)';
// Printed first: test harnesses read it before the "running at" line (a leaf's URL reaches nothing).
const listening = node.listenUrl !== node.url ? `Listening at ${node.listenUrl}\n` : '';
console.log(`${listening}echobot is running at ${node.url}
  Twilio webhook:  ${node.url}/webhooks/twilio
  Telegram:        ${telegramLine()}
  IM bridge:       ${node.url}/webhooks/im  (${process.env.ECHOBOT_IM_SECRET ? 'on' : 'off: set ECHOBOT_IM_SECRET'})
  SMS:             ${smsSettings.provider}${'number' in smsSettings ? ` from ${smsSettings.number}` : ' (nothing leaves this machine)'}${smsSettings.provider === 'twilio' ? `; status callbacks ${node.url}/webhooks/twilio/status` : ''}
  Outbox:          ${node.url}/dev/outbox  (file: ${node.outboxFile})
  Data:            ${dataDir}
  Twilio token:    ${node.twilioAuthToken}${generated}
  Timeline:        ${node.url}/   (feed: ${node.url}/feed.atom)
  Console:         ${node.url}/console
  Status:          ${node.url}/status  (Authorization: Bearer ${node.adminToken})
  Upstreams:       ${process.env.ECHOBOT_UPSTREAM || 'none (a leaf: set ECHOBOT_UPSTREAM)'}
  Peers:           ${process.env.ECHOBOT_PEERS || 'none (set ECHOBOT_PEERS)'}${process.env.ECHOBOT_RELAY === '1' ? '  (super-peer)' : ''}
  Peer key:        ${node.url}/federation/key
Press Ctrl+C to stop.`);

/** Polling needs no address; the webhook needs its secret token. */
function telegramLine(): string {
  const { telegramBotToken, telegramMode, telegramSecretToken } = localChannelOptions(process.env);
  if (telegramBotToken && telegramMode === 'poll')
    return 'polling getUpdates (TELEGRAM_MODE=poll, no webhook needed)';
  return `${node.url}/webhooks/telegram  (${telegramSecretToken ? 'on' : 'off: set TELEGRAM_SECRET_TOKEN'})`;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('stopping...');
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
