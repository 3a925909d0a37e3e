/**
 * The template's Lambda functions as local specs: bundled asset directory, handler, timeout,
 * memory and the environment Lambda would give them (resolved variables + reserved variables).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws.ts';
import type { Intrinsics } from './intrinsics.ts';
import type { LambdaFunctionSpec } from './lambda-host.ts';

/** A closed local port: the SDK's global endpoint override for services that are not emulated. */
export const UNREACHABLE_ENDPOINT = 'http://127.0.0.1:9';

export interface FunctionEnvironmentOptions {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** fauxqs's S3 behind the local front (s3-front.ts), which takes PUTs beyond fauxqs's limit. */
  s3Endpoint: string;
  extraEnv?: Record<string, string>;
}

export interface SkippedFunction {
  stackName: string;
  logicalId: string;
  reason: string;
}

/** CDK's own helper functions (custom resource providers, log retention), never part of the app. */
function cdkInternalReason(intrinsics: Intrinsics, stackName: string, logicalId: string): string | undefined {
  const resource = intrinsics.resource(stackName, logicalId);
  const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? '');
  if (/Custom::|\/Provider\/framework-/.test(cdkPath)) return 'CDK custom resource provider';
  if (/^LogRetention[0-9a-f]{32}$/.test(logicalId) || logicalId === 'AWS679f53fac002430cb0da5b7982bd2287') {
    return 'CDK-internal function';
  }
  const servesCustomResource = intrinsics
    .resources(stackName)
    .some(
      ([, other]) =>
        (other.Type.startsWith('Custom::') || other.Type === 'AWS::CloudFormation::CustomResource') &&
        JSON.stringify(other.Properties?.ServiceToken ?? '').includes(`"${logicalId}"`),
    );
  return servesCustomResource ? 'custom resource provider' : undefined;
}

export function functionSpecs(
  intrinsics: Intrinsics,
  options: FunctionEnvironmentOptions,
): { specs: LambdaFunctionSpec[]; skipped: SkippedFunction[] } {
  const specs: LambdaFunctionSpec[] = [];
  const skipped: SkippedFunction[] = [];
  for (const stackName of intrinsics.stackNames()) {
    const assemblyDir = intrinsics.assemblyDir(stackName);
    for (const [logicalId, resource] of intrinsics.resources(stackName, 'AWS::Lambda::Function')) {
      const skip = (reason: string) => skipped.push({ stackName, logicalId, reason });
      const internal = cdkInternalReason(intrinsics, stackName, logicalId);
      if (internal) {
        skip(internal);
        continue;
      }
      const path = `${stackName}/${logicalId}/Properties`;
      const props = (resource.Properties ?? {}) as Record<string, unknown>;
      const runtime = String(props.Runtime ?? '');
      if (!runtime.startsWith('nodejs')) {
        skip(`runtime ${runtime || '(container image)'} is not emulated`);
        continue;
      }
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') {
        skip('no local code asset (inline code)');
        continue;
      }
      const taskRoot = join(assemblyDir, assetPath);
      if (!statSync(taskRoot, { throwIfNoEntry: false })?.isDirectory()) {
        skip(`asset ${assetPath} is not a directory in the cloud assembly`);
        continue;
      }
      const identity = intrinsics.identity(stackName, logicalId, path);
      const functionName = identity.ref;
      const handler = intrinsics.string(
        intrinsics.resolve(props.Handler, stackName, `${path}/Handler`),
        path,
      );
      const timeoutSeconds = Number(intrinsics.resolve(props.Timeout ?? 3, stackName, `${path}/Timeout`));
      const memorySize = Number(intrinsics.resolve(props.MemorySize ?? 128, stackName, `${path}/MemorySize`));
      const variables = intrinsics.resolve(
        (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
        stackName,
        `${path}/Environment/Variables`,
      ) as Record<string, unknown>;
      const logGroup = (props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
      const logGroupName = logGroup
        ? intrinsics.string(intrinsics.resolve(logGroup, stackName, `${path}/LoggingConfig`), path)
        : `/aws/lambda/${functionName}`;
      const environment: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
        // Reserved variables: Lambda sets these itself and a function cannot override them.
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: handler,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        // The local wiring: the SDK (and lib/config.ts) send DynamoDB and SQS calls to the emulators.
        AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
        AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
        // fauxqs serves S3 on its SQS endpoint (path-style; lib/compose/uploads.ts sets that),
        // through the front that stores a large PUT as a multipart upload (s3-front.ts).
        AWS_ENDPOINT_URL_S3: options.s3Endpoint,
        // Every other AWS service (not emulated) fails fast here instead of reaching real AWS.
        AWS_ENDPOINT_URL: UNREACHABLE_ENDPOINT,
        ...options.extraEnv,
      };
      specs.push({
        stackName,
        logicalId,
        functionName,
        functionArn: String(identity.attributes.Arn),
        handler,
        taskRoot,
        timeoutSeconds,
        memorySize,
        environment,
      });
    }
  }
  return { specs, skipped };
}
