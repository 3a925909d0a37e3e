/**
 * The one Lambda construct every function uses: the project's Node.js (`.node-version`, the same
 * major the toolchain, the local runtime and the tests run on) on arm64, ESM bundle with source maps,
 * X-Ray tracing and an explicit log group with retention (so logs never live forever by accident).
 * Logs carry ids, never event or response bodies (they hold personal data): Powertools' event
 * logging is switched off explicitly, so nobody turns it on by accident with a default change.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import { acknowledgeNag } from './nag.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The Node.js major of `.node-version`: the Lambda runtime and the esbuild target follow it. */
export const NODE_MAJOR = Number(readFileSync(`${projectRoot}/.node-version`, 'utf8').trim().split('.')[0]);
const runtime = Runtime.ALL.find((candidate) => candidate.name === `nodejs${NODE_MAJOR}.x`);
if (!runtime) throw new Error(`aws-cdk-lib offers no Lambda runtime nodejs${NODE_MAJOR}.x (.node-version)`);
export const NODE_RUNTIME: Runtime = runtime;

export interface HouseFunctionProps {
  /** Path of the handler file relative to the project root, e.g. `functions/http/intake.ts`. */
  entry: string;
  description: string;
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logRetention: RetentionDays;
}

export class HouseFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: `${projectRoot}/${props.entry}`,
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS.http),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'voec-border',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: `node${NODE_MAJOR}`,
        sourceMap: true,
        minify: true,
        // The SDK is bundled (not taken from the runtime) so what we test is what runs.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });

    // The role CDK creates for the function, with its default policy (grants land there).
    acknowledgeNag(
      this.fn.role ?? this.fn,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole only allows logs:CreateLogGroup/CreateLogStream/PutLogEvents, ' +
          "which the function needs to write to its own log group; it is AWS's maintained minimal policy.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords do not ' +
          'support resource-level permissions, so their only possible resource is "*".',
      },
    );
  }
}
