/**
 * Deployed mode for a bot that peers (`-c peers=...`): the heartbeat function's bundle, built with
 * the stack's own esbuild options, run with the environment and IAM policy of the synthesized
 * template against DynamoDB Local, a fake SSM holding the bot key and two loopback peers: one
 * that answers, one whose port has nothing listening.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import { bundleOptions } from '../../infra/echobot-function.ts';
import { DynamoPeerStore } from '../../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { generateBotKeyPair, serializeBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { PEER_PATH } from '../../lib/federation/peer-messages.ts';
import { freePort } from '../../local/free-port.ts';
import { startFakeSsm } from '../fakes/fake-ssm.ts';
import { type CfnTemplate, cdkJsonContext, logicalId, templateJson } from '../infra/infra-test-helpers.ts';
import { freshTable } from '../support/aws-local.ts';
import {
  type Deployed,
  environmentOf,
  lambdaRuntimeEnv,
  type RunningFunction,
  startFunction,
  startRecorders,
  ungranted,
} from './deployed-pipeline.ts';

const BOT = 'https://bot.example';
let outdir = '';
let bundle = '';
let template: CfnTemplate;
let tableId = '';
let heartbeatId = '';

/** A peer on loopback that accepts every signed peer message and records where it came and what it carried. */
async function startAnsweringPeer() {
  const port = await freePort();
  const received: { path: string; signed: boolean; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += String(d);
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', signed: typeof req.headers.signature === 'string', body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

beforeAll(() => {
  const { stack } = createEchobotApp({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      publicUrl: BOT,
      peers: 'https://other.example',
    },
  });
  template = templateJson(Template.fromStack(stack));
  if (!stack.heartbeat) throw new Error('no heartbeat function with context peers');
  tableId = logicalId(stack.table);
  heartbeatId = logicalId(stack.heartbeat.heartbeat.fn);
  outdir = mkdtempSync(join(tmpdir(), 'echobot-heartbeat-bundle-'));
  buildSync(bundleOptions('heartbeat', outdir));
  bundle = join(outdir, 'index.mjs');
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the deployed heartbeat bundle (a bot that peers, on local stand-ins)', () => {
  it('marks the peer that does not answer down and the one that answers up, calling only what its policy grants', async () => {
    const { endpoint, doc, table } = await freshTable();
    const alive = await startAnsweringPeer();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const peers = new DynamoPeerStore(doc, table);
    const now = new Date();
    for (const url of [alive.url, dead]) {
      await peers.addPeer(url, 'config', now);
      // Both answered us before (a peer that never did is taken as not started yet).
      await peers.markHealth(url, true, now);
    }
    const deployed: Deployed = {
      template,
      functionIds: { heartbeat: heartbeatId },
      refs: { [tableId]: table },
    };
    const env = environmentOf(deployed, 'heartbeat');
    expect(env.ECHOBOT_PEERS).toBe('https://other.example');
    const key = generateBotKeyPair();
    const ssm = await startFakeSsm({ [env.BOT_KEY_PARAM ?? '']: serializeBotKeyPair(key) });
    const recorders = await startRecorders({
      dynamodb: endpoint,
      sqs: inject('fauxqsEndpoint'),
      ssm: ssm.endpoint,
      sns: 'http://127.0.0.1:9',
      'pinpoint-sms-voice-v2': 'http://127.0.0.1:9',
    });
    let running: RunningFunction | undefined;
    try {
      // The template's environment; the peers stand on loopback, which a deployed bot allows only when told.
      running = await startFunction('heartbeat', bundle, {
        ...lambdaRuntimeEnv('heartbeat'),
        ...env,
        ECHOBOT_ALLOW_PRIVATE: '1',
        ...recorders.env,
      });
      expect(await running.invoke({})).toEqual({ sent: 1, failed: 1 });
      expect(await peers.getPeer(dead)).toMatchObject({ down: true });
      expect((await peers.getPeer(alive.url))?.down).not.toBe(true);
      expect(alive.received).toEqual([
        {
          path: PEER_PATH,
          signed: true,
          body: JSON.stringify({ type: 'routes', from: BOT, routes: { 'bot.example': 0 } }),
        },
      ]);

      // The next minute: still down, nothing flips twice.
      expect(await running.invoke({})).toEqual({ sent: 1, failed: 1 });
      expect(await peers.getPeer(dead)).toMatchObject({ down: true });

      const calls = recorders.calls();
      expect(calls).toEqual(
        expect.arrayContaining(['ssm:GetParameter', 'dynamodb:Query', 'dynamodb:UpdateItem']),
      );
      expect(ungranted(deployed, 'heartbeat', calls)).toEqual([]);
    } finally {
      running?.stop();
      await Promise.all([recorders.stop(), ssm.stop(), alive.stop()]);
    }
  });
});
