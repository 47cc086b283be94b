/**
 * Deployed mode: the bundles `cdk synth` puts in cdk.out, with the environment and IAM policies of
 * the synthesized template, handle real-shaped events against DynamoDB Local, the SQS emulator
 * and loopback fakes of SSM and the SMS API, until an echo reaches the fake SMS API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEchobotApp } from '../../infra/echobot-app.ts';
import type { EchobotStack } from '../../infra/echobot-stack.ts';
import { REPLIES } from '../../lib/domain/replies/core.ts';
import { startFakeSns } from '../fakes/fake-sns.ts';
import { startFakeSsm } from '../fakes/fake-ssm.ts';
import { TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { asArray, type CfnTemplate, cdkJsonContext, logicalId } from '../infra/infra-test-helpers.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { startFakeEumSms } from '../support/fake-eum-sms.ts';
import { eventually } from '../support/poll.ts';
import { sqsEvent } from '../support/sqs-helpers.ts';
import {
  bundleOf,
  type Deployed,
  deliverQueued,
  environmentOf,
  FUNCTIONS,
  type FunctionName,
  lambdaRuntimeEnv,
  newStreamRecords,
  type RunningFunction,
  startFunction,
  startRecorders,
  streamEvent,
  ungranted,
} from './deployed-pipeline.ts';
import { twoWayNotification } from './two-way-sms.ts';

/** The bot's number: `smsProvider=aws` sends every SMS from it through End User Messaging. */
const BOT_NUMBER = '+15550009999';
const ALICE = '+15550001111';
const BOB = '+15550002222';
/** Joins by texting the bot's number (two-way SMS -> SNS -> SQS -> the sms-inbound bundle). */
const CAROL = '+15550003333';
const POST = 'hello from the bundles';

let outdir = '';
let assembly: CloudAssembly;
let stack: EchobotStack;
let template: CfnTemplate;
let functionIds: Record<FunctionName, string>;
let bundles: Record<FunctionName, string>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'echobot-cdk-out-'));
  // `cdk synth` as an operator runs it: the local esbuild bundles every function, offline.
  // With a number, so deliver gets the End User Messaging env and sms-voice:SendTextMessage
  // (with no SMS context the stack's provider is `none` and SMS echoes are refused).
  const created = createEchobotApp({
    context: { ...cdkJsonContext(), smsProvider: 'aws', smsNumber: BOT_NUMBER },
    outdir,
  });
  stack = created.stack;
  assembly = created.app.synth();
  template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  const inbound = stack.sms.inbound;
  if (!inbound) throw new Error('smsProvider=aws synthesized no sms-inbound function');
  functionIds = {
    http: logicalId(stack.http.fn),
    fanout: logicalId(stack.fanout.fn),
    deliver: logicalId(stack.deliver.fn),
    smsInbound: logicalId(inbound.fn),
  };
  bundles = {
    http: bundleOf(assembly, template, functionIds.http),
    fanout: bundleOf(assembly, template, functionIds.fanout),
    deliver: bundleOf(assembly, template, functionIds.deliver),
    smsInbound: bundleOf(assembly, template, functionIds.smsInbound),
  };
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/**
 * One run of the deployed pipeline with this template: JOINs and a post into http, a JOIN by
 * two-way SMS into sms-inbound, the table's stream into fanout, the queue into deliver, until
 * carol's welcome and alice's echo reach the End User Messaging API; then every AWS call each
 * bundle made is checked against the policies on its role.
 */
