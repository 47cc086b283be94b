import { requireEnv } from '../lib/adapters/env.ts';
import { safetyConfigFromEnv } from '../lib/adapters/safety-env.ts';
import type { EchobotConfig } from '../lib/compose/bot.ts';
import { peeringFromEnv } from '../lib/compose/peering-env.ts';
import { parseAdmins } from '../lib/domain/admins.ts';

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
    ...(publicUrl && env.BOT_KEY_PARAM
      ? { peering: { url: publicUrl, ...peeringFromEnv(env), leafMaxWaitSeconds: 0 } }
      : {}),
  };
}
