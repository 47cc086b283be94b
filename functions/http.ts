import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { documentClient } from '../lib/adapters/dynamo-client.ts';
import { DynamoStore } from '../lib/adapters/dynamo-store.ts';
import { requireEnv } from '../lib/adapters/env.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { optionalSecret } from '../lib/adapters/ssm-secret.ts';
import { newId } from '../lib/domain/ids.ts';
import { createHttpApp } from '../lib/usecases/http-app.ts';

const tokenParam = requireEnv('TWILIO_AUTH_TOKEN_PARAM');
const store = new DynamoStore(documentClient(), requireEnv('TABLE_NAME'));
const { log } = createLogger('echobot-http');

export const handler = createHttpApp({
  ingest: { store, now: () => new Date(), newId },
  // Cached for five minutes by Powertools, so a rotated token is picked up without a redeploy.
  twilioAuthToken: async () => {
    const token = await getParameter(tokenParam, { decrypt: true, maxAge: 300 });
    if (!token) throw new Error(`SSM parameter ${tokenParam} is empty`);
    return token;
  },
  telegramSecretToken: optionalSecret(process.env.TELEGRAM_SECRET_TOKEN_PARAM),
  imSecret: optionalSecret(process.env.IM_SECRET_PARAM),
  ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
  log,
});
