/**
 * Reporting benchmarks (issue #3), on the whole local system (`startFullStack`: the Digitoll
 * simulator, the bundled functions in the local runtime, DynamoDB Local and fauxqs):
 * - throughput: a 1,000-shipment manifest reported with the simulator limited to R requests/s per
 *   client per API; houses per second as a fraction of R, and the time from POST to all ACCEPTED;
 * - chaos: 2,000 shipments with 20 % injected faults and every report message delivered again
 *   (copies sent through the SQS API, plus copies of the reporter's own polls); what ended ACCEPTED,
 *   FAILED, lost, or duplicated at the simulator.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoIntakeStore } from '../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../lib/adapters/dynamodb/table.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../lib/deployment.ts';
import { newKey } from '../lib/domain/partner-keys.ts';
import type { ReportMessage } from '../lib/domain/report-message.ts';
import type { IntakeResponse } from '../lib/manifest/responses.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { type FaultConfig, mulberry32, type ReceivedRecord } from '../local/digitoll-simulator/index.ts';
import { type FullStack, startFullStack } from '../local/full-stack.ts';
import { localDynamoClient, localSqsClient } from '../local/runtime/aws.ts';
import { acceptOverHttp, manifestOf } from './intake.ts';
import { type BenchProfile, describeProxies, startBackends } from './profiles.ts';
import { type Figure, figure, progress, round, sleep, track } from './support.ts';

const GROUP = 'B reporting (#3)';
const PARTNER = 'bench';
const FINAL_HOUSE = new Set(['ACCEPTED', 'FAILED', 'REJECTED', 'CANCELLED']);
const FINAL_PHASE = new Set(['ACCEPTED', 'FAILED']);

interface Harness {
  full: FullStack;
  key: string;
  /** The table as intake reads it (manifest, shipments, counts). */
  repository: DynamoIntakeStore;
  sqs: SQSClient;
  reportQueueUrl: string;
  reportDlqUrl: string;
  /** Reporter log lines at ERROR level (kept short), and how many there were. */
  reporterErrors: { count: number; samples: string[] };
  /** What the latency proxies did (empty under the local profile). */
  proxies(): string;
  stop(): Promise<void>;
}

interface HarnessOptions {
  cdkOut: string;
  profile: BenchProfile;
  /** Simulator token bucket per client per API (submission, query). */
  simulatorRate: number;
  /** Reporter executions (worker threads) and the client rate they share (DIGITOLL_RATE_LIMIT_PER_SECOND). */
  concurrency: number;
  clientRate: number;
  faults?: FaultConfig;
  reporterEnv?: Record<string, string>;
  /**
   * Every function's and integration's timeout (local runtime, benchmarks only), so that setup
   * POSTs on a loaded machine are not cut off at 29 s; figures that are about the limit compare
   * the measured time with the template's limit themselves.
   */
  timeoutOverrideSeconds?: number;
}

async function startHarness(label: string, options: HarnessOptions): Promise<Harness> {
  const key = newKey();
  const reporterErrors = { count: 0, samples: [] as string[] };
  const backends = await startBackends(options.profile);
  let full: FullStack;
  try {
    full = await startFullStack({
      port: 0,
      synth: false,
      cdkOut: options.cdkOut,
      dynamoEndpoint: backends.dynamoEndpoint,
      sqsEndpoint: backends.sqsEndpoint,
      scheduleEnabled: false,
      // As `npm start` does: the emulator's JIT is warm before the first POST (a JVM warm-up
      // that AWS does not have; local/runtime/dynamodb-warm-up.ts).
      warmUpDynamoDb: true,
      partnerKeys: [{ partnerId: PARTNER, key }],
      maxConcurrency: options.concurrency,
      ...(options.timeoutOverrideSeconds ? { timeoutOverrideSeconds: options.timeoutOverrideSeconds } : {}),
      log: () => {},
      functionLogs: (fn, line) => {
        if (!fn.includes('Reporter') || !/"level":"ERROR"|\bERROR\b/.test(line)) return;
        reporterErrors.count++;
        if (reporterErrors.samples.length < 5) reporterErrors.samples.push(line.slice(0, 400));
      },
      digitoll: {
        rateLimitPerSecond: options.simulatorRate,
        ...(options.faults ? { faults: options.faults } : {}),
        frontedBy: backends.frontDigitoll,
      },
      reporterEnv: {
        DIGITOLL_RATE_LIMIT_PER_SECOND: String(options.clientRate),
        ...options.reporterEnv,
      },
    });
  } catch (error) {
    await backends.stop();
    throw error;
  }
  // The proxies count what the system does, not the warm-up.
  backends.resetProxyStats();
  const stopFull = track(label, async () => {
    await full.stop();
    await backends.stop();
  });
  const { stack } = full;
  const tableName = Object.values(stack.tables)[0];
  // The report queue is the one the reporter's event source consumes; its dead-letter queue is named so.
  const reporterSource = stack.eventSources.find((source) => source.function.includes('Reporter'));
  const reportQueue = reporterSource ? stack.queues[reporterSource.queue] : undefined;
  const reportDlq = Object.entries(stack.queues).find(([logicalId]) =>
    logicalId.includes('ReportDeadLetter'),
  )?.[1];
  if (!tableName || !reportQueue || !reportDlq) {
    await stopFull();
    throw new Error('the template has no table, no reporter event source or no report dead-letter queue');
  }
  const dynamo = localDynamoClient(stack.dynamoEndpoint);
  const sqs = localSqsClient(stack.sqsEndpoint);
  return {
    full,
    key,
    repository: new DynamoIntakeStore(
      new Table({ client: DynamoDBDocumentClient.from(dynamo), tableName, retentionDays: 90 }),
    ),
    sqs,
    reportQueueUrl: reportQueue.url,
    reportDlqUrl: reportDlq.url,
    reporterErrors,
    proxies: () => describeProxies(backends.proxyStats()),
    stop: async () => {
      dynamo.destroy();
      sqs.destroy();
      await stopFull();
    },
  };
}

