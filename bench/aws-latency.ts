/**
 * The AWS latency profile of `npm run bench` (BENCH_PROFILE=aws): how long one request of each
 * operation takes as the calling Lambda sees it, in the same region, on a warm keep-alive
 * connection. This table is the one place to change them; bench/latency-proxy.ts applies them.
 *
 * These are ASSUMPTIONS, not measurements: round, typical p50 figures, chosen to be neither
 * flattering nor pessimistic. Tails (p99), throttling and bandwidth are not modelled: every request
 * of an operation costs exactly its figure (reproducible runs), added before the request reaches
 * the emulator, so the emulator's own (small, loopback) service time comes on top.
 */

export interface Latency {
  /** Added to every request of the operation, in milliseconds. */
  ms: number;
  /** Where the number comes from, and how sure it is. */
  source: string;
}

const DYNAMODB_PUBLISHED =
  'AWS: DynamoDB has "consistently low latency (typically in the single digit milliseconds)" (whitepaper "Comparing DynamoDB and HBase", service-side); taken at the low end plus ~1 ms of in-region network and SDK';
const DYNAMODB_BATCH =
  'assumption: a batch fans out to several partitions service-side and answers when the slowest has; ~3× a single-item call';
const DYNAMODB_TRANSACTION =
  'assumption: DynamoDB documents transactions as two-phase (prepare + commit, 2× the capacity of plain writes); ~3× a single write';
const SQS_TYPICAL =
  'assumption: AWS publishes no SQS latency figure; in-region client-observed p50 for small messages is commonly reported at 10–20 ms';
const S3_TYPICAL =
  'AWS: for small requests (< 512 KB) S3 "median latencies are often in the tens of milliseconds" (whitepaper "Optimizing Amazon S3 performance", timeouts and retries); 20 ms is the low end, for the first byte only (bandwidth not modelled)';

export const AWS_LATENCY = {
  dynamodb: {
    GetItem: { ms: 5, source: DYNAMODB_PUBLISHED },
    PutItem: { ms: 5, source: DYNAMODB_PUBLISHED },
    DeleteItem: { ms: 5, source: DYNAMODB_PUBLISHED },
    UpdateItem: {
      ms: 6,
      source: `${DYNAMODB_PUBLISHED}; +1 ms for the read-modify-write and condition`,
    },
    Query: {
      ms: 8,
      source: `${DYNAMODB_PUBLISHED}; a page reads many items (up to 1 MB), assumed +3 ms`,
    },
    Scan: { ms: 8, source: 'assumption: as Query (one page)' },
    BatchGetItem: { ms: 15, source: DYNAMODB_BATCH },
    BatchWriteItem: { ms: 15, source: DYNAMODB_BATCH },
    TransactWriteItems: { ms: 15, source: DYNAMODB_TRANSACTION },
    TransactGetItems: { ms: 10, source: 'assumption: one phase, several partitions; 2× a single read' },
  },
  sqs: {
    SendMessage: { ms: 10, source: SQS_TYPICAL },
    SendMessageBatch: {
      ms: 12,
      source: `${SQS_TYPICAL}; +2 ms for up to 10 entries (256 KiB) in one request`,
    },
    ReceiveMessage: {
      ms: 10,
      source: `${SQS_TYPICAL}; short poll (a long poll returns when messages arrive)`,
    },
    DeleteMessage: { ms: 10, source: SQS_TYPICAL },
    DeleteMessageBatch: { ms: 10, source: SQS_TYPICAL },
    ChangeMessageVisibility: { ms: 10, source: SQS_TYPICAL },
    ChangeMessageVisibilityBatch: { ms: 10, source: SQS_TYPICAL },
  },
  s3: {
    PutObject: { ms: 20, source: S3_TYPICAL },
    GetObject: { ms: 20, source: S3_TYPICAL },
    HeadObject: { ms: 20, source: S3_TYPICAL },
    UploadPart: { ms: 20, source: S3_TYPICAL },
  },
  digitoll: {
    request: {
      ms: 40,
      source:
        'assumption (issue #14): api.toll.no is hosted in Norway; eu-north-1 (Stockholm) → Oslo is ~10 ms of network, plus TLS on a kept-alive connection and the service itself',
    },
  },
} as const satisfies Record<string, Record<string, Latency>>;

/**
 * Operations not in the table (control plane and rare calls: CreateTable, CreateQueue,
 * GetQueueAttributes, PurgeQueue, ListObjectsV2, …): a plain round trip of the service, so they are
 * slowed too, but they play no part in the figures.
 */
export const OTHER_OPERATION_LATENCY = {
  dynamodb: { ms: 5, source: DYNAMODB_PUBLISHED },
  sqs: { ms: 10, source: SQS_TYPICAL },
  s3: { ms: 20, source: S3_TYPICAL },
  digitoll: AWS_LATENCY.digitoll.request,
} as const satisfies Record<keyof typeof AWS_LATENCY, Latency>;

export type LatencyService = keyof typeof AWS_LATENCY;

/** The profile's latency for one operation of a service (the service's default when not listed). */
export function latencyOf(service: LatencyService, operation: string): number {
  const table: Record<string, Latency> = AWS_LATENCY[service];
  return (
    (Object.hasOwn(table, operation) ? table[operation] : undefined)?.ms ??
    OTHER_OPERATION_LATENCY[service].ms
  );
}

/** The whole table as plain rows, for bench/results.json (what the figures were measured under). */
export function latencyTableRows(): Array<{
  service: string;
  operation: string;
  ms: number;
  source: string;
}> {
  const rows: Array<{ service: string; operation: string; ms: number; source: string }> = [];
  for (const [service, operations] of Object.entries(AWS_LATENCY)) {
    for (const [operation, { ms, source }] of Object.entries(operations as Record<string, Latency>)) {
      rows.push({ service, operation, ms, source });
    }
    const other = OTHER_OPERATION_LATENCY[service as LatencyService];
    if (service !== 'digitoll')
      rows.push({ service, operation: '(any other)', ms: other.ms, source: other.source });
  }
  return rows;
}
