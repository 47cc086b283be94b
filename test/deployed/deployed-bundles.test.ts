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
import { startFakeSns } from '../fakes/fake-sns.ts';
import { startFakeSsm } from '../fakes/fake-ssm.ts';
import { TOKEN, twilioEvent } from '../fakes/function-url-event.ts';
import { asArray, type CfnTemplate, cdkJsonContext, logicalId } from '../infra/infra-test-helpers.ts';
import { freshQueue, freshTable } from '../support/aws-local.ts';
import { eventually } from '../support/poll.ts';
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

const ALICE = '+15550001111';
const BOB = '+15550002222';
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
  const created = createEchobotApp({ context: cdkJsonContext(), outdir });
  stack = created.stack;
  assembly = created.app.synth();
  template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  functionIds = {
    http: logicalId(stack.http.fn),
    fanout: logicalId(stack.fanout.fn),
    deliver: logicalId(stack.deliver.fn),
  };
  bundles = {
    http: bundleOf(assembly, template, functionIds.http),
    fanout: bundleOf(assembly, template, functionIds.fanout),
    deliver: bundleOf(assembly, template, functionIds.deliver),
  };
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/**
 * One run of the deployed pipeline with this template: JOINs and a post into http, the table's
 * stream into fanout, the queue into deliver, until alice's echo reaches the SMS API; then every
 * AWS call each bundle made is checked against the policies on its role.
 */
async function echoThroughBundles(candidate: CfnTemplate) {
  const { endpoint, streamArn, table } = await freshTable();
  const { sqs, queueUrl, dlqUrl } = await freshQueue();
  const refs = {
    [logicalId(stack.table)]: table,
    [logicalId(stack.deliveryQueue)]: queueUrl,
    [logicalId(stack.deliveryDlq)]: dlqUrl,
    [logicalId(stack.safety.alertTopic)]: 'arn:aws:sns:us-east-1:000000000000:echobot-sms-alerts',
  };
  const deployed: Deployed = { template: candidate, functionIds, refs };
  const sms = await startFakeSns();
  const twilioTokenParam = environmentOf(deployed, 'http').TWILIO_AUTH_TOKEN_PARAM ?? '';
  const ssm = await startFakeSsm({ [twilioTokenParam]: TOKEN });
  const upstreams = {
    dynamodb: endpoint,
    sqs: inject('fauxqsEndpoint'),
    ssm: ssm.endpoint,
    sns: sms.endpoint,
  };
  const recorders = await Promise.all(FUNCTIONS.map(() => startRecorders(upstreams)));
  const running: RunningFunction[] = [];
  try {
    const [http, fanout, deliver] = await Promise.all(
      FUNCTIONS.map(async (fn, i) => {
        const env = { ...lambdaRuntimeEnv(fn), ...environmentOf(deployed, fn), ...recorders[i]?.env };
        const started = await startFunction(fn, bundles[fn], env);
        running.push(started);
        return started;
      }),
    );
    if (!http || !fanout || !deliver) throw new Error('a function did not start');

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
        return sms.published;
      },
      (published) => published.some((p) => p.phoneNumber === ALICE && p.message === `bob: ${POST}`),
      'the echo at the fake SMS API',
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
    return { published: [...sms.published], calls };
  } finally {
    for (const fn of running) fn.stop();
    await Promise.all([...recorders.map((r) => r.stop()), sms.stop(), ssm.stop()]);
    sqs.destroy();
  }
}

describe('the deployed bundles (cdk.out + the template, on local stand-ins)', () => {
  it('echo a post from the Twilio webhook to the SMS API, calling only what their policies grant', async () => {
    const { published, calls } = await echoThroughBundles(structuredClone(template));
    // Never back to its sender.
    expect(published.filter((p) => p.phoneNumber === BOB && p.message.includes(POST))).toEqual([]);
    expect(calls.http).toEqual(expect.arrayContaining(['ssm:GetParameter', 'dynamodb:PutItem']));
    expect(calls.fanout).toContain('sqs:SendMessage');
    expect(calls.deliver).toContain('sns:Publish');
  }, 150_000);

  it('fail, naming the variable, when the template drops an env var a function reads', async () => {
    const mutated = structuredClone(template);
    const env = mutated.Resources[functionIds.fanout]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    delete env.Variables.DELIVERY_QUEUE_URL;
    await expect(echoThroughBundles(mutated)).rejects.toThrow(
      /fanout failed its cold start: .*DELIVERY_QUEUE_URL/s,
    );
  }, 150_000);

  it('fail, naming the action, when a policy drops an action a function calls', async () => {
    const mutated = structuredClone(template);
    for (const resource of Object.values(mutated.Resources)) {
      const document = resource.Properties?.PolicyDocument as
        | { Statement?: Array<{ Action?: unknown }> }
        | undefined;
      for (const statement of document?.Statement ?? []) {
        if (statement.Action !== undefined)
          statement.Action = asArray(statement.Action as string | string[]).filter(
            (a) => a !== 'sns:Publish',
          );
      }
    }
    await expect(echoThroughBundles(mutated)).rejects.toThrow(/deliver calls sns:Publish/);
  }, 150_000);
});
