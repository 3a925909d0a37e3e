/**
 * The one-command local runtime: the synthesized CDK templates run against DynamoDB Local and
 * fauxqs, each bundled function in its own worker threads, the HTTP API on node:http, the SQS
 * event sources polled, and the schedules fired. `npm start` (local/start.ts), the integration
 * tests and the benchmarks all start it through `startLocalStack`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPartnerKeyStore } from '../../lib/adapters/dynamodb/partner-key-store.ts';
import { hashKey, type KeyRole } from '../../lib/domain/partner-keys.ts';
import { startDynamoDbLocal, startSqsEmulator } from '../emulators.ts';
import { readCloudAssembly, synthesize } from './assembly.ts';
import { localDynamoClient, localS3Client, localSqsClient } from './aws.ts';
import { BucketNotifier, createBuckets } from './buckets.ts';
import { warmUpDynamoDbLocal } from './dynamodb-warm-up.ts';
import { functionSpecs } from './functions.ts';
import { apiFromTemplates, HttpGateway } from './http-gateway.ts';
import { Intrinsics } from './intrinsics.ts';
import {
  type FunctionLogSink,
  type InvocationReportSink,
  type LambdaError,
  LambdaFunctionHost,
} from './lambda-host.ts';
import { createQueues, createTables } from './resources.ts';
import { startS3Front } from './s3-front.ts';
import { type ScheduledRule, type ScheduleRunResult, Scheduler } from './scheduler.ts';
import { SqsPoller } from './sqs-poller.ts';
import { StreamPoller } from './stream-poller.ts';

export type { InvocationReport, InvocationReportSink } from './lambda-host.ts';
export type { ScheduleRunResult } from './scheduler.ts';

export interface PartnerKey {
  partnerId: string;
  key: string;
  /** An operator's key (the console's carrier-wide, read-only view); a partner's when absent. */
  role?: KeyRole;
}

export interface LocalStackOptions {
  /** HTTP API port; 0 picks a free one. Default: `PORT` or 3000. */
  port?: number;
  /** Run `cdk synth` first (default true). Tests synthesize once and pass false. */
  synth?: boolean;
  /** The cloud assembly directory (default `cdk.out` in the project). */
  cdkOut?: string;
  /** Keep DynamoDB Local's data in this directory between runs. */
  persistDir?: string;
  /** Fire `rate(...)` schedules on their rate (default true); `runSchedules()` works either way. */
  scheduleEnabled?: boolean;
  /** Added to every function's environment (wins over the template's variables). */
  extraEnv?: Record<string, string>;
  /** Partner API keys to store, so the authorizer accepts them. */
  partnerKeys?: PartnerKey[];
  /** Poll the SQS event sources (default true). Off: messages stay in the queues for inspection. */
  pollQueues?: boolean;
  /**
   * With pollQueues: poll only the SQS event sources of the functions this accepts (by logical id;
   * default all). The table stream is then not polled either. For a benchmark of one function
   * that must not share this machine's cores with the others (in AWS they run apart).
   */
  pollFunctions?: (functionLogicalId: string) => boolean;
  /** Benchmarks: every function forces a full GC this often while invoked and reports its live heap. */
  liveHeapSampleMs?: number;
  /**
   * Warm DynamoDB Local's JIT on a scratch table before serving (dynamodb-warm-up.ts explains why):
   * `npm start` and the benchmarks, ~10 s on a 2-core machine. The tests leave it off.
   */
  warmUpDynamoDb?: boolean;
  /** Use running emulators instead of starting new ones (tests share one per run). */
  dynamoEndpoint?: string;
  sqsEndpoint?: string;
  /** Prefix for table and queue names, to share emulators between runtimes. */
  namePrefix?: string;
  /** Concurrent executions per function (worker threads created on demand). Default 4. */
  maxConcurrency?: number;
  /** Serve the built operations console (console/dist) at `/console/` beside the API. */
  consoleDir?: string;
  /** Runtime messages (one line each). Default: console.log. */
  log?: (message: string) => void;
  /** Function output: true (default) prints it prefixed with the function, false drops it. */
  functionLogs?: boolean | FunctionLogSink;
  /** Every invocation's resource report (duration, thread CPU, peak heap), like Lambda's REPORT line. */
  onInvocationReport?: InvocationReportSink;
  /**
   * Benchmarks only: every function's timeout and every HTTP API integration timeout become this,
   * so a path slower than its limit is measured rather than cut off (the bench reports the limit
   * next to the time). Never for `npm start` or the tests, where the template's limits are the point.
   */
  timeoutOverrideSeconds?: number;
  projectRoot?: string;
}

