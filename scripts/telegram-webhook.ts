import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { setTelegramWebhook } from '../lib/adapters/telegram-set-webhook.ts';

/**
 * `npm run telegram:webhook [-- --url <webhook url> | --stack <name>]`: points the Telegram bot
 * (`TELEGRAM_BOT_TOKEN`) at the deployed stack's `TelegramWebhookUrl` output (or `--url`), with
 * `TELEGRAM_SECRET_TOKEN`, the value stored in the stack's SSM parameter. `TELEGRAM_API_URL`
 * overrides the Bot API address. Uses the usual AWS credentials to read the stack output.
 */
const { values } = parseArgs({
  options: { url: { type: 'string' }, stack: { type: 'string', default: 'EchobotStack' } },
});

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see README, Telegram).`);
    process.exit(2);
  }
  return value;
};

async function stackOutput(stack: string, key: string): Promise<string> {
  const out = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stack }));
  const value = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  if (!value) throw new Error(`stack ${stack} has no ${key} output: deploy it first, or pass --url`);
  return value;
}

const botToken = need('TELEGRAM_BOT_TOKEN');
const secretToken = need('TELEGRAM_SECRET_TOKEN');
try {
  const webhookUrl = values.url ?? (await stackOutput(values.stack, 'TelegramWebhookUrl'));
  const said = await setTelegramWebhook({
    botToken,
    secretToken,
    webhookUrl,
    ...(process.env.TELEGRAM_API_URL ? { apiUrl: process.env.TELEGRAM_API_URL } : {}),
  });
  console.log(`Telegram webhook set to ${webhookUrl}: ${said}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
