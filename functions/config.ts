import { requireEnv } from '../lib/adapters/env.ts';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import type { EchobotConfig } from '../lib/compose/core.ts';
import { peeringFromEnv } from '../lib/compose/peering-env.ts';
import { apRelaysFromEnv } from '../lib/compose/relay-env.ts';
import { smsSettingsFromEnv } from '../lib/compose/sms-env.ts';
import { parseAdmins } from '../lib/domain/admins.ts';
import { smsShare } from '../lib/usecases/send-pacer.ts';

/**
 * The bot's configuration from a Lambda function's environment (set by infra/echobot-stack.ts).
 * The peer network needs `PUBLIC_URL` (the bot's identity) and `BOT_KEY_PARAM`; without them the
 * functions run without peers. Deployed bots never reach private addresses for federation or IM
 * callbacks: there is no `ECHOBOT_ALLOW_PRIVATE` for those in Lambda (peers read their own).
 * A leaf's inbox poll is answered at once here (Lambda bills the time a request is held open;
 * README "A bot on a laptop"): the leaf polls again a few seconds later.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EchobotConfig {
  const publicUrl = env.PUBLIC_URL;
  return {
    table: requireEnv('TABLE_NAME'),
    ...(publicUrl ? { publicUrl } : {}),
    ...(env.ECHOBOT_BASE_URL ? { federationBaseUrl: env.ECHOBOT_BASE_URL } : {}),
    allowPrivate: false,
    authorizedFetch: env.ECHOBOT_AUTHORIZED_FETCH === '1',
    admins: parseAdmins(env.ECHOBOT_ADMINS),
    safety: safetyConfigFromEnv(),
    apRelays: apRelaysFromEnv(env),
    // The stack always sets it (none, aws, twilio); unset = no SMS provider, SMS refused with a reason.
    sms: smsSettingsFromEnv(env, 'none', ['none', 'aws', 'twilio']),
    ...smsRateFromEnv(env),
    ...(publicUrl && env.BOT_KEY_PARAM
      ? { peering: { url: publicUrl, ...peeringFromEnv(env), leafMaxWaitSeconds: 0 } }
      : {}),
  };
}

/** The SMS pacing of deliver: the number's rate shared among the deliver invocations that may run at once. */
function smsRateFromEnv(env: NodeJS.ProcessEnv): { smsPerSecond?: number } {
  if (!env.ECHOBOT_SMS_PER_SECOND) return {};
  const rate = Number(env.ECHOBOT_SMS_PER_SECOND);
  const concurrency = env.ECHOBOT_DELIVER_CONCURRENCY ? Number(env.ECHOBOT_DELIVER_CONCURRENCY) : 1;
  if (!(rate > 0) || !(concurrency >= 1))
    throw new Error(
      `ECHOBOT_SMS_PER_SECOND (${env.ECHOBOT_SMS_PER_SECOND}) and ECHOBOT_DELIVER_CONCURRENCY (${env.ECHOBOT_DELIVER_CONCURRENCY}) must be positive numbers`,
    );
  const share = smsShare(rate, concurrency);
  return share ? { smsPerSecond: share } : {};
}