export interface LocalFunction {
  stackName: string;
  functionName: string;
  functionArn: string;
  handler: string;
  assetDir: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
}

export interface LocalStack {
  apiUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  cdkOut: string;
  /** Template logical id → physical table name. */
  tables: Record<string, string>;
  /** Template logical id → queue. */
  queues: Record<string, { name: string; url: string; arn: string }>;
  /** Template logical id → function. */
  functions: Record<string, LocalFunction>;
  partnerKeys: PartnerKey[];
  /** SQS event source mappings: which function consumes which queue, and how. */
  eventSources: Array<{
    logicalId: string;
    function: string;
    queue: string;
    batchSize: number;
    reportBatchItemFailures: boolean;
    maximumConcurrency: number;
    polling: boolean;
  }>;
  /** Synchronous invoke by logical id or function name; resolves the result, rejects a function error. */
  invoke(fn: string, event: unknown): Promise<unknown>;
  /** Fires every scheduled rule now; resolves when every target function has finished. */
  runSchedules(): Promise<ScheduleRunResult[]>;
  /** Waits until every queue with an event source mapping is empty and no batch is in flight. */
  drainQueues(options?: { timeoutMs?: number }): Promise<void>;
  /** Approximate message counts per queue (GetQueueAttributes). */
  queueCounts(): Promise<
    Array<{ queue: string; name: string; visible: number; inFlight: number; delayed: number }>
  >;
  stop(): Promise<void>;
}

export class LambdaInvocationError extends Error {
  constructor(readonly error: LambdaError) {
    super(`${error.errorType}: ${error.errorMessage}`);
    this.name = 'LambdaInvocationError';
  }
}

/** `LOCAL_PARTNER_KEYS=partnerId:key,partnerId:key` → keys. */
export function parsePartnerKeys(value: string | undefined): PartnerKey[] | undefined {
  if (!value?.trim()) return undefined;
  return value.split(',').map((entry) => {
    const index = entry.indexOf(':');
    if (index <= 0) throw new Error(`LOCAL_PARTNER_KEYS entry "${entry}" is not partnerId:key`);
    return { partnerId: entry.slice(0, index).trim(), key: entry.slice(index + 1).trim() };
  });
}