async function echoThroughBundles(candidate: CfnTemplate) {
  const { endpoint, streamArn, table } = await freshTable();
  const { sqs, queueUrl, dlqUrl } = await freshQueue();
  const refs = {
    [logicalId(stack.table)]: table,
    [logicalId(stack.deliveryQueue)]: queueUrl,
    [logicalId(stack.deliveryDlq)]: dlqUrl,
    [logicalId(stack.safety.alertTopic)]: 'arn:aws:sns:us-east-1:000000000000:echobot-sms-alerts',
    'AWS::StackName': stack.stackName,
  };
  const deployed: Deployed = { template: candidate, functionIds, refs };
  // SNS stays reachable (the safety alerts topic); SMS go to End User Messaging only.
  const sns = await startFakeSns();
  const sms = await startFakeEumSms();
  const twilioTokenParam = environmentOf(deployed, 'http').TWILIO_AUTH_TOKEN_PARAM ?? '';
  const ssm = await startFakeSsm({ [twilioTokenParam]: TOKEN });
  const upstreams = {
    dynamodb: endpoint,
    sqs: inject('fauxqsEndpoint'),
    ssm: ssm.endpoint,
    sns: sns.endpoint,
    'pinpoint-sms-voice-v2': sms.endpoint,
  };
  const recorders = await Promise.all(FUNCTIONS.map(() => startRecorders(upstreams)));
  const running: RunningFunction[] = [];
  try {
    const [http, fanout, deliver, smsInbound] = await Promise.all(
      FUNCTIONS.map(async (fn, i) => {
        const env = { ...lambdaRuntimeEnv(fn), ...environmentOf(deployed, fn), ...recorders[i]?.env };
        const started = await startFunction(fn, bundles[fn], env);
        running.push(started);
        return started;
      }),
    );
    if (!http || !fanout || !deliver || !smsInbound) throw new Error('a function did not start');

    // The SQS message the two-way topic's subscription (raw delivery off) hands sms-inbound.
    const joined = (await smsInbound.invoke(
      sqsEvent([{ body: twoWayNotification(CAROL, BOT_NUMBER, 'JOIN carol') }]),
    )) as { batchItemFailures?: unknown[] } | null;
    expect(joined?.batchItemFailures, 'sms-inbound answer to JOIN carol').toEqual([]);

    for (const [from, body] of [
      [ALICE, 'JOIN alice'],
      [BOB, 'JOIN bob'],
      [BOB, POST],
    ] as const) {
      const res = (await http.invoke(twilioEvent({ From: from, Body: body }))) as { statusCode?: number };
      expect(res.statusCode, `http answer to ${body}`).toBe(200);
    }

    const seen = new Set<string>();
    let lastError: unknown;
    await eventually(
      async () => {
        try {
          const records = await newStreamRecords(endpoint, streamArn, seen);
          if (records.length > 0) {
            const res = (await fanout.invoke(streamEvent(records, streamArn))) as {
              batchItemFailures?: unknown[];
            } | null;
            if (res?.batchItemFailures?.length) throw new Error(`fanout failed ${JSON.stringify(res)}`);
            for (const r of records) seen.add(r.dynamodb?.SequenceNumber ?? '');
          }
          while ((await deliverQueued(sqs, queueUrl, deliver)) > 0);
        } catch (err) {
          lastError = err;
          throw err;
        }
        return sms.sent;
      },
      (sent) =>
        sent.some((m) => m.destination === ALICE && m.body === `bob: ${POST}`) &&
        sent.some((m) => m.destination === CAROL && m.body === REPLIES.welcome('carol')),
      "alice's echo and carol's welcome at the fake End User Messaging API",
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last error: ${String(lastError)}`);
    });

    const calls = Object.fromEntries(FUNCTIONS.map((fn, i) => [fn, recorders[i]?.calls() ?? []]));
    const missing = FUNCTIONS.flatMap((fn) =>
      ungranted(deployed, fn, calls[fn] ?? []).map((action) => `${fn} calls ${action}`),
    );
    if (missing.length > 0)
      throw new Error(`not granted by the function's IAM policy: ${missing.join(', ')}`);
    return { sent: [...sms.sent], calls };
  } finally {
    for (const fn of running) fn.stop();
    await Promise.all([...recorders.map((r) => r.stop()), sms.stop(), sns.stop(), ssm.stop()]);
    sqs.destroy();
  }
}

describe('the deployed bundles (cdk.out + the template, on local stand-ins)', () => {
  it('echo a post from the Twilio webhook to the SMS API, calling only what their policies grant', async () => {
    const { sent, calls } = await echoThroughBundles(structuredClone(template));
    // Never back to its sender.
    expect(sent.filter((m) => m.destination === BOB && m.body?.includes(POST))).toEqual([]);
    // Every SMS leaves from the bot's number, under the stack's configuration set (delivery events).
    const configurationSet = `${stack.stackName}-sms`;
    for (const to of [ALICE, CAROL])
      expect(sent.find((m) => m.destination === to)).toMatchObject({
        originationIdentity: BOT_NUMBER,
        configurationSet,
      });
    expect(calls.http).toEqual(expect.arrayContaining(['ssm:GetParameter', 'dynamodb:PutItem']));
    expect(calls.smsInbound).toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(calls.fanout).toContain('sqs:SendMessage');
    expect(calls.deliver).toContain('sms-voice:SendTextMessage');
    expect(calls.deliver).not.toContain('sns:Publish');
  }, 150_000);

  it.each([
    ['fanout', 'DELIVERY_QUEUE_URL'],
    // The provider is `aws` but the number went missing: deliver must not start (nor send from nowhere).
    ['deliver', 'ECHOBOT_SMS_NUMBER'],
  ] as const)(
    'fail, naming the variable, when the template drops an env var %s reads (%s)',
    async (fn, name) => {
      const mutated = structuredClone(template);
      const env = mutated.Resources[functionIds[fn]]?.Properties?.Environment as {
        Variables: Record<string, unknown>;
      };
      delete env.Variables[name];
      await expect(echoThroughBundles(mutated)).rejects.toThrow(
        new RegExp(`${fn} failed its cold start: .*${name}`, 's'),
      );
    },
    150_000,
  );

  it('fail, naming the action, when a policy drops an action a function calls', async () => {
    const mutated = structuredClone(template);
    for (const resource of Object.values(mutated.Resources)) {
      const document = resource.Properties?.PolicyDocument as
        | { Statement?: Array<{ Action?: unknown }> }
        | undefined;
      for (const statement of document?.Statement ?? []) {
        if (statement.Action !== undefined)
          statement.Action = asArray(statement.Action as string | string[]).filter(
            (a) => a !== 'sms-voice:SendTextMessage',
          );
      }
    }
    await expect(echoThroughBundles(mutated)).rejects.toThrow(/deliver calls sms-voice:SendTextMessage/);
  }, 150_000);
});
