import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';
import { toLambdaRecord } from '../../local/stream-event.ts';
import { isNewPost } from '../../local/stream-poller.ts';
import { DOMAIN } from '../fakes/function-url-event.ts';
import {
  asArray,
  type CfnTemplate,
  type IamStatement,
  statementsOfRole,
} from '../infra/infra-test-helpers.ts';
import { type IamAction, startRecordingProxy } from './recording-proxy.ts';

export const FUNCTIONS = ['http', 'fanout', 'deliver', 'smsInbound'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
/** Those, and the functions only some stacks have (a leaf's uplink, test/deployed/uplink-bundle.test.ts). */
export type DeployedFunction = FunctionName | 'uplink' | 'heartbeat';

/** What the test takes from a synthesized stack: its template (a copy the tests may mutate) and bundle paths. */
export interface Deployed {
  template: CfnTemplate;
  /** Logical ids of the functions. */
  functionIds: Partial<Record<DeployedFunction, string>>;
  /**
   * Logical id (or pseudo parameter, `AWS::StackName`) -> the local value a Ref to it stands for
   * (table name, queue URL, topic ARN, stack name).
   */
  refs: Record<string, string>;
}

/** The entry file of a function's asset in cdk.out (its S3 key is the asset hash). */
export function bundleOf(assembly: CloudAssembly, template: CfnTemplate, functionId: string): string {
  const code = template.Resources[functionId]?.Properties?.Code as { S3Key?: unknown } | undefined;
  const hash = /^([0-9a-f]{64})\.zip$/.exec(String(code?.S3Key))?.[1];
  const file = join(assembly.directory, `asset.${hash}`, 'index.mjs');
  if (!hash || !existsSync(file)) throw new Error(`${functionId} has no bundle in cdk.out (${file})`);
  return file;
}

/** A template value -> the string the function would see; a Ref or GetAtt with no local stand-in fails, naming it. */
function resolve(value: unknown, refs: Record<string, string>, template: CfnTemplate, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const local = 'Ref' in value && typeof value.Ref === 'string' ? refs[value.Ref] : undefined;
    if (local !== undefined) return local;
    // `${Aws.STACK_NAME}-sms` (the configuration set's name) synthesizes to a join.
    if ('Fn::Join' in value && Array.isArray(value['Fn::Join'])) {
      const [separator, parts] = value['Fn::Join'];
      if (typeof separator === 'string' && Array.isArray(parts))
        return parts.map((part) => resolve(part, refs, template, name)).join(separator);
    }
    if ('Fn::GetAtt' in value && Array.isArray(value['Fn::GetAtt'])) {
      const [id, attribute] = value['Fn::GetAtt'];
      if (template.Resources[String(id)]?.Type === 'AWS::Lambda::Url' && attribute === 'FunctionUrl')
        return `https://${DOMAIN}/`;
    }
  }
  throw new Error(`environment variable ${name} is ${JSON.stringify(value)}, which has no local stand-in`);
}

/** A function's logical id; one the stack does not have fails, naming it. */
function idOf(deployed: Deployed, fn: DeployedFunction): string {
  const id = deployed.functionIds[fn];
  if (id === undefined) throw new Error(`no ${fn} function in this stack`);
  return id;
}

export function environmentOf(deployed: Deployed, fn: DeployedFunction): Record<string, string> {
  const props = deployed.template.Resources[idOf(deployed, fn)]?.Properties ?? {};
  const variables =
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [k, resolve(v, deployed.refs, deployed.template, k)]),
  );
}

/** The role a function runs as, from its `Role: {Fn::GetAtt: [role, Arn]}`. */
function roleOf(deployed: Deployed, fn: DeployedFunction): string {
  const role = deployed.template.Resources[idOf(deployed, fn)]?.Properties?.Role as
    | { 'Fn::GetAtt'?: [string, string] }
    | undefined;
  const id = role?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`${fn} has no role in the template`);
  return id;
}

const grants = (statements: IamStatement[], action: IamAction): boolean =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      asArray(s.Action).some((pattern) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(
          action,
        ),
      ),
  );

/** The actions a function called that the policies on its role do not allow. */
export function ungranted(deployed: Deployed, fn: DeployedFunction, calls: IamAction[]): IamAction[] {
  const statements = statementsOfRole(deployed.template, roleOf(deployed, fn));
  return calls.filter((action) => !grants(statements, action));
}

interface Reply {
  id?: number;
  ready?: boolean;
  initError?: string;
  result?: unknown;
  error?: string;
}