async function postManifest(harness: Harness, manifest: ManifestRequest): Promise<IntakeResponse> {
  const response = await fetch(`${harness.full.stack.apiUrl}/v1/manifests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${harness.key}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body: gzipSync(JSON.stringify(manifest)),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as IntakeResponse;
}

interface Progress {
  statuses: Record<string, number>;
  transport?: string;
  master?: string;
  final: number;
  done: boolean;
}

async function progressOf(harness: Harness, manifestId: string, expected: number): Promise<Progress> {
  const [rows, manifest] = await Promise.all([
    harness.repository.summarizeShipments(manifestId),
    harness.repository.getManifest(PARTNER, manifestId),
  ]);
  const statuses: Record<string, number> = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  const final = rows.filter((row) => FINAL_HOUSE.has(row.status)).length;
  const transport = manifest?.transportReport?.phase;
  const master = manifest?.masterConsignment ? manifest.masterReport?.phase : 'n/a';
  return {
    statuses,
    ...(transport ? { transport } : {}),
    ...(master ? { master } : {}),
    final,
    done:
      final >= expected &&
      FINAL_PHASE.has(transport ?? '') &&
      (master === 'n/a' || FINAL_PHASE.has(master ?? '')),
  };
}

const HOUSE_POST = /^\/api\/movement\/road\/v2\/house-consignment\/?$/;
const HOUSE_RESULT = /^\/api\/movement\/road\/status\/v2\/house-consignment\/validation-status\//;
const HOUSE_LOOKUP =
  /^\/api\/movement\/(?:road\/status\/v2|air\/status\/v1)\/house-consignment\/transport-document\/status/;
const answered = (record: ReceivedRecord) => record.outcome.status === 200 || record.outcome.status === 202;
const atMs = (record: ReceivedRecord) => Date.parse(record.at);
/**
 * A stage's steady rate: its requests per second between its 5th and 95th percentile request (the
 * first and last twentieth are its ramp-up and its drain).
 */
function steadyRate(times: number[]): { rate: number; from: number; to: number; events: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const low = Math.floor(sorted.length * 0.05);
  const high = Math.max(low, Math.ceil(sorted.length * 0.95) - 1);
  const from = sorted[low] ?? 0;
  const to = sorted[high] ?? 0;
  return { rate: to > from ? (high - low) / ((to - from) / 1000) : 0, from, to, events: high - low + 1 };
}
const span = (times: number[]) =>
  times.length ? { first: Math.min(...times), last: Math.max(...times) } : undefined;

/** Busy and total jiffies of all CPUs (Linux /proc/stat), to tell a CPU-bound run from a waiting one. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Throughput
// ---------------------------------------------------------------------------------------------------

export interface ThroughputOptions {
  cdkOut: string;
  profile: BenchProfile;
  template: ManifestRequest;
  /** Simulator limit per client per API (requests/s). */
  rate: number;
  concurrency: number;
  clientRate: number;
  shipments?: number;
  timeoutMs?: number;
  /** A diagnostic run: one row, no target, named after what it varies. */
  diagnostic?: string;
}

export async function throughputFigures(options: ThroughputOptions): Promise<Figure[]> {
  const { rate, concurrency, clientRate } = options;
  const shipments = options.shipments ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 240_000;
  progress(
    `B: throughput: R = ${rate}/s per API, ${concurrency} reporter executions sharing ${clientRate}/s`,
  );
  const harness = await startHarness(`throughput full stack (${options.profile})`, {
    cdkOut: options.cdkOut,
    profile: options.profile,
    simulatorRate: rate,
    concurrency,
    clientRate,
    // The POST is setup here (its time is the intake's, not the reporter's rate): on a loaded
    // machine it must not be cut off at 29 s.
    timeoutOverrideSeconds: SETUP_TIMEOUT_SECONDS,
  });
  try {
    const source = harness.full.stack.eventSources.find((s) => s.function.includes('Reporter'));
    const manifest = manifestOf(options.template, shipments, `tp-${Date.now()}`);
    const cpuSamples: Array<{ at: number; busy: number; total: number }> = [];
    const sampleCpu = () => {
      const cpu = machineCpu();
      if (cpu) cpuSamples.push({ at: Date.now(), ...cpu });
    };
    sampleCpu();
    const postedAt = Date.now();
    const intake = await postManifest(harness, manifest);
    const acceptedAt = Date.now();
    const expected = intake.counts.RECEIVED ?? 0;
    let state = await progressOf(harness, intake.manifestId, expected);
    let lastLog = 0;
    while (!state.done && Date.now() - postedAt < timeoutMs) {
      await sleep(500);
      sampleCpu();
      state = await progressOf(harness, intake.manifestId, expected);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        progress(
          `B: throughput: ${JSON.stringify(state.statuses)} after ${((Date.now() - postedAt) / 1000).toFixed(0)} s`,
        );
      }
    }
    const allAcceptedAt = Date.now();
    sampleCpu();
    const accepted = state.statuses.ACCEPTED ?? 0;

    const received = harness.full.digitoll.received();
    const posts = received.filter((r) => r.method === 'POST' && HOUSE_POST.test(r.path) && answered(r));
    const results = received.filter((r) => r.method === 'GET' && HOUSE_RESULT.test(r.path) && answered(r));
    const postSpan = span(posts.map(atMs));
    const resultSpan = span(results.map(atMs));
    const throttled = received.filter((r) => r.outcome.status === 429).length;
    const submissionRequests = received.filter((r) => r.path.startsWith('/api/movement/road/v2/')).length;
    const queryRequests = received.filter((r) => r.path.startsWith('/api/movement/road/status/v2/')).length;
    if (!postSpan || !resultSpan) throw new Error('no house was submitted or accepted');

    // Throughput is the pipeline's steady rate: each stage (house POSTs on the submission API,
    // house results on the query API) over the middle 90 % of its own requests, and the slower of
    // the two. Until #14 this was all houses ÷ (first house POST → last house result), which
    // counted the ramp-up (reporter workers starting, the first claims) and, worse, the pipeline's
    // latency (a house's result comes ≥ 2 s after its POST: the first poll's delay) as if they were
    // lost rate: with 1,000 houses at 20/s that alone cost ~6 % of R. That end-to-end figure is
    // still in the notes, and the time to all ACCEPTED is a figure of its own.
    const endToEndSeconds = (resultSpan.last - postSpan.first) / 1000;
    const endToEndRate = accepted / endToEndSeconds;
    const postSteady = steadyRate(posts.map(atMs));
    const resultSteady = steadyRate(results.map(atMs));
    const housesPerSecond = Math.min(postSteady.rate, resultSteady.rate);
    const steadyThrottled = received.filter(
      (r) =>
        r.outcome.status === 429 &&
        atMs(r) >= Math.min(postSteady.from, resultSteady.from) &&
        atMs(r) <= Math.max(postSteady.to, resultSteady.to),
    ).length;
    const acceptedOnlyRate = (results.length - 1) / ((resultSpan.last - resultSpan.first) / 1000);
    const submitRate = (posts.length - 1) / ((postSpan.last - postSpan.first) / 1000);
    const overlapSeconds = Math.max(0, (Math.min(postSpan.last, resultSpan.last) - resultSpan.first) / 1000);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    /** Share of the machine's CPU time that was busy between two instants (nearest samples inside). */
    const busyBetween = (from: number, to: number) => {
      const inside = cpuSamples.filter((sample) => sample.at >= from && sample.at <= to);
      const first = inside[0];
      const last = inside[inside.length - 1];
      if (!first || !last || last.total === first.total) return '?';
      return `${(((last.busy - first.busy) / (last.total - first.total)) * 100).toFixed(0)} %`;
    };
    // House POSTs per 5 s from the first: a dip at regular intervals would be the batches'
    // boundaries (design); an even shortfall with the machine busy is CPU.
    const perFiveSeconds: number[] = [];
    for (const record of posts) {
      const bin = Math.floor((atMs(record) - postSpan.first) / 5000);
      perFiveSeconds[bin] = (perFiveSeconds[bin] ?? 0) + 1;
    }
    const histogram = `house POSTs per 5 s (R × 5 s = ${rate * 5}): ${Array.from(perFiveSeconds, (n) => n ?? 0).join(' ')}`;
    const proxies = harness.proxies();
    const busy = `machine CPU busy (${cpus().length} cores): ${busyBetween(postSpan.first, postSpan.last)} while houses were submitted, ${busyBetween(resultSpan.first, resultSpan.last)} while they were polled${proxies ? `; ${proxies}` : ''}`;

    const setup = `R = ${rate}/s per client per API at the simulator; reporter ${source?.maximumConcurrency ?? '?'} concurrent executions (local runtime maxConcurrency ${concurrency}, template MaximumConcurrency caps at 5) sharing one budget of DIGITOLL_RATE_LIMIT_PER_SECOND = ${clientRate}/s per API in the table (lib/adapters/dynamodb/rate-budget.ts), batch 10`;
    const timeline =
      `house POSTs ${posts.length} from +${seconds(postSpan.first - postedAt)} to +${seconds(postSpan.last - postedAt)} (${submitRate.toFixed(1)}/s); ` +
      `house results ${results.length} from +${seconds(resultSpan.first - postedAt)} to +${seconds(resultSpan.last - postedAt)} (${acceptedOnlyRate.toFixed(1)}/s); ` +
      `the two overlap ${overlapSeconds.toFixed(1)} s; requests: ${submissionRequests} submission API, ${queryRequests} query API, ${throttled} answered 429`;

    const fraction = round(housesPerSecond / rate, 2);
    if (options.diagnostic) {
      return [
        figure(
          GROUP,
          `Diagnostic: houses/s ÷ R with ${options.diagnostic}`,
          fraction,
          'fraction of R',
          null,
          `${round(housesPerSecond, 1)} houses/s; all ACCEPTED ${round((allAcceptedAt - postedAt) / 1000, 1)} s after the POST. ${timeline}. ${setup}; ${busy}`,
        ),
      ];
    }
    return [
      figure(
        GROUP,
        `Reporting throughput: houses/s ÷ R (R = ${rate}/s)`,
        fraction,
        'fraction of R',
        { op: '>=', bound: 0.95 },
        `${round(housesPerSecond, 1)} houses/s in steady state: the slower of the submission stage (${round(postSteady.rate, 1)} house POSTs/s over its middle ${postSteady.events}, ${seconds(postSteady.to - postSteady.from)}) and the result stage (${round(resultSteady.rate, 1)} house results/s over its middle ${resultSteady.events}, ${seconds(resultSteady.to - resultSteady.from)}); ${steadyThrottled} answers of 429 in those windows. End to end (all ${accepted} houses ÷ first house POST → last house result, ramp-up and the last polls' latency included, the definition before #14) ${round(endToEndRate, 1)}/s = ${round(endToEndRate / rate, 2)} R. ${timeline}; ${histogram}. ${setup}; ${busy}`,
      ),
      figure(
        GROUP,
        'Reporting throughput: Digitoll answers of 429 (whole run)',
        throttled,
        'answers',
        { op: '<=', bound: 0 },
        `the simulator's own records: ${throttled} of ${submissionRequests + queryRequests} requests answered 429 Too Many Requests (R = ${rate}/s per API with a burst of R); the reporters share one budget of ${clientRate}/s per API, so none should`,
      ),
      figure(
        GROUP,
        `POST of a ${shipments.toLocaleString('en-US')}-shipment manifest → all ACCEPTED`,
        round((allAcceptedAt - postedAt) / 1000, 1),
        's',
        null,
        `${accepted}/${expected} ACCEPTED${state.done ? '' : ` (stopped at the ${timeoutMs / 1000} s bound: ${JSON.stringify(state.statuses)})`}; intake answered in ${seconds(acceptedAt - postedAt)}; the bound at R is ≈ ${(expected / rate).toFixed(0)} s (1 POST per house on the submission API and ≥ 1 poll on the query API, both at R in parallel); polled every 0.5 s; reporter errors logged: ${harness.reporterErrors.count}`,
      ),
    ];
  } finally {
    await harness.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Chaos
// ---------------------------------------------------------------------------------------------------

export interface ChaosOptions {
  cdkOut: string;
  profile: BenchProfile;
  template: ManifestRequest;
  shipments?: number;
  rate: number;
  concurrency: number;
  clientRate: number;
  faults: FaultConfig;
  reporterEnv: Record<string, string>;
  /** From the POST: every report must be final by then. */
  deadlineMs: number;
  /** After that, at most this long for the queues to drain (late copies) before counting duplicates. */
  drainMs: number;
  /** Copies of the initial messages are delayed by up to this (s, ≤ 900). */
  maxCopyDelaySeconds: number;
  /**
   * Shipments of the two extra manifests that share every number, posted at the same moment (one
   * live house per waybill, issue #12 item 2); 0 leaves them out.
   */
  sharedShipments?: number;
  /** What the figures are called (`Chaos`, `Chaos by air`); the template's mode picks the Digitoll API. */
  title?: string;
}

/**
 * Two manifests carrying the same numbers (other references and vehicles), posted at once: each
 * number must be RECEIVED (to be reported) on exactly one of them and refused on the other.
 */
async function postSharedPair(harness: Harness, template: ManifestRequest, count: number) {
  const a = manifestOf(template, count, `chaos-shared-${Date.now()}`);
  // Each manifest travels on its own master (consignment note): only the house numbers are shared.
  const withMaster = (manifest: ManifestRequest, number: string): ManifestRequest => ({
    ...manifest,
    masterConsignment: {
      ...manifest.masterConsignment,
      waybill: { ...manifest.masterConsignment.waybill, number },
    },
  });
  const first = withMaster(a, `${a.reference}-A`);
  const b = withMaster({ ...structuredClone(a), reference: `${a.reference}-b` }, `${a.reference}-B`);
  if (b.transport.mode !== 'AIR') b.transport.vehicleRegistration = `${b.transport.vehicleRegistration}B`;
  const answers = await Promise.all([postManifest(harness, first), postManifest(harness, b)]);
  const numbers = a.shipments.map((shipment) => shipment.shipmentNumber);
  let liveOnBoth = 0;
  let liveOnNeither = 0;
  let refusedInUse = 0;
  for (const number of numbers) {
    const outcomes = answers.map((answer) => answer.shipments.find((s) => s.shipmentNumber === number));
    const received = outcomes.filter((outcome) => outcome?.status === 'RECEIVED').length;
    if (received > 1) liveOnBoth++;
    if (received === 0) liveOnNeither++;
    refusedInUse += outcomes.filter((outcome) =>
      outcome?.rejections.some((rejection) => rejection.rule === 'SHIPMENT_NUMBER_IN_USE'),
    ).length;
  }
  return { numbers, liveOnBoth, liveOnNeither, refusedInUse };
}

async function sendCopies(
  sqs: SQSClient,
  queueUrl: string,
  messages: Array<{ message: ReportMessage; delaySeconds: number }>,
): Promise<number> {
  let sent = 0;
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map(({ message, delaySeconds }, index) => ({
          Id: `c${index}`,
          MessageBody: JSON.stringify(message),
          ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
          MessageAttributes: { contract: { DataType: 'String', StringValue: 'report-message/v1' } },
        })),
      }),
    );
    sent += result.Successful?.length ?? 0;
  }
  return sent;
}

