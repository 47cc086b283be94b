import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { documentClient } from '../lib/adapters/dynamodb/document-client.ts';
import { ensureTable } from '../lib/adapters/dynamodb/ensure-table.ts';
import { fileOffsetStore } from '../lib/adapters/file-offset-store.ts';
import { createLogger } from '../lib/adapters/logger.ts';
import { OutboxAlerter } from '../lib/adapters/outbox-alerter.ts';
import { OutboxSender, readOutbox, recordOutboxState } from '../lib/adapters/outbox-sender.ts';
import { SqsJobQueue } from '../lib/adapters/sqs-queue.ts';
import { SqsQueueDepth } from '../lib/adapters/sqs-queue-depth.ts';
import type { TwilioAuth } from '../lib/adapters/twilio-sms-sender.ts';
import { composeCore } from '../lib/compose/bot.ts';
import { composeDeliver } from '../lib/compose/deliver.ts';
import { composeFanout } from '../lib/compose/fanout.ts';
import { composeHttpApp } from '../lib/compose/http.ts';
import type { PeerOptions } from '../lib/compose/peering.ts';
import type { SmsSettings } from '../lib/compose/sms-env.ts';
import { composeSmsProvider } from '../lib/compose/sms-provider.ts';
import { composeSmsRuntime } from '../lib/compose/sms-runtime.ts';
import { composeSmsSafety } from '../lib/compose/sms-safety.ts';
import { channelOf } from '../lib/domain/channel.ts';
import type { Channel } from '../lib/domain/types.ts';
import { parseSmsEvent } from '../lib/edges/aws-sms-sns.ts';
import { loadOrCreateBotKeyPair } from '../lib/federation/bot-keys.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { DeadHostPolicy } from '../lib/usecases/federation/run-task.ts';
import type { RetryDelay } from '../lib/usecases/retry-delay.ts';
import { recordSmsEvent } from '../lib/usecases/sms-receipts.ts';
import { channelSenders, type LocalChannelOptions } from './channel-senders.ts';
import { ConsoleFeed, serveConsoleEvents } from './console/console-feed.ts';
import { consoleRoutes } from './console/console-routes.ts';
import { LOCAL_AWS, startDynamoLocal } from './dynamodb-local.ts';
import { readBody, TooLargeError, toFunctionUrlEvent, writeResult } from './http-event.ts';
import { localContext } from './lambda-context.ts';
import { networkSnapshotOf } from './network-snapshot.ts';
import { startQueueLocal } from './queue-local.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startRepeating } from './repeating-timer.ts';
import { startStreamPoller } from './stream-poller.ts';
import { startTelegramPolling } from './telegram-polling.ts';
import { twimlMessages } from './twilio-carrier.ts';

export interface LocalNodeOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  dataDir: string;
  /** Public base URL providers sign against; defaults to http://host:port. */
  publicUrl?: string;
  /** Twilio auth token; generated once per data directory and kept there if absent. */
  twilioAuthToken?: string;
  /** Deliver retry backoff (default 30 s doubling to 15 min); tests and benches shorten it. */
  retryDelay?: RetryDelay;
  /** Channels beyond SMS; see local/channel-senders.ts for what each setting switches on. */
  channels?: LocalChannelOptions;
  /** The operator's `/status` bearer token; generated once per data directory and kept there if absent. */
  adminToken?: string;
  /** `ECHOBOT_SMS_DAILY_BUDGET`: SMS parts per UTC day; shown on the status page and enforced. */
  smsDailyBudget?: number;
  /** `ECHOBOT_POST_RATE_LIMIT` (default 30 posts per member per hour). */
  postRateLimit?: number;
  /** `ECHOBOT_SMS_MAX_SEGMENTS` (default 2 parts per SMS echo). */
  smsMaxSegments?: number;
  /** How often due quiet-hours digests are sent (default 60 s). */
  digestIntervalMs?: number;
  /** `ECHOBOT_ADMINS`: channels allowed to run operators' commands. */
  admins?: readonly Channel[];
  /** When a federation peer counts as dead (lib/usecases/federation/run-task.ts); tests shorten it. */
  deadHost?: DeadHostPolicy;
  /** `ECHOBOT_AUTHORIZED_FETCH=1`: actor and object documents answer signed GETs only. */
  authorizedFetch?: boolean;
  /** The peer network: `ECHOBOT_PEERS`, `ECHOBOT_RELAY`, `ECHOBOT_ALLOW_PRIVATE`, `ECHOBOT_MAX_HOPS`. */
  peering?: PeerOptions;
  /** `ECHOBOT_AP_RELAYS`: relays to subscribe to at start-up. */
  apRelays?: readonly string[];
  /**
   * `ECHOBOT_SMS_PROVIDER` (default `outbox`: nothing leaves the machine) and, for `twilio`, the
   * credentials its Messages API takes. Whatever the provider, every SMS is also in the outbox.
   */
  sms?: { settings: SmsSettings; twilioAuth?: () => Promise<TwilioAuth> };
}

