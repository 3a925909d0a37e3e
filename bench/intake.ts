/**
 * Intake benchmarks (issue #2):
 * - AWS calls per 1,000 shipments accepted, counted with SDK middleware (deterministic), for
 *   1,000- and 10,000-shipment manifests, next to the floor's own count;
 * - median time to accept a 10,000-shipment manifest through the local stack (HTTP → bundled
 *   function → DynamoDB Local + fauxqs), against the floor: the same batched writes and sends
 *   with no validation or logic, measured in the same run, interleaved.
 */
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoIntakeStore } from '../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../lib/adapters/dynamodb/table.ts';
import { SqsReportQueue } from '../lib/adapters/sqs/report-queue.ts';
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
import { startLocalStack } from '../local/runtime/index.ts';
import { createTestTable } from '../test/integration/support/resources.ts';
import { onCommand } from '../test/support/sdk-hooks.ts';
import { type Figure, figure, median, progress, round, track } from './support.ts';

const GROUP = 'A intake (#2)';

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

function clients(dynamoEndpoint: string, sqsEndpoint: string) {
  const config = { region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...config, endpoint: dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: sqsEndpoint });
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

type FloorDeps = Pick<IntakeDeps, 'store' | 'queue'>;

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
      store: new DynamoIntakeStore(new Table({ client: aws.document, tableName, retentionDays: 90 })),
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
      Object.assign(counts, zeroCounts());
      await floorOnce(deps, manifestOf(template, size, `calls-floor-${size}`));
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

/** The floor: the same batched writes and sends (records prepared beforehand), no logic. Returns ms. */
export async function floorOnce(deps: FloorDeps, manifest: ManifestRequest): Promise<number> {
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
  const started = performance.now();
  await deps.store.claimReference(claim, record);
  await deps.store.putShipments(records);
  await deps.queue.send(messages);
  await deps.store.completeIntake({ ...record, intake: 'COMPLETE' }, firstBorderCheckAt(record));
  return performance.now() - started;
}

/** POSTs a gzip body (compressed beforehand) and times until the whole answer is read. Returns ms. */
export async function acceptOverHttp(
  apiUrl: string,
  key: string,
  manifest: ManifestRequest,
): Promise<number> {
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
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${text.slice(0, 300)}`);
  return elapsed;
}

export interface IntakeBenchOptions {
  cdkOut: string;
  template: ManifestRequest;
  /** Measured pairs (HTTP + floor), after one warm-up pair. Default 5. */
  runs?: number;
  shipments?: number;
}

export async function intakeFigures(options: IntakeBenchOptions): Promise<Figure[]> {
  const runs = Math.max(3, options.runs ?? 5);
  const size = options.shipments ?? 10_000;
  const key = newKey();
  progress('A: starting the local stack (pollQueues: false)');
  const stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: options.cdkOut,
    pollQueues: false,
    scheduleEnabled: false,
    partnerKeys: [{ partnerId: 'bench', key }],
    log: () => {},
    functionLogs: false,
  });
  const stopStack = track('intake local stack', () => stack.stop());
  const aws = clients(stack.dynamoEndpoint, stack.sqsEndpoint);
  try {
    progress('A: counting AWS calls (1,000 and 10,000 shipments)');
    const callRows = await measureCallCounts(stack.dynamoEndpoint, stack.sqsEndpoint, options.template);

    const tableName = Object.values(stack.tables)[0];
    const reportQueue = Object.entries(stack.queues).find(
      ([logicalId]) => logicalId.includes('ReportQueue') && !logicalId.includes('DeadLetter'),
    )?.[1];
    if (!tableName || !reportQueue) throw new Error('the template has no table or no ReportQueue');
    // Warm SDK clients for the floor, like the function's module-scope clients.
    const floorDeps: FloorDeps = {
      store: new DynamoIntakeStore(new Table({ client: aws.document, tableName, retentionDays: 90 })),
      queue: new SqsReportQueue(aws.sqs, reportQueue.url),
    };
    const purge = () => aws.sqs.send(new PurgeQueueCommand({ QueueUrl: reportQueue.url }));

    const http: number[] = [];
    const floor: number[] = [];
    const stamp = Date.now();
    // Pair 0 warms up (the function's cold start, the JIT on both sides, DynamoDB Local's JVM).
    // Then the order alternates inside each pair, so drift (a growing table) hits both sides alike.
    for (let pair = 0; pair <= runs; pair++) {
      const httpFirst = pair % 2 === 0;
      const measureHttp = () =>
        acceptOverHttp(stack.apiUrl, key, manifestOf(options.template, size, `http-${stamp}-${pair}`));
      const measureFloor = () =>
        floorOnce(floorDeps, manifestOf(options.template, size, `floor-${stamp}-${pair}`));
      let h: number;
      let f: number;
      if (httpFirst) {
        h = await measureHttp();
        f = await measureFloor();
      } else {
        f = await measureFloor();
        h = await measureHttp();
      }
      await purge();
      progress(
        `A: pair ${pair}${pair === 0 ? ' (warm-up, not counted)' : ''}: HTTP ${h.toFixed(0)} ms, floor ${f.toFixed(0)} ms`,
      );
      if (pair > 0) {
        http.push(h);
        floor.push(f);
      }
    }
    const httpMedian = median(http);
    const floorMedian = median(floor);
    const pairRatios = http.map((h, i) => h / (floor[i] ?? Number.NaN));

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
    figures.push(
      figure(
        GROUP,
        `Accept a ${size.toLocaleString('en-US')}-shipment manifest over HTTP (median of ${runs})`,
        round(httpMedian, 0),
        'ms',
        null,
        `gzip POST → local gateway → bundled intake function → DynamoDB Local + fauxqs, reporter not polling; runs ${list(http)} ms (after 1 warm-up)`,
      ),
      figure(
        GROUP,
        `Floor: the same batched writes and sends, no logic (median of ${runs})`,
        round(floorMedian, 0),
        'ms',
        null,
        `in the bench process, warm SDK clients, interleaved with the HTTP runs (order alternating); runs ${list(floor)} ms`,
      ),
      figure(
        GROUP,
        'Intake time ÷ floor (ratio of the medians)',
        round(httpMedian / floorMedian, 2),
        'ratio',
        { op: '<=', bound: 1.5 },
        `per-pair ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairRatios).toFixed(2)})`,
      ),
    );
    return figures;
  } finally {
    aws.destroy();
    await stopStack();
  }
}
