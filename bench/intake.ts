/**
 * Intake benchmarks (issues #2 and #14), per profile (bench/profiles.ts):
 * - AWS calls per 1,000 shipments accepted, counted with SDK middleware (deterministic, so counted
 *   once, under the local profile), for 1,000- and 10,000-shipment manifests, next to the floor's;
 * - median time to accept a 10,000-shipment manifest through the local stack (HTTP → bundled
 *   function → DynamoDB Local + fauxqs, behind the latency proxies under `aws`), against the floor:
 *   the very requests the intake's adapters make, prepared beforehand and sent with no logic at
 *   DEFAULT_IO_CONCURRENCY, measured in the same run, interleaved;
 * - the intake function's CPU time and peak heap (the local runtime's invocation report), and under
 *   `aws` its modelled duration on Lambda at the template's memory size.
 */
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLAIMS_PER_TRANSACTION, TRANSACTION_CONCURRENCY } from '../lib/adapters/dynamodb/house-claims.ts';
import { DynamoIntakeStore } from '../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../lib/adapters/dynamodb/table.ts';
import { SqsReportQueue } from '../lib/adapters/sqs/report-queue.ts';
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../lib/concurrency.ts';
import { systemClock, timeOrderedIds } from '../lib/domain/ids.ts';
import {
  buildIntake,
  firstBorderCheckAt,
  type IntakeDeps,
  reportMessagesFor,
  submitManifest,
} from '../lib/domain/intake.ts';
import { newKey } from '../lib/domain/partner-keys.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import type { InvocationReport } from '../local/runtime/index.ts';
import { startLocalStack } from '../local/runtime/index.ts';
import { createTestTable } from '../test/integration/support/resources.ts';
import { onCommand } from '../test/support/sdk-hooks.ts';
import { startLatencyOnlyEndpoint } from './latency-only.ts';
import { type BenchProfile, describeProxies, startBackends } from './profiles.ts';
import {
  type Figure,
  figure,
  LAMBDA_MB_PER_VCPU,
  lambdaCpuStretch,
  median,
  progress,
  round,
  track,
} from './support.ts';

const GROUP = 'A intake (#2, #14)';

const WRITE_COMMANDS = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const SEND_COMMANDS = new Set(['SendMessageCommand', 'SendMessageBatchCommand']);

export interface CallCounts {
  dynamoWrites: number;
  dynamoReads: number;
  sqsSends: number;
  /** HTTP attempts seen below the SDK's retry middleware (more than the commands = SDK retries). */
  httpAttempts: number;
  commands: number;
}

const zeroCounts = (): CallCounts => ({
  dynamoWrites: 0,
  dynamoReads: 0,
  sqsSends: 0,
  httpAttempts: 0,
  commands: 0,
});

type Next = (args: unknown) => Promise<unknown>;

/** Counts commands (initialize step, once per call) and HTTP attempts (deserialize step, once per try). */
function count(client: unknown, counts: CallCounts, kind: 'dynamo' | 'sqs'): void {
  onCommand(client, 'bench-count-calls', (name) => {
    counts.commands++;
    if (kind === 'dynamo') {
      if (WRITE_COMMANDS.has(name)) counts.dynamoWrites++;
      else counts.dynamoReads++;
    } else if (SEND_COMMANDS.has(name)) counts.sqsSends++;
  });
  (
    client as { middlewareStack: { add(m: unknown, o: { step: 'deserialize'; name: string }): void } }
  ).middlewareStack.add(
    (next: Next) => async (args: unknown) => {
      counts.httpAttempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'bench-count-attempts' },
  );
}

export function manifestOf(template: ManifestRequest, shipments: number, reference: string): ManifestRequest {
  const [shipment] = template.shipments;
  if (!shipment) throw new Error('template has no shipment');
  return {
    ...template,
    reference,
    transport: { ...template.transport, estimatedArrival: new Date(Date.now() + 86_400_000).toISOString() },
    shipments: Array.from({ length: shipments }, (_, i) => ({
      ...shipment,
      shipmentNumber: `${reference}-${String(i).padStart(6, '0')}`,
    })),
  };
}

