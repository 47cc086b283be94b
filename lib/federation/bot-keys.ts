import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../domain/zod-messages.ts';

/**
 * The bot's RSA key pair. It signs everything the bot sends to other servers (ActivityPub
 * deliveries, peer messages); every actor of the bot publishes its public half under its own
 * key id (`<actor>#main-key`, owner = that actor), because the bot is the only signer for its
 * members and one key is one secret to rotate. Deployed, it lives in an SSM SecureString
 * (written by `npm run keys`); locally, in `$ECHOBOT_DATA/bot-key.json`, mode 600.
 */
export interface BotKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Parses the PEM with node:crypto, so a truncated or mangled key fails here, not at the first signature. */
const parses = (load: (pem: string) => unknown) => (pem: string) => {
  try {
    load(pem);
    return true;
  } catch {
    return false;
  }
};

const BotKeyPairSchema = z.object({
  publicKeyPem: z.string().check(z.refine(parses(createPublicKey), 'publicKeyPem is not a PEM public key')),
  privateKeyPem: z
    .string()
    .check(z.refine(parses(createPrivateKey), 'privateKeyPem is not a PEM private key')),
});

export function generateBotKeyPair(): BotKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Parses the stored JSON form (`{"publicKeyPem","privateKeyPem"}`); throws a clear error otherwise. */
export function parseBotKeyPair(json: string): BotKeyPair {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(
      'bot key: not JSON; expected {"publicKeyPem","privateKeyPem"} as written by npm run keys',
    );
  }
  const parsed = BotKeyPairSchema.safeParse(value);
  if (!parsed.success) throw new Error(`bot key: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export function serializeBotKeyPair(pair: BotKeyPair): string {
  return JSON.stringify(pair);
}

/** Local runs: the key pair kept in a file, generated on first start. */
export async function loadOrCreateBotKeyPair(file: string): Promise<BotKeyPair> {
  try {
    return parseBotKeyPair(await readFile(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    const pair = generateBotKeyPair();
    await writeFile(file, serializeBotKeyPair(pair), { mode: 0o600 });
    return pair;
  }
}