export interface LocalNode {
  url: string;
  /** Where this process listens (differs from `url` behind a proxy, or on a leaf nothing reaches). */
  listenUrl: string;
  port: number;
  twilioAuthToken: string;
  adminToken: string;
  outboxFile: string;
  /** The node's DynamoDB Local (benches seed members straight into the table). */
  dynamoEndpoint: string;
  tableName: string;
  /** Waits until every message accepted so far has been fanned out and delivered (or the timeout passes). */
  settle(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

const TABLE = 'echobot';

async function devToken(dataDir: string, name = 'dev-twilio-token'): Promise<string> {
  const file = join(dataDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const token = randomBytes(16).toString('hex');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    return token;
  }
}

/**
 * A whole bot on one machine: DynamoDB Local (table and stream), fauxqs (the delivery queue
 * and its DLQ), the same handlers as the Lambda functions fed the same event shapes, and an
 * outbox file in place of carriers.
 */
export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dataDir, { recursive: true });
  const token = options.twilioAuthToken ?? (await devToken(options.dataDir));
  const adminToken = options.adminToken ?? (await devToken(options.dataDir, 'dev-admin-token'));
  const outboxFile = join(options.dataDir, 'outbox.jsonl');
  const { log, info } = createLogger('echobot-local');

  const dynamo = await startDynamoLocal({ dataDir: join(options.dataDir, 'dynamodb') });
  const cleanups: Array<() => Promise<void>> = [() => dynamo.stop()];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const { streamArn } = await ensureTable(dynamo.client, TABLE);
    const queueLocal = await startQueueLocal({ dataDir: join(options.dataDir, 'queue') });
    cleanups.push(() => queueLocal.stop());

    const queue = new SqsJobQueue(queueLocal.sqs, queueLocal.queueUrl);
    const outbox = new OutboxSender(outboxFile);

    const server: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    server.closeIdleConnections?.();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const url = (options.publicUrl ?? `http://${host}:${port}`).replace(/\/$/, '');