const DEFAULT_PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((message: string) => console.log(`[local] ${message}`));
  const projectRoot = options.projectRoot ?? DEFAULT_PROJECT_ROOT;
  const cdkOut = resolve(projectRoot, options.cdkOut ?? 'cdk.out');
  const maxConcurrency = options.maxConcurrency ?? 4;
  const functionLog: FunctionLogSink | undefined =
    options.functionLogs === false
      ? undefined
      : typeof options.functionLogs === 'function'
        ? options.functionLogs
        : (fn, line) => console.log(`${fn} │ ${line}`);
  // Everything started so far, stopped in reverse order (also when start-up fails half-way).
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
  };

  try {
    if (options.synth ?? true) {
      log(`cdk synth → ${cdkOut}`);
      await synthesize({ projectRoot, outDir: cdkOut });
    }
    const intrinsics = new Intrinsics(readCloudAssembly(cdkOut), options.namePrefix ?? '');

    let dynamoEndpoint = options.dynamoEndpoint;
    if (!dynamoEndpoint) {
      const dynamo = await startDynamoDbLocal(options.persistDir ? { persistDir: options.persistDir } : {});
      cleanups.push(() => dynamo.stop());
      dynamoEndpoint = dynamo.endpoint;
    }
    let sqsEndpoint = options.sqsEndpoint;
    if (!sqsEndpoint) {
      const sqs = await startSqsEmulator();
      cleanups.push(() => sqs.stop());
      sqsEndpoint = sqs.endpoint;
    }
    const dynamoClient = localDynamoClient(dynamoEndpoint);
    const sqsClient = localSqsClient(sqsEndpoint);
    const s3Client = localS3Client(sqsEndpoint);
    cleanups.push(() => {
      dynamoClient.destroy();
      sqsClient.destroy();
      s3Client.destroy();
    });

    const hosts = new Map<string, LambdaFunctionHost>();
    const pollers: SqsPoller[] = [];
    const streamPollers: StreamPoller[] = [];
    let scheduler: Scheduler | undefined;
    const queueCounts = async () =>
      Promise.all(
        queueList.map(async (queue) => {
          const { Attributes = {} } = await sqsClient.send(
            new GetQueueAttributesCommand({
              QueueUrl: queue.url,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ApproximateNumberOfMessagesDelayed',
              ],
            }),
          );
          return {
            queue: queue.logicalId,
            name: queue.name,
            visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
            inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
            delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
          };
        }),
      );
    const runSchedules = async () => (scheduler ? scheduler.runAll() : []);

    // The gateway listens first: the API's endpoint is an attribute the templates may reference.
    const gateway = new HttpGateway({
      log,
      ...(options.consoleDir ? { staticSites: [{ prefix: '/console', dir: options.consoleDir }] } : {}),
      localEndpoints: {
        'POST /__local/schedules/run': async () => ({
          statusCode: 200,
          body: { results: await runSchedules() },
        }),
        'GET /__local/queues': async () => ({ statusCode: 200, body: { queues: await queueCounts() } }),
      },
    });
    const apiUrl = await gateway.listen(options.port ?? Number(process.env.PORT ?? 3000));
    cleanups.push(() => gateway.close());
    intrinsics.apiEndpoint = apiUrl;

    const tableList = await createTables(intrinsics, dynamoClient, { streams: options.pollQueues ?? true });
    if (options.warmUpDynamoDb) {
      for (const table of tableList) await warmUpDynamoDbLocal(dynamoClient, table.properties, { log });
    }
    const queueList = await createQueues(intrinsics, sqsClient);
    await createBuckets(intrinsics, s3Client, options.namePrefix ?? '');
    const bucketNotifier = new BucketNotifier(intrinsics, queueList, s3Client, sqsClient, log);

    // The functions' S3 (and so their presigned URLs): fauxqs behind the front for large PUTs.
    const s3Front = await startS3Front({ upstream: sqsEndpoint, client: s3Client });
    cleanups.push(() => s3Front.close());
    const { specs, skipped } = functionSpecs(intrinsics, {
      dynamoEndpoint,
      sqsEndpoint,
      s3Endpoint: s3Front.url,
      ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
    });
    for (const skip of skipped) log(`function ${skip.logicalId} not run locally: ${skip.reason}`);
    const timeoutOverride = options.timeoutOverrideSeconds;
    // `functions` below keeps reporting the template's timeouts.
    const templateTimeouts = new Map(specs.map((spec) => [spec, spec.timeoutSeconds]));
    if (timeoutOverride) for (const spec of specs) spec.timeoutSeconds = timeoutOverride;
    cleanups.push(() => Promise.all([...hosts.values()].map((host) => host.stop())).then(() => undefined));
    for (const spec of specs) {
      hosts.set(
        spec.logicalId,
        new LambdaFunctionHost(spec, {
          maxConcurrency,
          ...(functionLog ? { log: functionLog } : {}),
          ...(options.onInvocationReport ? { onReport: options.onInvocationReport } : {}),
          ...(options.liveHeapSampleMs ? { liveHeapSampleMs: options.liveHeapSampleMs } : {}),
        }),
      );
    }
    const hostFor = (nameOrArn: string) =>
      [...hosts.values()].find(
        (host) =>
          host.spec.functionArn === nameOrArn ||
          host.spec.functionName === nameOrArn ||
          host.spec.logicalId === nameOrArn,
      );

    gateway.api = apiFromTemplates(intrinsics, hostFor, log);
    if (timeoutOverride) {
      for (const route of gateway.api?.routes ?? []) route.integrationTimeoutMs = timeoutOverride * 1000;
    }

    for (const stackName of intrinsics.stackNames()) {
      for (const [logicalId, resource] of intrinsics.resources(
        stackName,
        'AWS::Lambda::EventSourceMapping',
      )) {
        const path = `${stackName}/${logicalId}/Properties`;
        const props = intrinsics.resolve(resource.Properties ?? {}, stackName, path) as Record<
          string,
          unknown
        >;
        if (props.Enabled === false) continue;
        const streamTable = tableList.find((table) => table.stream?.arn === props.EventSourceArn);
        const streamHost = hostFor(String(props.FunctionName));
        if (streamTable?.stream && streamHost) {
          const filters = (
            (props.FilterCriteria as { Filters?: Array<{ Pattern?: string }> } | undefined)?.Filters ?? []
          ).map((filter) => JSON.parse(filter.Pattern ?? '{}') as unknown);
          if (props.DestinationConfig)
            log(
              `event source ${logicalId}: on-failure destination not emulated (skipped batches are logged)`,
            );
          streamPollers.push(
            new StreamPoller(
              dynamoEndpoint,
              {
                logicalId,
                functionLogicalId: streamHost.spec.logicalId,
                streamArn: streamTable.stream.arn,
                localStreamArn: streamTable.stream.localArn,
                batchSize: Number(props.BatchSize ?? 100),
                filters,
                bisectOnError: props.BisectBatchOnFunctionError === true,
                maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? 3),
              },
              (event) => streamHost.invoke(event),
              { log },
            ),
          );
          continue;
        }
        const queue = queueList.find((candidate) => candidate.arn === props.EventSourceArn);
        const host = hostFor(String(props.FunctionName));
        if (!queue || !host) {
          log(`event source ${logicalId} not polled locally (source or function not emulated)`);
          continue;
        }
        if (props.FilterCriteria)
          log(`event source ${logicalId}: FilterCriteria not emulated, all messages delivered`);
        const scaling = (props.ScalingConfig as { MaximumConcurrency?: number } | undefined)
          ?.MaximumConcurrency;
        const poller = new SqsPoller(
          sqsClient,
          {
            logicalId,
            functionLogicalId: host.spec.logicalId,
            queueUrl: queue.url,
            queueArn: queue.arn,
            batchSize: Number(props.BatchSize ?? 10),
            maximumBatchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
              'ReportBatchItemFailures',
            ),
            maximumConcurrency: Math.min(scaling ?? maxConcurrency, maxConcurrency),
          },
          (event) => host.invoke(event),
          { log },
        );
        pollers.push(poller);
      }
    }
    cleanups.push(() => Promise.all(pollers.map((poller) => poller.stop())).then(() => undefined));
    cleanups.push(() => Promise.all(streamPollers.map((poller) => poller.stop())).then(() => undefined));
    // S3 → SQS event notifications (fauxqs has none): emulated like the other event sources.
    await bucketNotifier.start();
    cleanups.push(() => bucketNotifier.stop());

    const rules: ScheduledRule[] = [];
    for (const stackName of intrinsics.stackNames()) {
      for (const [logicalId, resource] of intrinsics.resources(stackName, 'AWS::Events::Rule')) {
        const path = `${stackName}/${logicalId}/Properties`;
        const props = intrinsics.resolve(resource.Properties ?? {}, stackName, path) as Record<
          string,
          unknown
        >;
        if (!props.ScheduleExpression || props.State === 'DISABLED') continue;
        const identity = intrinsics.identity(stackName, logicalId, path);
        const targets = ((props.Targets as Array<Record<string, unknown>> | undefined) ?? []).flatMap(
          (target) => {
            const host = hostFor(String(target.Arn));
            if (!host) log(`schedule ${logicalId}: target ${String(target.Id)} is not a local function`);
            if (target.InputPath || target.InputTransformer) {
              log(
                `schedule ${logicalId}: InputPath/InputTransformer not emulated, the scheduled event is sent`,
              );
            }
            return host
              ? [
                  {
                    id: String(target.Id),
                    host,
                    ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
                  },
                ]
              : [];
          },
        );
        rules.push({
          logicalId,
          ruleName: identity.ref,
          ruleArn: String(identity.attributes.Arn),
          expression: String(props.ScheduleExpression),
          targets,
        });
      }
    }
    scheduler = new Scheduler(rules, log);
    const activeScheduler = scheduler;
    cleanups.push(() => activeScheduler.stop());

    const partnerKeys = options.partnerKeys ?? [];
    if (partnerKeys.length) {
      const keyTable =
        tableList.find((table) => specs.some((spec) => spec.environment.TABLE_NAME === table.tableName)) ??
        (tableList.length === 1 ? tableList[0] : undefined);
      if (!keyTable) throw new Error('Partner keys given, but no table holds them');
      const store = new DynamoPartnerKeyStore(
        DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }),
        keyTable.tableName,
      );
      for (const { partnerId, key, role } of partnerKeys) {
        if (!/^\S{16,200}$/.test(key))
          throw new Error(`The key for ${partnerId} must be 16–200 non-space characters`);
        await store.put({
          partnerId,
          keyHash: hashKey(key),
          createdAt: new Date().toISOString(),
          label: 'local',
          ...(role === 'operator' ? { role } : {}),
        });
      }
    }

    const polled = (spec: { functionLogicalId: string }) =>
      (options.pollQueues ?? true) && (options.pollFunctions?.(spec.functionLogicalId) ?? true);
    for (const poller of pollers) if (polled(poller.spec)) poller.start();
    if ((options.pollQueues ?? true) && !options.pollFunctions) {
      for (const poller of streamPollers) poller.start();
    }
    if (options.scheduleEnabled ?? true) scheduler.start();

    const byKey = <T extends { stackName: string; logicalId: string }, V>(
      items: T[],
      value: (item: T) => V,
    ) => {
      const out: Record<string, V> = {};
      for (const item of items) {
        const clash = items.some((other) => other !== item && other.logicalId === item.logicalId);
        out[clash ? `${item.stackName}/${item.logicalId}` : item.logicalId] = value(item);
      }
      return out;
    };

    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      dynamoEndpoint,
      sqsEndpoint,
      cdkOut,
      tables: byKey(tableList, (table) => table.tableName),
      queues: byKey(queueList, (queue) => ({ name: queue.name, url: queue.url, arn: queue.arn })),
      functions: byKey(specs, (spec) => ({
        stackName: spec.stackName,
        functionName: spec.functionName,
        functionArn: spec.functionArn,
        handler: spec.handler,
        assetDir: spec.taskRoot,
        timeoutSeconds: templateTimeouts.get(spec) ?? spec.timeoutSeconds,
        memorySize: spec.memorySize,
        environment: spec.environment,
      })),
      partnerKeys,
      eventSources: pollers.map(({ spec }) => ({
        logicalId: spec.logicalId,
        function: spec.functionLogicalId,
        queue: queueList.find((queue) => queue.url === spec.queueUrl)?.logicalId ?? spec.queueUrl,
        batchSize: spec.batchSize,
        reportBatchItemFailures: spec.reportBatchItemFailures,
        maximumConcurrency: spec.maximumConcurrency,
        polling: polled(spec),
      })),
      async invoke(fn, event) {
        const host = hostFor(fn);
        if (!host) throw new Error(`No local function ${fn}`);
        const outcome = await host.invoke(event);
        if (outcome.status === 'ok') return JSON.parse(outcome.payload);
        if (outcome.status === 'error') throw new LambdaInvocationError(outcome.error);
        throw new LambdaInvocationError({
          errorType: 'RequestEntityTooLargeException',
          errorMessage: `Request must be smaller than 6291456 bytes (was ${outcome.bytes})`,
        });
      },
      runSchedules,
      async drainQueues({ timeoutMs = 60_000 } = {}) {
        const deadline = Date.now() + timeoutMs;
        const polled = new Set(pollers.map((poller) => poller.spec.queueUrl));
        for (;;) {
          const counts = (await queueCounts()).filter((count) =>
            polled.has(queueList.find((queue) => queue.logicalId === count.queue)?.url ?? ''),
          );
          const pending = counts.filter((count) => count.visible + count.inFlight + count.delayed > 0);
          if (
            pending.length === 0 &&
            pollers.every((poller) => poller.idle) &&
            streamPollers.every((poller) => poller.idle)
          )
            return;
          if (Date.now() > deadline) {
            throw new Error(`Queues not drained within ${timeoutMs} ms: ${JSON.stringify(pending)}`);
          }
          await new Promise((done) => setTimeout(done, 200));
        }
      },
      queueCounts,
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
