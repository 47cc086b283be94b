import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTelegramWebhook } from '../../lib/adapters/telegram-set-webhook.ts';
import { startFakeTelegram } from '../fakes/fake-telegram.ts';

const TOKEN = '123456:test-bot-token';
let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
beforeAll(async () => {
  telegram = await startFakeTelegram(TOKEN);
});
afterAll(async () => telegram.stop());

describe('setting the Telegram webhook for a deployed bot', () => {
  it('sends the webhook URL, the secret token and message updates only', async () => {
    const said = await setTelegramWebhook({
      botToken: TOKEN,
      webhookUrl: 'https://abc.lambda-url.us-east-1.on.aws/webhooks/telegram',
      secretToken: 'sekret_token-1',
      apiUrl: telegram.url,
    });
    expect(said).toBe('Webhook was set');
    expect(telegram.webhooks.at(-1)).toEqual({
      url: 'https://abc.lambda-url.us-east-1.on.aws/webhooks/telegram',
      secret_token: 'sekret_token-1',
      allowed_updates: ['message'],
    });
  });

  it('refuses bad input before calling Telegram, and reports a refusal without the bot token', async () => {
    const before = telegram.webhooks.length;
    const base = { botToken: TOKEN, secretToken: 'ok', apiUrl: telegram.url };
    await expect(setTelegramWebhook({ ...base, webhookUrl: 'http://insecure.example/x' })).rejects.toThrow(
      /https/,
    );
    await expect(
      setTelegramWebhook({ ...base, webhookUrl: 'https://a.example/x', secretToken: 'has spaces' }),
    ).rejects.toThrow(/secret token/);
    const wrong = setTelegramWebhook({ ...base, botToken: '999:other', webhookUrl: 'https://a.example/x' });
    await expect(wrong).rejects.toThrow(/setWebhook refused: Not Found/);
    await wrong.catch((err: unknown) => expect(String(err)).not.toContain('999:other'));
    expect(telegram.webhooks.length).toBe(before);
  });

  it('npm run telegram:webhook -- --url sets it from the shell', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/telegram-webhook.ts', '--url', 'https://bot.example/webhooks/telegram'],
      {
        env: {
          ...process.env,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_SECRET_TOKEN: 'from-ssm',
          TELEGRAM_API_URL: telegram.url,
        },
      },
    );
    expect(stdout).toContain('Telegram webhook set to https://bot.example/webhooks/telegram');
    expect(telegram.webhooks.at(-1)?.secret_token).toBe('from-ssm');
  }, 60_000);
});