    const consoleFeed = new ConsoleFeed();
    const allowPrivate = options.channels?.allowPrivate ?? false;
    // The same composition as the Lambda functions, with the local stand-ins. The bot's key pair
    // lives in the data directory (mode 600), made on first start and read once here.
    const core = composeCore(
      {
        table: TABLE,
        publicUrl: url,
        federationBaseUrl: url,
        allowPrivate,
        authorizedFetch: options.authorizedFetch ?? false,
        admins: options.admins ?? [],
        safety: {
          ...(options.postRateLimit !== undefined ? { postRateLimit: options.postRateLimit } : {}),
          ...(options.smsMaxSegments !== undefined ? { smsMaxSegments: options.smsMaxSegments } : {}),
          ...(options.smsDailyBudget !== undefined ? { smsDailyBudget: options.smsDailyBudget } : {}),
        },
        peering: { url, allowPrivate, ...options.peering },
        ...(options.apRelays ? { apRelays: options.apRelays } : {}),
        sms: options.sms?.settings ?? { provider: 'outbox' },
      },
      {
        // One document client for everything this node reads and writes.
        doc: documentClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint }),
        botKey: await loadOrCreateBotKeyPair(join(options.dataDir, 'bot-key.json')),
        log,
        now: systemClock,
      },
    );
    const { store, timeline } = core;
    // aws or twilio: every SMS really leaves through the provider from the bot's number; the
    // outbox keeps a copy with the provider's id, and later its delivery state.
    const provider = await composeSmsProvider(core.config.sms ?? { provider: 'outbox' }, {
      ...(options.sms?.twilioAuth ? { twilioAuth: options.sms.twilioAuth } : {}),
      publicUrl: url,
    });
    const smsRuntime = provider
      ? composeSmsRuntime(core, provider, {
          alerter: new OutboxAlerter(outboxFile),
          botUrl: url,
          onSent: (message, sent) => outbox.sendVia(message, sent),
          onFinal: (sms) =>
            recordOutboxState(outboxFile, {
              messageId: sms.messageId,
              state: sms.state === 'delivered' ? 'delivered' : 'failed',
              ...(sms.errorCode ? { errorCode: sms.errorCode } : {}),
            }),
        })
      : undefined;
    const smsReceipts = smsRuntime
      ? { provider: smsRuntime.provider.name, ...smsRuntime.receipts(queue) }
      : undefined;
    const peering = core.peering;
    if (!peering) throw new Error('the local node always has a peer network');
    // Polling posts each update to our own webhook route; without a configured secret it gets a
    // random one for this process (never shown: nothing outside needs it).
    const polling = options.channels?.telegramBotToken && options.channels.telegramMode === 'poll';
    const telegramSecret =
      options.channels?.telegramSecretToken ?? (polling ? randomBytes(24).toString('hex') : undefined);
    const httpApp = composeHttpApp(core, {
      twilioAuthToken: async () => token,
      telegramSecretToken: async () => telegramSecret,
      imSecret: async () => options.channels?.imSecret,
      adminToken: async () => adminToken,
      queueDepth: new SqsQueueDepth(queueLocal.sqs, queueLocal.queueUrl, queueLocal.dlqUrl),
      ...(smsReceipts ? { smsReceipts } : {}),
      // Local only: the console drives this node through its own signed webhook routes.
      extraRoutes: consoleRoutes({
        url,
        twilioAuthToken: token,
        feed: consoleFeed,
        ...(options.channels?.telegramSecretToken
          ? { telegramSecret: options.channels.telegramSecretToken }
          : {}),
      }),
    });
    const channels = channelSenders(options.channels ?? {}, store, outbox);
    // Digests go through the provider too; echoes and replies through deliver's SMS path.
    const senders = smsRuntime ? { ...channels, sms: smsRuntime.sender } : channels;
    // The operator's budget alert is written to the outbox as channel `operator`.
    const safety = composeSmsSafety({
      config: core.config.safety,
      safety: core.smsSafety,
      store,
      sms: senders.sms,
      alerter: new OutboxAlerter(outboxFile),
      botUrl: url,
      log: info,
      now: systemClock,
    });
    const digests = startRepeating(
      'digest run',
      () => safety.runDigests(new Date()),
      options.digestIntervalMs ?? 60_000,
      info,
    );
    cleanups.push(async () => digests.stop());
    const fanout = composeFanout(core, queue);
    const deliver = composeDeliver(core, {
      queue,
      senders,
      smsGate: safety.gate,
      ...(options.retryDelay ? { retryDelay: options.retryDelay } : {}),
      ...(options.deadHost ? { deadHost: options.deadHost } : {}),
      ...(smsRuntime ? { sms: smsRuntime.deliver } : {}),
    });
    const snapshot = () =>
      networkSnapshotOf({
        self: peering.self,
        relay: peering.relay,
        peers: peering.peers,
        leaves: peering.leaves,
        store,
        timeline,
      });

    let settle: (timeoutMs?: number) => Promise<boolean> = async () => false;
    server.on('request', async (req, res) => {
      try {
        const body = await readBody(req);
        const path = new URL(req.url ?? '/', 'http://local').pathname;
        if (path === '/dev/settle' && req.method === 'GET') {
          const timeout = Math.min(
            120_000,
            Number(new URL(req.url ?? '/', 'http://local').searchParams.get('timeout') ?? 30_000),
          );
          const settled = await settle(timeout);
          res.writeHead(settled ? 200 : 504, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ settled }));
          return;
        }
        if (path === '/console/events' && req.method === 'GET') {
          serveConsoleEvents(consoleFeed, outboxFile, req, res);
          return;
        }
        if (path === '/dev/network' && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(await snapshot()));
          return;
        }
        if (path === '/dev/digests' && req.method === 'POST') {
          // Runs the quiet-hours digest now, as of `?now=` (tests move the clock, not the wait).
          const at = new URL(req.url ?? '/', 'http://local').searchParams.get('now');
          const now = at ? new Date(at) : new Date();
          if (Number.isNaN(now.getTime())) {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'now must be an ISO time' }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(await safety.runDigests(now)));
          return;
        }
        if (path === '/dev/sms-event' && req.method === 'POST') {
          // Local stand-in for the AWS events topic: the body is one End User Messaging SMS event
          // (the SNS notification's Message), recorded exactly as the events function does.
          const parsed = parseSmsEvent(body.toString('utf8'));
          if (!smsReceipts || parsed.kind !== 'receipt') {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                error: smsReceipts
                  ? parsed.kind === 'not-ours'
                    ? parsed.reason
                    : 'bad event'
                  : 'no SMS provider',
              }),
            );
            return;
          }
          const recorded = await recordSmsEvent(smsReceipts, parsed.receipt);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ result: recorded.result }));
          return;
        }
        if (path === '/dev/outbox' && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(await readOutbox(outboxFile)));
          return;
        }
        const event = toFunctionUrlEvent(req, body, new URL(url).host);
        const result = await httpApp(event, localContext('echobot-http'));
        if (path === '/webhooks/twilio' && result.statusCode === 200) {
          const from = new URLSearchParams(body.toString('utf8')).get('From');
          for (const text of twimlMessages(result.body ?? '')) {
            if (from) await outbox.send({ channel: channelOf('sms', from), text, kind: 'reply' });
          }
        }
        writeResult(res, result);
      } catch (err) {
        const tooLarge = err instanceof TooLargeError;
        if (!tooLarge) log('error', 'local request failed', { error: String(err) });
        res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: tooLarge ? 'body too large' : 'internal error' }));
      }
    });

    const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const streamPoller = startStreamPoller({
      streams,
      streamArn,
      handler: fanout,
      checkpointFile: join(options.dataDir, 'stream-checkpoints.json'),
      failureFile: join(options.dataDir, 'fanout-failures.jsonl'),
      log: info,
    });
    cleanups.push(async () => {
      await streamPoller.stop();
      streams.destroy();
    });
    const queuePoller = startQueuePoller({
      sqs: queueLocal.sqs,
      queueUrl: queueLocal.queueUrl,
      handler: deliver,
      log: info,
      // The local queue's visibility timeout is 60 s: one sixth of it, the stack's ratio.
      functionTimeoutMs: 10_000,
    });
    cleanups.push(() => queuePoller.stop());
    await peering.connectConfigured();
    const heartbeats = startRepeating('heartbeat', peering.heartbeat, peering.heartbeatSeconds * 1000, info);
    cleanups.push(async () => heartbeats.stop());
    await core.joinRelays();
    if (peering.upstreams.length > 0) {
      // A leaf: one long-poll loop per upstream, each with its cursor in the data directory.
      const uplinks = new AbortController();
      const running = peering.runUplinks({
        signal: uplinks.signal,
        cursors: (upstream) =>
          fileOffsetStore(
            join(
              options.dataDir,
              `leaf-cursor-${createHash('sha256').update(upstream).digest('hex').slice(0, 16)}.json`,
            ),
          ),
      });
      cleanups.push(async () => {
        uplinks.abort();
        await running;
      });
    }
    const botToken = options.channels?.telegramBotToken;
    if (polling && botToken && telegramSecret) {
      const telegramPolling = startTelegramPolling({
        botToken,
        ...(options.channels?.telegramApiUrl ? { apiUrl: options.channels.telegramApiUrl } : {}),
        listenUrl: `http://${host}:${port}`,
        secretToken: telegramSecret,
        dataDir: options.dataDir,
        log,
      });
      cleanups.push(() => telegramPolling.stop());
    }

    settle = async (timeoutMs = 30_000) => {
      const since = Date.now();
      const deadline = since + timeoutMs;
      while (Date.now() < deadline) {
        if (streamPoller.caughtUpSince(since) && !queuePoller.busy()) {
          const { Attributes: a = {} } = await queueLocal.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: queueLocal.queueUrl,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ApproximateNumberOfMessagesDelayed',
              ],
            }),
          );
          const pending =
            Number(a.ApproximateNumberOfMessages ?? 0) +
            Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
            Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
          if (pending === 0 && !queuePoller.busy()) return true;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    return {
      url,
      listenUrl: `http://${host}:${port}`,
      port,
      twilioAuthToken: token,
      adminToken,
      outboxFile,
      dynamoEndpoint: dynamo.endpoint,
      tableName: TABLE,
      settle: (t) => settle(t),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