function clients(dynamoEndpoint: string, sqsEndpoint: string, options: { md5?: false } = {}) {
  const config = { region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...config, endpoint: dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: sqsEndpoint, ...options });
  return {
    dynamo,
    sqs,
    document: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    destroy() {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

export interface CallCountRow extends CallCounts {
  shipments: number;
  writesPer1000: number;
  sendsPer1000: number;
  floor: CallCounts & { writesPer1000: number; sendsPer1000: number };
}

/**
 * AWS requests made to accept manifests of several sizes, normalised per 1,000 shipments: the real
 * intake (domain + adapters, in process) and the floor, both through counted SDK clients.
 */
export async function measureCallCounts(
  dynamoEndpoint: string,
  sqsEndpoint: string,
  template: ManifestRequest,
  sizes: number[] = [1_000, 10_000],
): Promise<CallCountRow[]> {
  const aws = clients(dynamoEndpoint, sqsEndpoint);
  try {
    const { tableName } = await createTestTable(dynamoEndpoint);
    const { QueueUrl: queueUrl = '' } = await aws.sqs.send(
      new CreateQueueCommand({ QueueName: `bench-calls-${Date.now()}` }),
    );
    const counts = zeroCounts();
    count(aws.dynamo, counts, 'dynamo');
    count(aws.sqs, counts, 'sqs');
    const deps: IntakeDeps = {
      store: new DynamoIntakeStore(
        new Table({ client: aws.document, tableName, retentionDays: 90 }),
        systemClock,
      ),
      queue: new SqsReportQueue(aws.sqs, queueUrl),
      clock: systemClock,
      ids: timeOrderedIds(systemClock),
    };
    const rows: CallCountRow[] = [];
    for (const size of sizes) {
      Object.assign(counts, zeroCounts());
      const result = await submitManifest(deps, 'bench', manifestOf(template, size, `calls-${size}`));
      if (result.outcome !== 'created') throw new Error(`intake answered ${result.outcome}`);
      const intake = { ...counts };
      await aws.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
      const plan = await planFloor(tableName, queueUrl, manifestOf(template, size, `calls-floor-${size}`));
      Object.assign(counts, zeroCounts());
      await runFloor(aws, plan, DEFAULT_IO_CONCURRENCY);
      const floor = { ...counts };
      await aws.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
      rows.push({
        shipments: size,
        ...intake,
        writesPer1000: (intake.dynamoWrites * 1000) / size,
        sendsPer1000: (intake.sqsSends * 1000) / size,
        floor: {
          ...floor,
          writesPer1000: (floor.dynamoWrites * 1000) / size,
          sendsPer1000: (floor.sqsSends * 1000) / size,
        },
      });
    }
    return rows;
  } finally {
    aws.destroy();
  }
}

/** The floor's requests, in the order the intake makes them, ready to send. */
export interface FloorPlan {
  /** The claim transaction (idempotency record + manifest + fan-out marker). */
  claim: unknown[];
  /** BatchWriteItem of the shipments that claim no house (rejected at intake), before the others. */
  writes: unknown[];
  /**
   * Per chunk of shipments to report: the TransactWriteItems of their house claims, then the
   * BatchWriteItem requests of those shipments (lib/adapters/dynamodb/house-claims.ts).
   */
  claimed: Array<{ claims: unknown; shipments: unknown[] }>;
  /** SendMessageBatch of 10 report messages each. */
  sends: unknown[];
  /** The completing transaction. */
  complete: unknown[];
}

const commandName = (command: unknown) => (command as object).constructor.name;
const inputOf = (command: unknown) => (command as { input: Record<string, unknown> }).input;

/** The shipment numbers a recorded request writes (claims or shipments). */
function shipmentNumbersOf(command: unknown): string[] {
  const input = inputOf(command);
  const items =
    commandName(command) === 'TransactWriteCommand'
      ? (input.TransactItems as Array<{ Put?: { Item: Item } }>).map((entry) => entry.Put?.Item)
      : Object.values(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item } }>>)
          .flat()
          .map((request) => request.PutRequest?.Item);
  return items.flatMap((item) => (typeof item?.shipmentNumber === 'string' ? [item.shipmentNumber] : []));
}
type Item = Record<string, unknown>;

