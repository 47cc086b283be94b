import { type BotKeyPair, parseBotKeyPair } from '../federation/bot-keys.ts';
import { optionalSecret } from './ssm-secret.ts';

/**
 * The deployed bot's key pair from its SSM SecureString (written once by `npm run keys`).
 * Undefined when the parameter is not set (the bot then does not federate) or cannot be read
 * (logged; webhooks keep working, federation is off until the next cold start).
 */
export async function botKeyFromSsm(
  name: string | undefined,
  log: (level: 'error', event: string, fields: Record<string, unknown>) => void,
): Promise<BotKeyPair | undefined> {
  try {
    const json = await optionalSecret(name)();
    return json === undefined ? undefined : parseBotKeyPair(json);
  } catch (err) {
    log('error', 'bot key not loaded: federation is off', { param: name, error: String(err) });
    return undefined;
  }
}
