/**
 * The table as every DynamoDB adapter uses it: one `queryAll`, one way to batch (with retries of
 * unprocessed items), one conditional transaction, and one TTL rule.
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../../concurrency.ts';
import { isConditionFailure } from './conditions.ts';
import { DEADLINE_INDEX, DEADLINE_INDEX_SHARDS, type DueKind, keys, TTL_ATTRIBUTE } from './table-design.ts';

export type Item = Record<string, unknown>;
export type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 8;
const DAY_SECONDS = 86_400;

/** The TTL rule: an item expires `days` after the instant it is about (for most, the transport's ETA). */
export function expiresAfter(instant: string, days: number): number {
  return Math.floor(Date.parse(instant) / 1000) + days * DAY_SECONDS;
}

export interface TableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Finished records expire this many days after the transport's ETA (absent: it writes nothing that expires). */
  retentionDays?: number;
  /** Back-off base for unprocessed batch items; tests set it low. */
  retryBaseMs?: number;
  /** Batch requests in flight per bulk call (default `DEFAULT_IO_CONCURRENCY`). */
  ioConcurrency?: number;
}

/** Items read, for the cost benchmarks (bench/sweep.ts). */
export interface ReadCounter {
  itemsRead: number;
}

export class Table {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
  private readonly retentionDays: number | undefined;
  private readonly retryBaseMs: number;
  /** Batch requests in flight per bulk call; also what callers fanning out single writes use. */
  readonly ioConcurrency: number;

  constructor(options: TableOptions) {
    this.client = options.client;
    this.name = options.tableName;
    this.retentionDays = options.retentionDays;
    this.retryBaseMs = options.retryBaseMs ?? 50;
    this.ioConcurrency = options.ioConcurrency ?? DEFAULT_IO_CONCURRENCY;
  }

  /** `{ expiresAt }` for an item about this instant (the retention rule). */
  ttl(instant: string): { [TTL_ATTRIBUTE]: number } {
    if (this.retentionDays === undefined) throw new Error('This table was opened without a retention');
    return { [TTL_ATTRIBUTE]: expiresAfter(instant, this.retentionDays) };
  }

  /** One item by key (consistent unless asked otherwise). */
  async get(key: Item, { consistent = true }: { consistent?: boolean } = {}): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.name, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
    );
    return item;
  }

  /** Every page of a query. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>, counter?: ReadCounter): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (counter) counter.itemsRead += items.length;
    return items;
  }

  /** Items of a partition whose sort key starts with `skPrefix`. */
  queryPrefix(key: { pk: string; skPrefix: string }, counter?: ReadCounter): Promise<Item[]> {
    return this.queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': key.pk, ':prefix': key.skPrefix },
      },
      counter,
    );
  }

  /** Due markers of one kind from the sparse deadline index, shard by shard: only that kind is read. */
  async dueMarkers(kind: DueKind, now: string, limit: number, counter?: ReadCounter): Promise<Item[]> {
    const range = keys.dueRange(kind, now);
    const found: Item[] = [];
    for (let shard = 0; shard < DEADLINE_INDEX_SHARDS && found.length < limit; shard++) {
      let startKey: Item | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.name,
            IndexName: DEADLINE_INDEX.name,
            KeyConditionExpression: 'duePk = :p AND dueSk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':p': keys.deadlinePartition(shard),
              ':from': range.from,
              ':to': range.to,
            },
            Limit: limit - found.length,
            ExclusiveStartKey: startKey,
          }),
        );
        if (counter) counter.itemsRead += page.Items?.length ?? 0;
        found.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
    }
    return found.slice(0, limit);
  }

  /**
   * BatchGetItem in chunks of 100, `ioConcurrency` chunks in flight, each retrying its unprocessed
   * keys with back-off; the items found, in no order.
   */
  async batchGet(
    itemKeys: Item[],
    options: { consistent?: boolean; projection?: string } = {},
  ): Promise<Item[]> {
    const pages = await mapBounded(chunks(itemKeys, BATCH_GET_LIMIT), this.ioConcurrency, async (chunk) => {
      const found: Item[] = [];
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed');
        if (attempt > 1) await backoff(this.retryBaseMs, attempt);
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.name]: {
                Keys: pending,
                ...(options.consistent ? { ConsistentRead: true } : {}),
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              },
            },
          }),
        );
        found.push(...(result.Responses?.[this.name] ?? []));
        pending = (result.UnprocessedKeys?.[this.name]?.Keys ?? []) as Item[];
      }
      return found;
    });
    return pages.flat();
  }

  /**
   * BatchWriteItem in chunks of 25, `ioConcurrency` chunks in flight, each retrying its unprocessed
   * items with back-off; throws if some never went through. On a failure no further chunk starts,
   * and the ones in flight settle before the rejection (nothing keeps writing behind the caller).
   */
  async batchWrite(requests: WriteRequest[]): Promise<void> {
    await mapBounded(chunks(requests, BATCH_WRITE_LIMIT), this.ioConcurrency, async (chunk) => {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) {
          throw new Error(
            `BatchWriteItem left ${pending.length} item(s) unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
          );
        }
        if (attempt > 1) await backoff(this.retryBaseMs, attempt);
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.name]: pending } }),
        );
        pending = (result.UnprocessedItems?.[this.name] ?? []) as WriteRequest[];
      }
    });
  }

  /** One transaction that must go through: any failure, a failed condition included, is thrown. */
  async transactOrThrow(items: TransactItems): Promise<void> {
    await this.client.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * One transaction, telling which of its items' conditions did not hold (their indexes) or that it
   * met another transaction on the same items (`conflicted`: try again shortly). Anything else (throttling,
   * an outage) is thrown.
   */
  async transactEach(
    items: TransactItems,
  ): Promise<
    { outcome: 'done' } | { outcome: 'conditions-failed'; failed: number[] } | { outcome: 'conflicted' }
  > {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: 'done' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index) =>
        reason.Code === 'ConditionalCheckFailed' ? [index] : [],
      );
      if (failed.length > 0) return { outcome: 'conditions-failed', failed };
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return { outcome: 'conflicted' };
      throw error;
    }
  }

  /** Waits a random while before attempt `attempt` (of a batch or a transaction that met a conflict). */
  backoff(attempt: number): Promise<void> {
    return backoff(this.retryBaseMs, attempt);
  }

  /**
   * One transaction; false when one of its conditions did not hold (someone changed an item first).
   * Anything else (a conflict with another transaction, throttling, an outage) is thrown, so the
   * caller retries rather than drops it.
   */
  async transact(items: TransactItems): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: ReadonlyArray<T>, size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}

function backoff(baseMs: number, attempt: number): Promise<void> {
  const ceiling = Math.min(baseMs * 2 ** (attempt - 1), 5_000);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