/**
 * Prepares the floor: the intake's own adapters are run against recording clients that answer
 * "all done", so the plan holds exactly the requests (items, sizes, batch shapes, counts) the intake
 * would send for this manifest, and none of the intake's logic is left for the timed part.
 */
export async function planFloor(
  tableName: string,
  queueUrl: string,
  manifest: ManifestRequest,
): Promise<FloorPlan> {
  const dynamoCommands: unknown[] = [];
  const sqsCommands: unknown[] = [];
  const recording = (into: unknown[]) => ({
    send: async (command: unknown) => {
      into.push(command);
      return {};
    },
  });
  const repository = new DynamoIntakeStore(
    new Table({
      client: recording(dynamoCommands) as unknown as DynamoDBDocumentClient,
      tableName,
      retentionDays: 90,
    }),
    systemClock,
  );
  const queue = new SqsReportQueue(recording(sqsCommands) as unknown as SQSClient, queueUrl);
  const manifestId = timeOrderedIds(systemClock).newId();
  const claim = {
    partnerId: 'floor',
    reference: manifest.reference,
    manifestId,
    bodyHash: 'x',
    receivedAt: new Date().toISOString(),
    state: 'IN_PROGRESS' as const,
    leaseUntil: new Date(Date.now() + 60_000).toISOString(),
  };
  const { manifest: record, records } = buildIntake(claim, manifest);
  const messages = reportMessagesFor(record, records);
  await repository.claimReference(claim, record);
  const claimCommands = dynamoCommands.splice(0);
  // What the intake stores: the shipments that claim nothing, then each chunk's claims and shipments.
  const held = await repository.storeShipments(record, records);
  if (held.length > 0) throw new Error('floor: the recording store refused shipments');
  const stored = dynamoCommands.splice(0);
  const firstClaim = stored.findIndex((command) => commandName(command) === 'TransactWriteCommand');
  const writes = firstClaim < 0 ? stored : stored.slice(0, firstClaim);
  const claimed: FloorPlan['claimed'] = [];
  const chunkOf = new Map<string, FloorPlan['claimed'][number]>();
  for (const command of firstClaim < 0 ? [] : stored.slice(firstClaim)) {
    const numbers = shipmentNumbersOf(command);
    if (commandName(command) === 'TransactWriteCommand') {
      const chunk = { claims: command, shipments: [] };
      claimed.push(chunk);
      for (const number of numbers) chunkOf.set(number, chunk);
    } else {
      const chunk = chunkOf.get(numbers[0] ?? '');
      if (!chunk || commandName(command) !== 'BatchWriteCommand') {
        throw new Error(`floor: ${commandName(command)} outside any claimed chunk`);
      }
      chunk.shipments.push(command);
    }
  }
  await queue.send(messages);
  const sends = sqsCommands.splice(0);
  await repository.completeIntake({ ...record, intake: 'COMPLETE' }, firstBorderCheckAt(record));
  return { claim: claimCommands, writes, claimed, sends, complete: dynamoCommands.splice(0) };
}

/**
 * The floor, timed: the claim; the unclaimed shipments' BatchWriteItem; then, per chunk, its claims'
 * TransactWriteItems followed by its shipments' BatchWriteItem requests, TRANSACTION_CONCURRENCY
 * chunks in flight and each chunk's writes at `concurrency` (as HouseClaims.storeClaiming does);
 * then every SendMessageBatch (messages only once their shipments are stored, as the intake must),
 * then the completion; each bulk phase through mapBounded. Returns ms.
 * It retries nothing: it checks that nothing needed a retry (unprocessed items, failed entries).
 */