const KIND_OF_PATH: Record<string, ReportMessage['kind']> = {
  transport: 'TRANSPORT',
  'master-consignment': 'MASTER',
  'house-consignment': 'HOUSE',
};

export async function chaosFigures(options: ChaosOptions): Promise<Figure[]> {
  const title = options.title ?? 'Chaos';
  const shipments = options.shipments ?? 2_000;
  const random = mulberry32(7);
  const { faults } = options;
  const faultShare =
    (faults.errorRate ?? 0) +
    (faults.rateLimitRate ?? 0) +
    (faults.timeoutRate ?? 0) +
    (faults.dropResponseRate ?? 0);
  progress(
    `B: ${title}: ${shipments} shipments, ${(faultShare * 100).toFixed(0)} % faults, every message redelivered`,
  );
  const harness = await startHarness(`${title} full stack (${options.profile})`, {
    cdkOut: options.cdkOut,
    profile: options.profile,
    simulatorRate: options.rate,
    concurrency: options.concurrency,
    clientRate: options.clientRate,
    faults,
    reporterEnv: options.reporterEnv,
    // The POSTs are setup (the figures are the reporter's): on a loaded machine the 2,000-shipment
    // POST beside the shared pair must not be cut off at 29 s (it answered 500 under load 13).
    timeoutOverrideSeconds: SETUP_TIMEOUT_SECONDS,
  });
  try {
    const manifest = manifestOf(options.template, shipments, `chaos-${Date.now()}`);
    const postedAt = Date.now();
    const [intake, shared] = await Promise.all([
      postManifest(harness, manifest),
      (options.sharedShipments ?? 0) > 0
        ? postSharedPair(harness, options.template, options.sharedShipments ?? 0)
        : undefined,
    ]);
    const expected = intake.counts.RECEIVED ?? 0;
    const base = { v: 1, partnerId: PARTNER, manifestId: intake.manifestId } as const;
    const initial: ReportMessage[] = [
      { ...base, kind: 'TRANSPORT' },
      ...(manifest.masterConsignment ? [{ ...base, kind: 'MASTER' } as const] : []),
      ...intake.shipments
        .filter((s) => s.status === 'RECEIVED')
        .map((s) => ({ ...base, kind: 'HOUSE', shipmentNumber: s.shipmentNumber }) as const),
    ];
    // Redelivery, forced: every initial message once more at once (a duplicate in flight with the
    // original), and once more later (it finds the report submitted, uncertain or accepted).
    let copies = await sendCopies(
      harness.sqs,
      harness.reportQueueUrl,
      initial.map((message) => ({ message, delaySeconds: 0 })),
    );
    copies += await sendCopies(
      harness.sqs,
      harness.reportQueueUrl,
      initial.map((message) => ({ message, delaySeconds: 5 + random() * (options.maxCopyDelaySeconds - 5) })),
    );
    // And the reporter's own poll messages: a copy of the poll of every request Digitoll took.
    const polled = new Set<string>();
    let pollCopies = 0;
    const copyPolls = async () => {
      const wanted: Array<{ message: ReportMessage; delaySeconds: number }> = [];
      for (const record of harness.full.digitoll.received()) {
        const match =
          /^\/api\/movement\/(?:road\/v2|air\/v1)\/(transport|master-consignment|house-consignment)\/?$/.exec(
            record.path,
          );
        const requestId = record.outcome.requestId;
        if (record.method !== 'POST' || !match?.[1] || !requestId || polled.has(requestId)) continue;
        polled.add(requestId);
        const kind = KIND_OF_PATH[match[1]];
        const documentNumber = (
          record.body as {
            consignmentHouseLevel?: { transportDocumentHouseLevel?: { documentNumber?: string } };
          }
        )?.consignmentHouseLevel?.transportDocumentHouseLevel?.documentNumber;
        const message: ReportMessage | undefined =
          kind === 'HOUSE'
            ? documentNumber
              ? { ...base, kind, shipmentNumber: documentNumber, poll: requestId, attempt: 0 }
              : undefined
            : kind
              ? { ...base, kind, poll: requestId, attempt: 0 }
              : undefined;
        if (message) wanted.push({ message, delaySeconds: random() * 10 });
      }
      pollCopies += await sendCopies(harness.sqs, harness.reportQueueUrl, wanted);
    };

    let state = await progressOf(harness, intake.manifestId, expected);
    let lastCopy = Date.now();
    let lastLog = 0;
    while (!state.done && Date.now() - postedAt < options.deadlineMs) {
      await sleep(1000);
      if (Date.now() - lastCopy > 10_000) {
        lastCopy = Date.now();
        await copyPolls();
      }
      state = await progressOf(harness, intake.manifestId, expected);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        progress(
          `B: ${title}: ${JSON.stringify(state.statuses)} transport ${state.transport} master ${state.master} after ${((Date.now() - postedAt) / 1000).toFixed(0)} s`,
        );
      }
    }
    await copyPolls();
    const finalAt = Date.now();
    const finished = state.done;
    // Late copies still in the queue may act after everything is final: let them, then count.
    let drained = true;
    try {
      await harness.full.stack.drainQueues({ timeoutMs: options.drainMs });
    } catch {
      drained = false;
    }
    const drainedAt = Date.now();
    state = await progressOf(harness, intake.manifestId, expected);

    const records = await harness.repository.getShipments(
      PARTNER,
      intake.manifestId,
      initial.flatMap((m) => (m.kind === 'HOUSE' ? [m.shipmentNumber] : [])),
    );
    const accepted = records.filter((r) => r.status === 'ACCEPTED');
    const failed = records.filter((r) => r.status === 'FAILED');
    const lost = expected - records.filter((r) => FINAL_HOUSE.has(r.status)).length;
    const reasons = new Map<string, number>();
    for (const record of failed) {
      const reason = (record.report?.lastError ?? 'no reason recorded').replace(
        /[0-9A-Z]{2}NO[0-9A-Z]{14}/g,
        '<mrn>',
      );
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const manifestRecord = await harness.repository.getManifest(PARTNER, intake.manifestId);

    const digitoll = harness.full.digitoll;
    const duplicates = digitoll.duplicates();
    const houseDuplicates = duplicates.filter((d) => d.kind === 'house-consignment');
    const masterDuplicates = duplicates.filter((d) => d.kind === 'master-consignment');
    const stored = digitoll.messages();
    const transports = stored.filter((m) => m.kind === 'transport');
    const activeHouses = new Map<string, string[]>();
    for (const message of stored) {
      if (message.kind !== 'house-consignment' || message.status !== 'ACTIVE') continue;
      const number = message.body.consignmentHouseLevel.transportDocumentHouseLevel.documentNumber;
      activeHouses.set(number, [...(activeHouses.get(number) ?? []), message.mrn]);
    }
    const sharedActive = (shared?.numbers ?? []).map((number) => activeHouses.get(number)?.length ?? 0);
    const mrnMismatches = accepted.filter((r) => {
      const mrns = activeHouses.get(r.shipmentNumber) ?? [];
      return mrns.length !== 1 || mrns[0] !== r.mrn;
    }).length;

    const received = digitoll.received();
    const faultCounts: Record<string, number> = {};
    for (const record of received) {
      if (record.outcome.fault)
        faultCounts[record.outcome.fault] = (faultCounts[record.outcome.fault] ?? 0) + 1;
    }
    const apiRequests = received.filter((r) => r.path.startsWith('/api/movement/')).length;
    const lookups = received.filter((r) => HOUSE_LOOKUP.test(r.path)).length;
    const transportSends = received
      .filter(
        (r) => r.method === 'POST' && /^\/api\/movement\/(?:road\/v2|air\/v1)\/transport\/?$/.test(r.path),
      )
      .map((r) => r.outcome.fault ?? String(r.outcome.status ?? '?'));
    const { Attributes: dlq = {} } = await harness.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: harness.reportDlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    const runSeconds = ((finalAt - postedAt) / 1000).toFixed(0);
    const context =
      `${shipments} shipments (${expected} valid), faults ${JSON.stringify(faults)} on ${apiRequests} Digitoll API requests → ${JSON.stringify(faultCounts)}; ` +
      `${copies} copies of the ${initial.length} initial messages (half at once, half delayed 5–${options.maxCopyDelaySeconds} s) and ${pollCopies} copies of poll messages sent through SQS; ` +
      `${finished ? `all final after ${runSeconds} s` : `deadline ${options.deadlineMs / 1000} s reached`}, queues ${drained ? 'drained' : 'NOT drained'} ${((drainedAt - finalAt) / 1000).toFixed(0)} s later`;

    const transportPhase = manifestRecord?.transportReport?.phase ?? 'none';
    const masterPhase = manifestRecord?.masterReport?.phase ?? 'none';
    return [
      figure(
        GROUP,
        `${title}: valid houses ACCEPTED`,
        accepted.length,
        `of ${expected}`,
        { op: '>=', bound: expected },
        `${context}. Transport ${transportPhase}, master ${masterPhase}; house key lookups after unknown outcomes: ${lookups}; ${mrnMismatches} ACCEPTED houses whose MRN is not the one active message for their key at the simulator`,
      ),
      figure(
        GROUP,
        `${title}: houses FAILED`,
        failed.length,
        'houses',
        { op: '<=', bound: 0 },
        failed.length
          ? [...reasons].map(([reason, n]) => `${n}× ${reason.slice(0, 300)}`).join(' | ')
          : `none; messages in the dead-letter queue: ${dlq.ApproximateNumberOfMessages ?? '?'}; reporter errors logged: ${harness.reporterErrors.count}${harness.reporterErrors.samples[0] ? ` (e.g. ${harness.reporterErrors.samples[0].slice(0, 200)})` : ''}`,
      ),
      figure(
        GROUP,
        `${title}: lost (no final state by the deadline)`,
        lost +
          (FINAL_PHASE.has(transportPhase) ? 0 : 1) +
          (manifest.masterConsignment && !FINAL_PHASE.has(masterPhase) ? 1 : 0),
        'reports',
        { op: '<=', bound: 0 },
        `houses not final: ${lost} (${JSON.stringify(state.statuses)}); transport ${transportPhase}; master ${masterPhase}; deadline ${options.deadlineMs / 1000} s after the POST`,
      ),
      figure(
        GROUP,
        `${title}: duplicated houses/masters at the simulator`,
        houseDuplicates.length + masterDuplicates.length,
        'keys',
        { op: '<=', bound: 0 },
        `duplicates(): ${houseDuplicates.length} house keys, ${masterDuplicates.length} master keys${duplicates.length ? ` (e.g. ${JSON.stringify(duplicates[0])})` : ''}` +
          (shared
            ? `; this includes ${shared.numbers.length} numbers carried by two manifests posted at once (besides the chaos manifest)`
            : ''),
      ),
      ...(shared
        ? [
            figure(
              GROUP,
              'Chaos: shared numbers live on both manifests',
              shared.liveOnBoth + sharedActive.filter((active) => active > 1).length,
              'numbers',
              { op: '<=', bound: 0 },
              `${shared.numbers.length} numbers on two manifests posted at the same moment: RECEIVED on both ${shared.liveOnBoth}, on neither ${shared.liveOnNeither}, refused SHIPMENT_NUMBER_IN_USE ${shared.refusedInUse}; active houses at the simulator per number: ${sharedActive.filter((n) => n === 1).length}× one, ${sharedActive.filter((n) => n === 0).length}× none, ${sharedActive.filter((n) => n > 1).length}× more than one`,
            ),
          ]
        : []),
      figure(
        GROUP,
        `${title}: transports stored at the simulator for one manifest`,
        transports.length,
        'transports',
        null,
        `by design a transport whose send had an unknown outcome is sent again (Digitoll has no key lookup for transports; reporter.ts), so > 1 is possible: ${Math.max(0, transports.length - 1)} extra (statuses ${transports.map((t) => t.status).join(', ')}); the transport POSTs met: ${transportSends.join(', ') || 'none'}`,
      ),
    ];
  } finally {
    await harness.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// A big intake while the reporter is busy (#14)
// ---------------------------------------------------------------------------------------------------

export interface BusyIntakeOptions {
  cdkOut: string;
  profile: BenchProfile;
  template: ManifestRequest;
  rate: number;
  concurrency: number;
  clientRate: number;
  /** Shipments the reporter is busy with (the earlier manifest). */
  busyWith: number;
  /** Shipments of the POST measured while it is. */
  shipments: number;
}

/**
 * The issue's failing case, as a new user meets it with `npm start`: a gzip POST of 10,000
 * shipments while the reporter works through 2,000 earlier ones (its workers, DynamoDB Local,
 * fauxqs and the simulator all busy on the same machine). The local runtime enforces the intake's
 * 29 s limit (a slower answer counts as the 500 AWS would give); the houses the simulator received during the POST show the
 * reporter was busy throughout.
 */
export async function busyIntakeFigures(options: BusyIntakeOptions): Promise<Figure[]> {
  const harness = await startHarness(`busy intake full stack (${options.profile})`, {
    cdkOut: options.cdkOut,
    profile: options.profile,
    simulatorRate: options.rate,
    concurrency: options.concurrency,
    clientRate: options.clientRate,
    // The 2,000-shipment setup POST must not be cut off on a loaded machine; the measured POST is
    // compared with the template's 29 s below (what AWS would answer past it: 500).
    timeoutOverrideSeconds: SETUP_TIMEOUT_SECONDS,
  });
  try {
    const housePosts = () =>
      harness.full.digitoll.received().filter((r) => r.method === 'POST' && HOUSE_POST.test(r.path)).length;
    const busy = await postManifest(
      harness,
      manifestOf(options.template, options.busyWith, `busy-${Date.now()}`),
    );
    progress(
      `E: ${options.busyWith} shipments accepted (${busy.manifestId}); waiting for the reporter to be busy`,
    );
    const waitStarted = Date.now();
    while (housePosts() < 20 && Date.now() - waitStarted < 120_000) await sleep(250);
    const before = housePosts();
    const big = manifestOf(options.template, options.shipments, `big-${Date.now()}`);
    const answer = await acceptOverHttp(harness.full.stack.apiUrl, harness.key, big);
    const during = housePosts() - before;
    const counts =
      answer.status === 202
        ? JSON.stringify((JSON.parse(answer.text) as IntakeResponse).counts)
        : answer.text.slice(0, 300);
    progress(
      `E: the ${options.shipments}-shipment POST answered ${answer.status} in ${answer.ms.toFixed(0)} ms; ${during} houses reported meanwhile`,
    );
    const size = options.shipments.toLocaleString('en-US');
    const limitMs = FUNCTION_TIMEOUT_SECONDS.http * 1000;
    // What API Gateway and Lambda would have answered: past the 29 s limit, 500 (Task timed out).
    const onAws = answer.status === 202 && answer.ms > limitMs ? 500 : answer.status;
    return [
      figure(
        GROUP_BUSY,
        `gzip POST of ${size} shipments while the reporter is busy with ${options.busyWith.toLocaleString('en-US')}: HTTP status`,
        onAws,
        'status',
        { op: '==', bound: 202 },
        `the answer as AWS would give it (the local runtime let the function run up to ${SETUP_TIMEOUT_SECONDS} s; it answered ${answer.status} in ${answer.ms.toFixed(0)} ms, and past the template's ${FUNCTION_TIMEOUT_SECONDS.http} s that counts as 500); local stack with the reporter polling (${options.concurrency} workers, R = ${options.rate}/s); the earlier ${options.busyWith}-shipment manifest was being reported (${before} houses at the simulator before the POST, ${during} more during it); answer ${counts}; before #14 this answered 500 after 29.0 s`,
      ),
      figure(
        GROUP_BUSY,
        `gzip POST of ${size} shipments while the reporter is busy: time to answer`,
        round(answer.ms, 0),
        'ms',
        { op: '<=', bound: 29_000 },
        `from sending the gzip body to the whole answer read; the API's limit is 29 s. ${harness.proxies()}`,
      ),
    ];
  } finally {
    await harness.stop();
  }
}

const GROUP_BUSY = 'E intake while reporting (#14)';
/** Timeouts for setup steps on a loaded machine (see HarnessOptions.timeoutOverrideSeconds). */
const SETUP_TIMEOUT_SECONDS = 120;