/** One function's execution environment: a Node 22 child running bundle-runner.ts. */
export async function startFunction(name: string, bundle: string, env: Record<string, string>) {
  const child: ChildProcess = fork(join(import.meta.dirname, 'bundle-runner.ts'), [bundle, name], {
    env,
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const pending = new Map<number, (reply: Reply) => void>();
  let onReady: ((reply: Reply) => void) | undefined;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${output.slice(-2000)}`))),
  );
  exited.catch(() => undefined);
  child.on('message', (reply: Reply) => {
    if (reply.id === undefined) onReady?.(reply);
    else pending.get(reply.id)?.(reply);
  });
  let initTimer: NodeJS.Timeout | undefined;
  const init = await Promise.race([
    new Promise<Reply>((r) => (onReady = r)),
    exited,
    new Promise<Reply>((r) => {
      initTimer = setTimeout(() => r({ initError: 'no answer within 30 s' }), 30_000);
    }),
  ]).finally(() => clearTimeout(initTimer));
  if (init.initError) {
    child.kill();
    throw new Error(`${name} failed its cold start: ${init.initError}`);
  }
  let next = 0;
  return {
    async invoke(event: unknown): Promise<unknown> {
      const id = ++next;
      let timer: NodeJS.Timeout | undefined;
      const reply = await Promise.race([
        new Promise<Reply>((r) => {
          pending.set(id, r);
          child.send({ id, event });
        }),
        exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name} did not answer within 30 s`)), 30_000);
        }),
      ]).finally(() => clearTimeout(timer));
      pending.delete(id);
      if (reply.error) throw new Error(`${name} failed an invocation: ${reply.error}`);
      return reply.result;
    },
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

export type RunningFunction = Awaited<ReturnType<typeof startFunction>>;

/** The AWS APIs a function may call: the SDK's service id (as in `AWS_ENDPOINT_URL_<ID>`). */
export type AwsApi = 'dynamodb' | 'sqs' | 'ssm' | 'sns' | 'pinpoint-sms-voice-v2';

/** The SDK's service id -> the prefix IAM names its actions with, where the two differ. */
const IAM_PREFIX: Partial<Record<AwsApi, string>> = { 'pinpoint-sms-voice-v2': 'sms-voice' };

/** Per function, a recording proxy in front of every AWS API it may call, and the env vars that point at them. */
export async function startRecorders(upstreams: Record<AwsApi, string>) {
  const proxies = await Promise.all(
    (Object.entries(upstreams) as Array<[AwsApi, string]>).map(async ([service, upstream]) => ({
      service,
      proxy: await startRecordingProxy(IAM_PREFIX[service] ?? service, upstream),
    })),
  );
  // Any other service (AWS_ENDPOINT_URL, the SDK's fallback) is recorded and refused (502): its
  // calls show up as `other:<operation>`, which no policy grants, so the test names them.
  const other = await startRecordingProxy('other', 'http://127.0.0.1:9');
  return {
    env: {
      ...Object.fromEntries(
        proxies.map(({ service, proxy }) => [
          `AWS_ENDPOINT_URL_${service.toUpperCase().replaceAll('-', '_')}`,
          proxy.endpoint,
        ]),
      ),
      AWS_ENDPOINT_URL: other.endpoint,
    },
    calls: (): IamAction[] => [...proxies.map(({ proxy }) => proxy), other].flatMap((p) => p.calls()).sort(),
    stop: () => Promise.all([...proxies.map(({ proxy }) => proxy), other].map((p) => p.stop())),
  };
}

/** What Lambda's runtime sets besides the template's variables (the credentials are the emulators'). */
export const lambdaRuntimeEnv = (fn: string): Record<string, string> => ({
  AWS_REGION: LOCAL_AWS.region,
  AWS_DEFAULT_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  AWS_LAMBDA_FUNCTION_NAME: fn,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  PATH: process.env.PATH ?? '',
});

/** Lambda's DynamoDB event source mapping, once: the stream records not in `seen`, filtered as the stack filters. */
export async function newStreamRecords(
  endpoint: string,
  streamArn: string,
  seen: Set<string>,
): Promise<_Record[]> {
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint });
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: _Record[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (ShardIterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
      records.push(...(page.Records ?? []).filter((r) => !seen.has(r.dynamodb?.SequenceNumber ?? '')));
      if (!page.Records?.length) break;
      ShardIterator = page.NextShardIterator;
    }
  }
  streams.destroy();
  return records.filter(isNewPost);
}

export const streamEvent = (records: _Record[], streamArn: string) => ({
  Records: records.map((r) => toLambdaRecord(r, streamArn)),
});

/** Lambda's SQS event source mapping, once: receive, invoke, delete what did not fail. */
export async function deliverQueued(
  sqs: SQSClient,
  queueUrl: string,
  deliver: RunningFunction,
): Promise<number> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  if (Messages.length === 0) return 0;
  const result = (await deliver.invoke({
    Records: Messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
        SenderId: m.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:deliver',
      awsRegion: LOCAL_AWS.region,
    })),
  })) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | null;
  const failed = new Set(result?.batchItemFailures?.map((f) => f.itemIdentifier) ?? []);
  for (const m of Messages) {
    if (!failed.has(m.MessageId ?? ''))
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
  return Messages.length;
}
