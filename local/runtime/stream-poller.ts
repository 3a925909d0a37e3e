/**
 * Lambda's DynamoDB stream event source mapping, emulated on DynamoDB Local's stream: polls each
 * open shard at most 4 times a second (Lambda's base rate), busy or not, applies the mapping's
 * filter criteria, and hands the matching records to the function as `aws:dynamodb` events, a shard's batches in order. A failed
 * batch is retried (halved each time when the mapping bisects) up to MaximumRetryAttempts, then
 * skipped with a log line (the on-failure destination is not emulated).
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws.ts';
import type { InvokeOutcome } from './lambda-host.ts';

export interface StreamMappingSpec {
  logicalId: string;
  functionLogicalId: string;
  /** The stream's ARN as the function sees it (the template's), and DynamoDB Local's. */
  streamArn: string;
  localStreamArn: string;
  batchSize: number;
  /** FilterCriteria.Filters[].Pattern, parsed: a record passes if any pattern matches. */
  filters: unknown[];
  bisectOnError: boolean;
  maximumRetryAttempts: number;
}

export type StreamInvoker = (event: DynamoDBStreamEvent) => Promise<InvokeOutcome>;

/**
 * One round of GetRecords over the open shards at most every 250 ms, even while records keep
 * coming (Lambda polls each shard about 4 times a second; a page holds up to 1,000 records, so
 * that is 4,000 records a second per shard). Polling without a pause took DynamoDB Local's CPU
 * from the writers: 10,000 items stored in 17.8 s with an unpaced poller, 11.3 s paced (a
 * one-off probe, kept in the history: `git show aa9a004:bench/stream-probe.ts`).
 */
const POLL_MS = 250;

/**
 * The subset of EventBridge patterns Lambda filters use here: objects match field by field, a
 * list matches if any of its entries does (a value, or `{prefix}`, `{exists}`).
 */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((entry) => matchesOne(entry, value));
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) =>
      matchesPattern(sub, (value as Record<string, unknown>)[key]),
    );
  }
  return pattern === value;
}

function matchesOne(entry: unknown, value: unknown): boolean {
  if (entry && typeof entry === 'object') {
    const rule = entry as { prefix?: string; exists?: boolean };
    if (rule.prefix !== undefined) return typeof value === 'string' && value.startsWith(rule.prefix);
    if (rule.exists !== undefined) return (value !== undefined) === rule.exists;
    throw new Error(`filter rule ${JSON.stringify(entry)} is not emulated`);
  }
  return entry === value;
}

export class StreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly iterators = new Map<string, string | undefined>();
  private busy = false;
  private getRecordsCalls = 0;
  private readonly streams: DynamoDBStreamsClient;

  constructor(
    endpoint: string,
    readonly spec: StreamMappingSpec,
    private readonly invoke: StreamInvoker,
    private readonly options: { log?: (message: string) => void } = {},
  ) {
    this.streams = new DynamoDBStreamsClient({
      region: LOCAL_REGION,
      endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
  }

  /** True when no batch is being handed over. */
  get idle(): boolean {
    return !this.busy;
  }

  /** GetRecords calls made so far (what the pacing bounds). */
  get polls(): number {
    return this.getRecordsCalls;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.streams.destroy();
  }

  private async run(): Promise<void> {
    let lastDescribe = 0;
    while (this.running) {
      const roundStarted = Date.now();
      try {
        if (roundStarted - lastDescribe > 5_000) {
          await this.discoverShards();
          lastDescribe = Date.now();
        }
        for (const [shardId, iterator] of this.iterators) {
          // A closed shard read to its end has no next iterator: it is not polled again.
          if (!iterator || !this.running) continue;
          this.getRecordsCalls++;
          const page = await this.streams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
          );
          this.iterators.set(shardId, page.NextShardIterator);
          const records = page.Records ?? [];
          if (records.length > 0) await this.handle(records);
        }
        // The next round no sooner than POLL_MS after this one began (a slow delivery counts).
        const rest = POLL_MS - (Date.now() - roundStarted);
        if (rest > 0 && this.running) await sleep(rest);
      } catch (error) {
        if (!this.running) return;
        this.options.log?.(`stream ${this.spec.logicalId}: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /**
   * New shards start at their oldest record (TRIM_HORIZON): a stack restarted on a persisted
   * table replays what the stream still holds, which the consumer must (and does) take calmly.
   */
  private async discoverShards(): Promise<void> {
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: this.spec.localStreamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.spec.localStreamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.iterators.set(shard.ShardId, ShardIterator);
    }
  }

  private async handle(records: StreamRecord[]): Promise<void> {
    const events = records.map((record) => this.toLambdaRecord(record));
    const matching = this.spec.filters.length
      ? events.filter((event) => this.spec.filters.some((pattern) => matchesPattern(pattern, event)))
      : events;
    for (let start = 0; start < matching.length; start += this.spec.batchSize) {
      await this.deliver(matching.slice(start, start + this.spec.batchSize), 0);
    }
  }

  private async deliver(batch: DynamoDBRecord[], retries: number): Promise<void> {
    if (batch.length === 0) return;
    this.busy = true;
    let outcome: InvokeOutcome;
    try {
      outcome = await this.invoke({ Records: batch });
    } finally {
      this.busy = false;
    }
    if (outcome.status === 'ok') return;
    const why = outcome.status === 'error' ? outcome.error.errorMessage : 'batch too large';
    if (retries >= this.spec.maximumRetryAttempts || !this.running) {
      this.options.log?.(
        `stream ${this.spec.logicalId}: ${batch.length} record(s) skipped after ${retries} retries: ${why}`,
      );
      return;
    }
    await sleep(500);
    if (this.spec.bisectOnError && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await this.deliver(batch.slice(0, half), retries + 1);
      await this.deliver(batch.slice(half), retries + 1);
    } else await this.deliver(batch, retries + 1);
  }

  /** A stream record in the shape Lambda gives a stream-triggered function. */
  private toLambdaRecord(record: StreamRecord): DynamoDBRecord {
    const data = record.dynamodb ?? {};
    const created = data.ApproximateCreationDateTime;
    return {
      eventID: record.eventID ?? '',
      eventName: record.eventName as DynamoDBRecord['eventName'],
      eventVersion: record.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      eventSourceARN: this.spec.streamArn,
      dynamodb: {
        ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
        Keys: data.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
        ...(data.NewImage
          ? { NewImage: data.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] }
          : {}),
        ...(data.OldImage
          ? { OldImage: data.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] }
          : {}),
        ...(data.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
        ...(data.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
        ...(data.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
      },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
