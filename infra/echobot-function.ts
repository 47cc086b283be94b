import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type BuildOptions, buildSync } from 'esbuild';

/** The runtime entry files under functions/ (each exports `handler`). */
export type EchobotEntry =
  | 'http'
  | 'fanout'
  | 'deliver'
  | 'digest'
  | 'sms-inbound'
  | 'sms-events'
  | 'uplink'
  | 'heartbeat';

export interface EchobotFunctionProps {
  readonly entry: EchobotEntry;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** LOG_LEVEL for Powertools Logger. */
  readonly logLevel: string;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const entryPath = (entry: EchobotEntry): string =>
  fileURLToPath(new URL(`../functions/${entry}.ts`, import.meta.url));

/** Lambda runtime for all functions: the newest Node.js the CDK lib knows (the code targets Node 22+). */
export const ECHOBOT_RUNTIME = Runtime.NODEJS_24_X;

/** Run on every output file (entry and chunks): bundled CommonJS packages call `require`. */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * esbuild options for one function's asset directory: `index.mjs` (the handler) plus `chunks/`.
 * Code splitting is why this is not a NodejsFunction (its esbuild call has one `--outfile`): a
 * client that only an optional feature uses (SES for mail, SSM for secrets) is reached through
 * `await import()`, so it lands in its own chunk that Node reads only when that feature runs,
 * not at every cold start. The SDK stays bundled (nothing external), pinned by the lock file.
 */
export const bundleOptions = (entry: EchobotEntry, outdir: string): BuildOptions => ({
  entryPoints: { index: entryPath(entry) },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: REQUIRE_BANNER },
  external: [],
  logLevel: 'warning',
});

/**
 * One echobot Lambda function with the project's defaults: arm64, latest Node.js runtime, ESM bundle
 * with split chunks built by the local esbuild (SDK v3 bundled, see bundleOptions), X-Ray tracing, its own log group with one month of
 * retention, and its own role whose only initial permission is writing to that log group (no
 * AWSLambdaBasicExecutionRole managed policy). Callers add grants to `role` / `fn`.
 */
export class EchobotFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EchobotFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `echobot ${props.entry} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(repoRoot, {
        // Hash the bundle, not the repository, like NodejsFunction does.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: local bundling always succeeds or throws (no Docker on the build machines).
          image: DockerImage.fromRegistry('dummy'),
          // CDK caches bundles per source path and bundling options, functions left out: without
          // the entry here every function would get the first one's bundle.
          environment: { ECHOBOT_ENTRY: props.entry },
          local: {
            tryBundle(outputDir) {
              buildSync(bundleOptions(props.entry, outputDir));
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: ECHOBOT_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'echobot',
        LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    // Active tracing (above) is what puts the X-Ray wildcard in every function's role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.',
    });
  }
}

/**
 * Runs `fn` every `rate` from an EventBridge rule that never retries a failed run: the next run
 * is the retry (the digest, a leaf's uplink, heartbeats).
 */
export function runOnSchedule(
  scope: Construct,
  id: string,
  fn: EchobotFunction,
  props: { rate: Duration; description: string },
): Rule {
  return new Rule(scope, id, {
    description: props.description,
    schedule: Schedule.rate(props.rate),
    targets: [new LambdaTarget(fn.fn, { retryAttempts: 0 })],
  });
}
