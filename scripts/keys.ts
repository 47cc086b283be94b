/**
 * `npm run keys`: makes the bot's ActivityPub key pair (RSA 2048) and prints the command that
 * stores it as an SSM SecureString for the deployed bot. The key is printed once, to this
 * terminal only: nothing is written to the repository. Local runs need none of this (the local
 * node keeps its key in `$ECHOBOT_DATA/bot-key.json`).
 *
 *   npm run keys                       # parameter /echobot/bot-key
 *   npm run keys -- /other/param/name  # the name given to CDK as -c botKeyParam=...
 */
import { generateBotKeyPair, serializeBotKeyPair } from '../lib/federation/bot-keys.ts';

const param = process.argv[2] ?? '/echobot/bot-key';
const json = serializeBotKeyPair(generateBotKeyPair());
const quoted = `'${json.replaceAll("'", "'\\''")}'`;
console.log(`# Store the bot's signing key (run once; --overwrite rotates it, and peers refetch the new key):
aws ssm put-parameter --name ${param} --type SecureString --overwrite --value ${quoted}`);