export async function runFloor(
  aws: { document: DynamoDBDocumentClient; sqs: SQSClient },
  plan: FloorPlan,
  concurrency: number,
  phases: Partial<FloorPhases> = {},
): Promise<number> {
  const dynamo = (command: unknown) => aws.document.send(command as never) as Promise<unknown>;
  const sqs = (command: unknown) => aws.sqs.send(command as never) as Promise<unknown>;
  const batchWrite = async (command: unknown) => {
    const { UnprocessedItems = {} } = (await dynamo(command)) as BatchWriteCommandOutput;
    if (Object.values(UnprocessedItems).some((items) => items.length > 0)) {
      throw new Error('floor: BatchWriteItem left items unprocessed (the floor does not retry)');
    }
  };
  const started = performance.now();
  let mark = started;
  const lap = (phase: keyof FloorPhases) => {
    const now = performance.now();
    phases[phase] = now - mark;
    mark = now;
  };
  for (const command of plan.claim) await dynamo(command);
  await mapBounded(plan.writes, concurrency, batchWrite);
  lap('claim');
  await mapBounded(plan.claimed, TRANSACTION_CONCURRENCY, async (chunk) => {
    await dynamo(chunk.claims);
    await mapBounded(chunk.shipments, concurrency, batchWrite);
  });
  lap('store');
  await mapBounded(plan.sends, concurrency, async (command) => {
    const { Failed = [] } = (await sqs(command)) as SendMessageBatchCommandOutput;
    if (Failed.length) throw new Error('floor: SendMessageBatch failed entries (the floor does not retry)');
  });
  lap('send');
  for (const command of plan.complete) await dynamo(command);
  lap('complete');
  return performance.now() - started;
}

/** Where the floor's time went, ms: the reference claim, the house claims with the shipments, the messages, the completion. */
export interface FloorPhases {
  claim: number;
  store: number;
  send: number;
  complete: number;
}

