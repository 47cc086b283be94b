/**
 * `npm run sms -- <from> <text...>`: texts a local bot as a phone would, through Twilio's
 * signed webhook. Reads the bot's URL and token the way `npm start` sets them.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { twimlMessages } from '../local/twilio-carrier.ts';
import { sendSms } from '../local/twilio-phone.ts';

const [from, ...words] = process.argv.slice(2);
if (!from || words.length === 0) {
  console.error('usage: npm run sms -- +15550001111 JOIN alice');
  process.exit(2);
}
const url = process.env.ECHOBOT_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const dataDir = resolve(process.env.ECHOBOT_DATA ?? '.echobot');
const token =
  process.env.TWILIO_AUTH_TOKEN ?? (await readFile(join(dataDir, 'dev-twilio-token'), 'utf8')).trim();
const res = await sendSms({ url, token, from, body: words.join(' ') }).catch((err: unknown) => {
  console.error(`no bot answers at ${url} (${String(err)}); start one with npm start`);
  process.exit(1);
});
if (res.status !== 200) {
  console.error(`${res.status}: ${res.text}`);
  process.exit(1);
}
for (const reply of twimlMessages(res.text)) console.log(`reply to ${from}: ${reply}`);
