import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { outboxLine } from '../../lib/adapters/outbox-sender.ts';
import { sendSms } from './twilio-phone.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WATCHDOG = pathToFileURL(join(import.meta.dirname, 'exit-with-parent.ts')).href;

export interface LocalBot {
  url: string;
  /** Where the process listens: `url` unless ECHOBOT_URL names another address. */
  listenUrl: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  sms(from: string, body: string, sid?: string): Promise<{ status: number; text: string; sid: string }>;
  outbox(): Promise<z.infer<typeof outboxLine>[]>;
  /** Waits until everything accepted so far is fanned out and delivered. */
  settle(): Promise<void>;
  /** Graceful stop (SIGTERM), or `SIGKILL` to crash it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `local/start.ts` (what `npm start` runs) as its own process on a free port. */
export async function startLocalBot(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    startTimeoutMs?: number;
    /** Drive the bot (SMS, outbox, settle) where it listens, not at its ECHOBOT_URL (a leaf). */
    driveAtListenUrl?: boolean;
  } = {},
): Promise<LocalBot> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'echobot-e2e-')));
  const token = 'e2e-twilio-token';
  // exit-with-parent: the bot stops when this process goes, however a test ends.
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', WATCHDOG, 'local/start.ts'], {
    cwd: ROOT,
    env: {
      // The bot's settings come from the test alone, never from the shell running it.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ECHOBOT_'))),
      PORT: '0',
      ECHOBOT_DATA: dataDir,
      TWILIO_AUTH_TOKEN: token,
      LOG_LEVEL: 'WARN',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const limit = options.startTimeoutMs ?? 90_000;
    const timer = setTimeout(() => {
      // Never leave a half-started bot (and its DynamoDB Local) behind.
      child.kill('SIGTERM');
      reject(new Error(`bot did not start in ${limit / 1000} s:\n${output}`));
    }, limit);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/echobot is running at (http:\/\/\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
      // Debugging a run: E2E_BOT_LOGS=1 keeps each bot's warnings in its data directory.
      if (process.env.E2E_BOT_LOGS) appendFileSync(join(dataDir, 'process.log'), d);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before starting:\n${output}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const listenUrl = output.match(/Listening at (http:\/\/\S+)/)?.[1] ?? url;
  const drive = options.driveAtListenUrl ? listenUrl : url;
  return {
    url,
    listenUrl,
    token,
    dataDir,
    process: child,
    sms: (from, body, sid) => sendSms({ url, sendTo: drive, token, from, body, ...(sid ? { sid } : {}) }),
    outbox: async () => z.array(outboxLine).parse(await (await fetch(`${drive}/dev/outbox`)).json()),
    settle: async () => {
      const res = await fetch(`${drive}/dev/settle?timeout=60000`);
      if (res.status !== 200) throw new Error(`bot did not settle: ${res.status} ${await res.text()}`);
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
