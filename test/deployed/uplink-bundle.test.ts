/**
 * Deployed mode for a leaf (`-c upstream=...`): the uplink function's bundle, built with the
 * stack's own esbuild options, run with the environment and IAM policy of the synthesized
 * template against DynamoDB Local, a fake SSM holding the bot key and a loopback super-peer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import { bundleOptions } from '../../infra/echobot-function.ts';
import { DynamoPeerStore } from '../../lib/adapters/dynamodb/dynamo-peer-store.ts';
import { generateBotKeyPair, serializeBotKeyPair } from '../../lib/federation/bot-keys.ts';
import { startFakeSsm } from '../fakes/fake-ssm.ts';
import { type CfnTemplate, cdkJsonContext, logicalId, templateJson } from '../infra/infra-test-helpers.ts';
import { freshTable } from '../support/aws-local.ts';
import { startLoopbackSuperPeer } from '../support/loopback-super-peer.ts';
import {
  type Deployed,
  environmentOf,
  lambdaRuntimeEnv,
  type RunningFunction,
  startFunction,
  startRecorders,
  ungranted,
} from './deployed-pipeline.ts';

const LEAF = 'https://leaf.example';
let outdir = '';
let bundle = '';
let template: CfnTemplate;
let tableId = '';
let uplinkId = '';

beforeAll(() => {
  // The template without bundling; the bundle with the options the stack's asset uses (bundleOptions).
  const { stack } = createEchobotApp({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      publicUrl: LEAF,
      upstream: 'https://s.example',
    },
  });
  template = templateJson(Template.fromStack(stack));
  if (!stack.uplink) throw new Error('no uplink function with context upstream');
  tableId = logicalId(stack.table);
  uplinkId = logicalId(stack.uplink.uplink.fn);
  outdir = mkdtempSync(join(tmpdir(), 'echobot-uplink-bundle-'));
  buildSync(bundleOptions('uplink', outdir));
  bundle = join(outdir, 'index.mjs');
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the deployed uplink bundle (a leaf, on local stand-ins)', () => {
  it('collects what a super-peer holds once across runs and a new container, calling only what its policy grants', async () => {
    const { endpoint, doc, table } = await freshTable();
    const hub = await startLoopbackSuperPeer(LEAF);
    const deployed: Deployed = { template, functionIds: { uplink: uplinkId }, refs: { [tableId]: table } };
    const env = environmentOf(deployed, 'uplink');
    expect(env.ECHOBOT_UPSTREAM).toBe('https://s.example');
    const key = generateBotKeyPair();
    const ssm = await startFakeSsm({ [env.BOT_KEY_PARAM ?? '']: serializeBotKeyPair(key) });
    const recorders = await startRecorders({
      dynamodb: endpoint,
      sqs: inject('fauxqsEndpoint'),
      ssm: ssm.endpoint,
      sns: 'http://127.0.0.1:9',
      'pinpoint-sms-voice-v2': 'http://127.0.0.1:9',
    });
    // The template's environment, the super-peer standing at a loopback URL instead of https://s.example.
    const container = () =>
      startFunction('uplink', bundle, {
        ...lambdaRuntimeEnv('uplink'),
        ...env,
        ECHOBOT_UPSTREAM: hub.url,
        ...recorders.env,
      });
    const running: RunningFunction[] = [];
    try {
      const first = await container();
      running.push(first);
      expect(await first.invoke({})).toMatchObject([{ upstream: hub.url, ok: true, registered: true }]);
      expect(await hub.peering.leaves.getLeaf(LEAF)).toMatchObject({ publicKeyPem: key.publicKeyPem });
      await hub.holdPost('one');
      await hub.holdPost('two');
      expect(await first.invoke({})).toMatchObject([{ ok: true, received: 2, registered: false }]);
      first.stop();

      await hub.holdPost('three');
      const second = await container();
      running.push(second);
      expect(await second.invoke({})).toMatchObject([{ ok: true, received: 1, duplicates: 0 }]);

      const relayed = await new DynamoPeerStore(doc, table).recentRelayed(10);
      expect(relayed.map((p) => p.text).sort()).toEqual(['one', 'three', 'two']);
      const calls = recorders.calls();
      expect(calls).toEqual(expect.arrayContaining(['ssm:GetParameter', 'dynamodb:PutItem']));
      expect(ungranted(deployed, 'uplink', calls)).toEqual([]);
    } finally {
      for (const fn of running) fn.stop();
      await Promise.all([recorders.stop(), ssm.stop(), hub.stop()]);
    }
  });
});
