import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The runtime entry files under functions/ (each exports `handler`). */
export type EchobotEntry = 'http' | 'fanout' | 'deliver' | 'digest' | 'sms-inbound' | 'sms-events';

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

/**
 * One echobot Lambda function with the project's defaults: arm64, latest Node.js runtime, ESM bundle
 * built by the local esbuild (SDK v3 bundled), X-Ray tracing, its own log group with one month of
 * retention, and its own role whose only initial permission is writing to that log group (no
 * AWSLambdaBasicExecutionRole managed policy). Callers add grants to `role` / `fn`.
 */
export class EchobotFunction extends Construct {
  readonly fn: NodejsFunction;
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

    this.fn = new NodejsFunction(this, 'Function', {
      entry: entryPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: ECHOBOT_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: repoRoot,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'echobot',
        LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }
}