/** POSTs a gzip body (compressed beforehand) and times until the whole answer is read. */
export async function acceptOverHttp(
  apiUrl: string,
  key: string,
  manifest: ManifestRequest,
): Promise<{ ms: number; status: number; text: string }> {
  const body = gzipSync(JSON.stringify(manifest));
  const started = performance.now();
  const response = await fetch(`${apiUrl}/v1/manifests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body,
  });
  const text = await response.text();
  return { ms: performance.now() - started, status: response.status, text };
}

export interface IntakeBenchOptions {
  cdkOut: string;
  template: ManifestRequest;
  profile: BenchProfile;
  /** Measured pairs (HTTP + floor), after one warm-up pair. Default 5. */
  runs?: number;
  shipments?: number;
}

interface HttpRun {
  ms: number;
  status: number;
  /** The intake function's report for this POST (none if it timed out). */
  report?: InvocationReport;
}

/** The floor's phases as one line: medians over the measured runs. */
function phaseText(runs: Array<Partial<FloorPhases>>): string {
  const names: Array<[keyof FloorPhases, string]> = [
    ['claim', 'reference claim'],
    ['store', 'house-claim transactions + shipment batches'],
    ['send', 'report messages'],
    ['complete', 'completion'],
  ];
  return names
    .map(([key, label]) => `${label} ${median(runs.map((run) => run[key] ?? 0)).toFixed(0)} ms`)
    .join(', ');
}

const cpuMsOf = (report: InvocationReport) => report.cpuUserMs + report.cpuSystemMs;

/**
 * The local runtime lets the intake (and the HTTP API) run this long instead of the template's 29 s
 * and 30 s, so that a run past the limit still gives its time; such a run is flagged, since on AWS it
 * would have answered 500.
 */
const MEASURE_BEYOND_TIMEOUT_SECONDS = 120;

export async function intakeFigures(options: IntakeBenchOptions): Promise<Figure[]> {
  const runs = Math.max(3, options.runs ?? 5);
  const size = options.shipments ?? 10_000;
  const { profile } = options;
  const key = newKey();
  const backends = await startBackends(profile);
  const reports: InvocationReport[] = [];
  /** The intake's invocation errors (the local runtime logs one line per failed invocation). */
  const invokeErrors: string[] = [];
  progress(`A[${profile}]: starting the local stack (pollQueues: false)`);
  const stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: options.cdkOut,
    dynamoEndpoint: backends.dynamoEndpoint,
    sqsEndpoint: backends.sqsEndpoint,
    pollQueues: false,
    scheduleEnabled: false,
    // The sequential intake takes longer than its 29 s under the AWS profile: measure how much longer.
    timeoutOverrideSeconds: MEASURE_BEYOND_TIMEOUT_SECONDS,
    partnerKeys: [{ partnerId: 'bench', key }],
    log: () => {},
    functionLogs: (fn, line) => {
      if (/Intake/.test(fn) && line.startsWith('ERROR Invoke Error')) invokeErrors.push(line.slice(0, 500));
    },
    onInvocationReport: (report) => reports.push(report),
  });
  const stopStack = track(`intake local stack (${profile})`, async () => {
    await stack.stop();
    await backends.stop();
  });
  const aws = clients(backends.dynamoEndpoint, backends.sqsEndpoint);
  try {
    // Counted once: the number of requests does not depend on their latency.
    let callRows: CallCountRow[] = [];
    if (profile === 'local') {
      progress('A: counting AWS calls (1,000 and 10,000 shipments)');
      callRows = await measureCallCounts(backends.dynamoEndpoint, backends.sqsEndpoint, options.template);
    }

    const tableName = Object.values(stack.tables)[0];
    const reportQueue = Object.entries(stack.queues).find(
      ([logicalId]) => logicalId.includes('ReportQueue') && !logicalId.includes('DeadLetter'),
    )?.[1];
    const [intakeId, intakeFn] =
      Object.entries(stack.functions).find(([logicalId]) => /Intake/.test(logicalId)) ?? [];
    if (!tableName || !reportQueue || !intakeId || !intakeFn) {
      throw new Error('the template has no table, no ReportQueue or no intake function');
    }
    const purge = () => aws.sqs.send(new PurgeQueueCommand({ QueueUrl: reportQueue.url }));

    const http: HttpRun[] = [];
    const floor: number[] = [];
    const floorPhases: Array<Partial<FloorPhases>> = [];
    let httpProxies = '';
    let floorProxies = '';
    const stamp = Date.now();
    // Pair 0 warms up (the function's cold start, the JIT on both sides, DynamoDB Local's JVM) with
    // a tenth of the size: the same code paths, without a full run's time (~35 s under `aws`).
    // Then the order alternates inside each pair, so drift (a growing table) hits both sides alike.
    for (let pair = 0; pair <= runs; pair++) {
      const pairSize = pair === 0 ? Math.max(1, Math.round(size / 10)) : size;
      const plan = await planFloor(
        tableName,
        reportQueue.url,
        manifestOf(options.template, pairSize, `floor-${stamp}-${pair}`),
      );
      const body = manifestOf(options.template, pairSize, `http-${stamp}-${pair}`);
      const measureHttp = async (): Promise<HttpRun> => {
        reports.length = 0;
        backends.resetProxyStats();
        const answer = await acceptOverHttp(stack.apiUrl, key, body);
        httpProxies = describeProxies(backends.proxyStats());
        if (answer.status !== 202 && pair === 0) {
          throw new Error(
            `intake answered ${answer.status} after ${answer.ms.toFixed(0)} ms: ${answer.text.slice(0, 300)} ${invokeErrors.at(-1) ?? ''}`,
          );
        }
        const report = reports.find((candidate) => candidate.functionLogicalId === intakeId);
        return { ms: answer.ms, status: answer.status, ...(report ? { report } : {}) };
      };
      const measureFloor = async () => {
        backends.resetProxyStats();
        const phases: Partial<FloorPhases> = {};
        const ms = await runFloor(aws, plan, DEFAULT_IO_CONCURRENCY, phases);
        if (pair > 0) floorPhases.push(phases);
        floorProxies = describeProxies(backends.proxyStats());
        return ms;
      };
      let h: HttpRun;
      let f: number;
      if (pair % 2 === 0) {
        h = await measureHttp();
        f = await measureFloor();
      } else {
        f = await measureFloor();
        h = await measureHttp();
      }
      await purge();
      const cpu = h.report ? `, intake CPU ${cpuMsOf(h.report).toFixed(0)} ms` : '';
      progress(
        `A[${profile}]: pair ${pair}${pair === 0 ? ` (warm-up with ${pairSize} shipments, not counted)` : ''}: HTTP ${h.ms.toFixed(0)} ms (${h.status})${cpu}, floor ${f.toFixed(0)} ms`,
      );
      if (pair > 0) {
        http.push(h);
        floor.push(f);
      }
    }

    // The same floor with no service time behind the latencies (bench/latency-only.ts): the
    // intake's I/O critical path as AWS would serve it. A warm-up run, then `runs` measured.
    const latencyOnly: number[] = [];
    if (profile === 'aws') {
      const latencyOnlyAws = await startLatencyOnlyEndpoint();
      const nowhere = clients(latencyOnlyAws.endpoint, latencyOnlyAws.endpoint, { md5: false });
      try {
        const plan = await planFloor(
          tableName,
          reportQueue.url,
          manifestOf(options.template, size, `latency-only-${stamp}`),
        );
        for (let run = 0; run <= runs; run++) {
          const ms = await runFloor(nowhere, plan, DEFAULT_IO_CONCURRENCY);
          progress(
            `A[aws]: floor with the table's latencies only, run ${run}${run === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms`,
          );
          if (run > 0) latencyOnly.push(ms);
        }
      } finally {
        nowhere.destroy();
        await latencyOnlyAws.close();
      }
    }

    const accepted = http.filter((run) => run.status === 202);
    const failed = http.filter((run) => run.status !== 202);
    const failures = failed.length
      ? `; ${failed.length} of ${runs} POSTs did not answer 202 (${failed.map((run) => `${run.status} after ${run.ms.toFixed(0)} ms`).join(', ')}), left out of the median: ${invokeErrors.at(-1) ?? 'no function error logged'}`
      : '';
    const httpMedian = accepted.length ? median(accepted.map((run) => run.ms)) : null;
    const floorMedian = median(floor);
    const pairRatios = http.flatMap((run, i) =>
      run.status === 202 ? [run.ms / (floor[i] ?? Number.NaN)] : [],
    );
    const withReport = accepted.flatMap((run) => (run.report ? [{ ms: run.ms, report: run.report }] : []));
    const cpuMedian = withReport.length ? median(withReport.map(({ report }) => cpuMsOf(report))) : null;
    const functionMedian = withReport.length
      ? median(withReport.map(({ report }) => report.durationMs))
      : null;
    const peakHeap = withReport.length
      ? Math.max(...withReport.map(({ report }) => report.peakHeapUsedBytes))
      : null;
    const memory = intakeFn.memorySize;
    const stretch = lambdaCpuStretch(memory);
    const modelled = withReport.map(({ ms, report }) => ms + cpuMsOf(report) * stretch);
    const latencyOnlyMedian = latencyOnly.length ? median(latencyOnly) : null;
    /**
     * The intake on AWS, with the emulators' service time taken out: the floor's requests at the
     * table's latencies only, plus the intake's own time beyond its floor in the same pair (both on
     * the emulators, so their service time cancels), plus all of its CPU time at the memory's
     * vCPU share as if none of it overlapped a wait. Each term is measured; the sum leans long.
     */
    const serviceFree = http.flatMap((run, i) => {
      const floorMs = floor[i];
      if (run.status !== 202 || !run.report || latencyOnlyMedian === null || floorMs === undefined) return [];
      const overhead = Math.max(0, run.ms - floorMs);
      const cpuThere = (cpuMsOf(run.report) * LAMBDA_MB_PER_VCPU) / memory;
      return [{ total: latencyOnlyMedian + overhead + cpuThere, overhead, cpuThere }];
    });

    const figures: Figure[] = [];
    for (const row of callRows) {
      const size = row.shipments.toLocaleString('en-US');
      const retries = row.httpAttempts - row.commands;
      figures.push(
        figure(
          GROUP,
          `DynamoDB write requests per 1,000 shipments (${size}-shipment manifest)`,
          round(row.writesPer1000, 1),
          'requests',
          { op: '<=', bound: 42 },
          `${row.dynamoWrites} writes (+${row.dynamoReads} reads) for ${size}; floor ${round(row.floor.writesPer1000, 1)}/1,000 (${row.floor.dynamoWrites} writes) measured the same way; ${retries} SDK retries`,
        ),
        figure(
          GROUP,
          `SQS send requests per 1,000 shipments (${size}-shipment manifest)`,
          round(row.sendsPer1000, 1),
          'requests',
          { op: '<=', bound: 102 },
          `${row.sqsSends} SendMessage(Batch) for ${size}; floor ${round(row.floor.sendsPer1000, 1)}/1,000 (${row.floor.sqsSends} sends)`,
        ),
      );
    }
    const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
    const sizeText = size.toLocaleString('en-US');
    const limitMs = intakeFn.timeoutSeconds * 1000;
    const overLimit = accepted.filter((run) => (run.report?.durationMs ?? run.ms) > limitMs).length;
    const limitNote = overLimit
      ? ` ${overLimit} of ${accepted.length} runs took longer than the function's ${intakeFn.timeoutSeconds} s timeout: on AWS they would have answered 500 (Task timed out); the local runtime let them run up to ${MEASURE_BEYOND_TIMEOUT_SECONDS} s to measure them.`
      : '';
    const where =
      profile === 'aws'
        ? 'DynamoDB Local + fauxqs behind latency proxies (bench/aws-latency.ts)'
        : 'DynamoDB Local + fauxqs';
    figures.push(
      figure(
        GROUP,
        `Accept a ${sizeText}-shipment manifest over HTTP (median of ${runs})`,
        httpMedian === null ? null : round(httpMedian, 0),
        'ms',
        null,
        `gzip POST → local gateway → bundled intake function → ${where}, reporter not polling; runs ${list(http.map((run) => run.ms))} ms (after a warm-up pair of ${Math.round(size / 10)})${failures}; the function's own duration (median) ${functionMedian === null ? '?' : functionMedian.toFixed(0)} ms.${limitNote} ${httpProxies}`,
      ),
      figure(
        GROUP,
        `Floor: the intake's requests, no logic, ${DEFAULT_IO_CONCURRENCY} in flight (median of ${runs})`,
        round(floorMedian, 0),
        'ms',
        null,
        `the very requests the intake's adapters make (the reference claim; per chunk of ${CLAIMS_PER_TRANSACTION} shipments a TransactWriteItems of their house claims with the first shipments, then the others' BatchWriteItem (25); SendMessageBatch (10); the completion), recorded beforehand against recording clients and sent from the bench process with warm SDK clients, TRANSACTION_CONCURRENCY = ${TRANSACTION_CONCURRENCY} chunks and DEFAULT_IO_CONCURRENCY = ${DEFAULT_IO_CONCURRENCY} requests in flight per phase (lib/concurrency.ts), interleaved with the HTTP runs (order alternating); runs ${list(floor)} ms; by phase (median): ${phaseText(floorPhases)}. ${floorProxies}`,
      ),
      figure(
        GROUP,
        'Intake time ÷ floor (ratio of the medians)',
        httpMedian === null ? null : round(httpMedian / floorMedian, 2),
        'ratio',
        { op: '<=', bound: 1.5 },
        `per-pair ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')} (median ${pairRatios.length ? median(pairRatios).toFixed(2) : '?'}); the floor runs at the intake's own concurrency: both keep DEFAULT_IO_CONCURRENCY batch requests in flight per phase (the intake through HouseClaims.storeClaiming, Table.batchWrite and sendInBatches, IO_CONCURRENCY from the template)`,
      ),
      figure(
        GROUP,
        'Intake function CPU per 1,000 shipments (median)',
        cpuMedian === null ? null : round((cpuMedian * 1000) / size, 0),
        'ms',
        null,
        `the intake function's thread CPU time (user + system, process.threadCpuUsage in its execution environment) for a ${sizeText}-shipment POST: median ${cpuMedian === null ? '?' : cpuMedian.toFixed(0)} ms; V8's GC helper threads are not counted; peak heap in use ${peakHeap === null ? '?' : (peakHeap / 1024 / 1024).toFixed(0)} MB of the function's ${memory} MB`,
      ),
    );
    if (profile === 'aws') {
      const serviceFreeMedian = serviceFree.length ? median(serviceFree.map((run) => run.total)) : null;
      figures.push(
        figure(
          GROUP,
          `Floor with the table's latencies only, no service time (median of ${runs})`,
          latencyOnlyMedian === null ? null : round(latencyOnlyMedian, 0),
          'ms',
          null,
          `the same ${sizeText}-shipment floor requests, order and concurrency, sent through a latency proxy to an endpoint that answers each at once and stores nothing (bench/latency-only.ts): what they cost where every request takes exactly its AWS latency; runs ${list(latencyOnly)} ms`,
        ),
        figure(
          GROUP,
          `Modelled AWS duration of a ${sizeText}-shipment intake at ${memory} MB, emulator service time replaced by AWS latency (median)`,
          serviceFreeMedian === null ? null : round(serviceFreeMedian / 1000, 2),
          's',
          { op: '<=', bound: 10 },
          `per run: floor at the table's latencies only (${latencyOnlyMedian === null ? '?' : latencyOnlyMedian.toFixed(0)} ms) + the intake's time beyond its own floor in the same pair (both under the AWS profile on the emulators, so the emulators' service time cancels; ${list(serviceFree.map((run) => run.overhead))} ms) + its whole CPU time at ${memory} MB = ${(memory / LAMBDA_MB_PER_VCPU).toFixed(2)} of a vCPU, counted as if it overlapped no wait (${list(serviceFree.map((run) => run.cpuThere))} ms); runs ${list(serviceFree.map((run) => run.total))} ms. Why not the wall time: DynamoDB Local runs transactions one at a time at ~0.6 ms per item (the floor under this profile, by phase: ${phaseText(floorPhases)}), serial work DynamoDB spreads over partitions and the table's latencies already include; the plain formula (the next figure) measures that emulator. The function's timeout is ${intakeFn.timeoutSeconds} s`,
        ),
        figure(
          GROUP,
          `Modelled AWS duration of a ${sizeText}-shipment intake at ${memory} MB, wall time on the emulators (median)`,
          modelled.length ? round(median(modelled) / 1000, 2) : null,
          's',
          null,
          `wall time under the AWS profile + CPU time × (${LAMBDA_MB_PER_VCPU} / ${memory} − 1) = × ${stretch.toFixed(3)}: Lambda gives ${memory} MB ${(memory / LAMBDA_MB_PER_VCPU).toFixed(2)} of a vCPU (${LAMBDA_MB_PER_VCPU} MB = one), so CPU work that took c ms on this machine's core takes c ÷ ${(memory / LAMBDA_MB_PER_VCPU).toFixed(2)} there (same per-core speed assumed; Graviton vs this CPU not modelled); memory ${memory} MB read from the synthesized template; runs ${list(modelled)} ms; the function's timeout is ${intakeFn.timeoutSeconds} s`,
        ),
      );
    }
    return figures;
  } finally {
    aws.destroy();
    await stopStack();
  }
}
