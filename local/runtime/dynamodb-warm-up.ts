/**
 * Warms DynamoDB Local's JIT before the local stack serves anyone (`npm start`, the benchmarks).
 *
 * Why: DynamoDB Local is a JVM, and a fresh one spends its first minute compiling. Measured on the
 * 2-core machine during the bench's E scenario (a 10,000-shipment POST while the reporter works
 * through 2,000 others): 37 s after the JVM started, its C2 compiler thread had used 15.5 s of CPU
 * and the SQLite thread that does all the storing 13 s, so the compiler took the core the store and
 * the functions needed. The POST then answered in 32–42 s (over the API's 29 s); the same POST
 * after one earlier 10,000-shipment intake had warmed the JVM answered in 20 s, and after this
 * warm-up in 18.5–24.6 s (three runs, `npm run bench`'s E). In AWS nothing of
 * this exists: DynamoDB is warm and on its own machines. So the runtime pays the JIT's price
 * once, up front, on a scratch table shaped like the template's (same keys and indexes; not its
 * stream, see below), with the requests the functions send (conditional transactions, batch writes, reads, queries,
 * conditional updates), and drops the table. The tests do not warm up: their stacks are small.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../../lib/concurrency.ts';
import { type CfnTableProperties, createTableInput } from './resources.ts';

export interface WarmUpOptions {
  /**
   * Shipment-sized items written in batches, as many small conditional ones in transactions, and
   * a fifth as many reporter steps. 5,000 takes ~9 s on the 2-core machine (a fresh JVM).
   */
  items?: number;
  log?: (message: string) => void;
}

export interface WarmUpResult {
  /** The scratch table (deleted again). */
  tableName: string;
  ms: number;
}

export const WARM_UP_ITEMS = 5_000;
const TRANSACTION_ITEMS = 100;
const BATCH_ITEMS = 25;
/** Reporter steps (a read, a two-item transaction, every fifth a bare update) per item written. */
const REPORTER_STEPS_PER_ITEM = 0.2;

/** Runs the warm-up on a scratch table with `props`' keys and indexes (never its stream), then drops it. */
export async function warmUpDynamoDbLocal(
  client: DynamoDBClient,
  props: CfnTableProperties,
  options: WarmUpOptions = {},
): Promise<WarmUpResult> {
  const startedAt = Date.now();
  const count = options.items ?? WARM_UP_ITEMS;
  const tableName = `warm-up-${randomUUID()}`;
  // Without the stream: DynamoDB Local keeps a deleted table's stream records (as AWS does for
  // 24 h) in the store every stream shares, and its stream writes and reads grow slower with them.
  // Measured: after a warm-up on a table with a stream, the SQLite thread ran flat out and the E
  // scenario's POST took over 120 s.
  const { StreamSpecification: _stream, ...shape } = props;
  await client.send(new CreateTableCommand(createTableInput(tableName, shape)));
  const doc = DynamoDBDocumentClient.from(client);
  try {
    const [partitionKey, sortKey] = keyNames(props.KeySchema);
    const indexes = (props.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: keyNames(index.KeySchema),
    }));
    // Index keys of type N get numbers, the others strings.
    const numeric = new Set(
      props.AttributeDefinitions.filter((definition) => definition.AttributeType === 'N').map(
        (definition) => definition.AttributeName,
      ),
    );
    const indexValue = (name: string, indexName: string, shard: number, n: number) =>
      numeric.has(name) ? n : `${indexName}#${shard}#${n}`;
    const key = (prefix: string, n: number) => ({
      [partitionKey]: `${prefix}#${n}`,
      ...(sortKey ? { [sortKey]: 'WARM' } : {}),
    });
    // A shipment-like item: nested maps and lists of strings and numbers, every index's keys set.
    const item = (n: number) => ({
      ...key('S', n),
      ...Object.fromEntries(
        indexes.flatMap((index) => index.keys.map((name) => [name, indexValue(name, index.name, n % 16, n)])),
      ),
      kind: 'WARM_UP',
      version: 1,
      status: 'RECEIVED',
      input: {
        shipmentNumber: `WARM${n}`,
        consignee: { name: 'Warm Up', address: { street: 'Gate 1', postcode: '0150', city: 'Oslo' } },
        items: Array.from({ length: 3 }, (_, line) => ({
          commodityCode: '610910',
          description: `line ${line}`,
          unitValueNok: 199.5 + line,
          quantity: line + 1,
        })),
      },
      report: { phase: 'PENDING', seq: 0, attempts: 0 },
    });
    const numbers = Array.from({ length: count }, (_, n) => n);
    const groups = (size: number) =>
      Array.from({ length: Math.ceil(count / size) }, (_, g) => numbers.slice(g * size, (g + 1) * size));

    // The intake: conditional claims in transactions, then the shipments in batches.
    await mapBounded(groups(TRANSACTION_ITEMS), DEFAULT_IO_CONCURRENCY, (group) =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: group.map((n) => ({
            Put: {
              TableName: tableName,
              Item: { ...key('C', n), kind: 'WARM_UP_CLAIM', claimedAt: new Date().toISOString() },
              ConditionExpression: `attribute_not_exists(${partitionKey}) OR kind = :kind`,
              ExpressionAttributeValues: { ':kind': 'WARM_UP_CLAIM' },
            },
          })),
        }),
      ),
    );
    await mapBounded(groups(BATCH_ITEMS), DEFAULT_IO_CONCURRENCY, (group) =>
      doc.send(
        new BatchWriteCommand({
          RequestItems: { [tableName]: group.map((n) => ({ PutRequest: { Item: item(n) } })) },
        }),
      ),
    );
    // The reporter: reads, conditional updates and small transactions of an update and a put.
    // Small transactions cost DynamoDB Local ~3 ms each, serially: a fifth of the items is enough.
    const steps = numbers.slice(0, Math.ceil(count * REPORTER_STEPS_PER_ITEM));
    await mapBounded(steps, DEFAULT_IO_CONCURRENCY, async (n) => {
      await doc.send(new GetCommand({ TableName: tableName, Key: key('S', n), ConsistentRead: true }));
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: key('S', n),
                UpdateExpression: 'SET report = :report, version = version + :one, #status = :status',
                ConditionExpression: `attribute_exists(${partitionKey}) AND report.seq = :seq`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':report': { phase: 'SUBMITTED', seq: 1, attempts: 1, requestId: `r${n}` },
                  ':one': 1,
                  ':status': 'SUBMITTED',
                  ':seq': 0,
                },
              },
            },
            { Put: { TableName: tableName, Item: { ...key('E', n), kind: 'WARM_UP_EVENT', at: n } } },
          ],
        }),
      );
      if (n % 5 === 0) {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key('B', n % 2),
            UpdateExpression: 'SET tat = if_not_exists(tat, :zero) + :span',
            ExpressionAttributeValues: { ':zero': 0, ':span': 50 },
          }),
        );
      }
    });
    // The reads of the API and the sweep: batch gets and a page of every index.
    await mapBounded(groups(100), DEFAULT_IO_CONCURRENCY, (group) =>
      doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: group.map((n) => key('S', n)) } } }),
      ),
    );
    await mapBounded(
      indexes.flatMap((index) => Array.from({ length: 16 }, (_, shard) => ({ index, shard }))),
      DEFAULT_IO_CONCURRENCY,
      ({ index, shard }) => {
        const [indexPartition] = index.keys;
        return doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': indexPartition ?? partitionKey },
            ExpressionAttributeValues: {
              ':pk': indexValue(indexPartition ?? partitionKey, index.name, shard, shard),
            },
            Limit: 100,
          }),
        );
      },
    );
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  }
  const ms = Date.now() - startedAt;
  options.log?.(
    `DynamoDB Local warmed up in ${(ms / 1000).toFixed(1)} s (${count} items on a scratch table)`,
  );
  return { tableName, ms };
}

function keyNames(schema: CfnTableProperties['KeySchema']): [string, ...string[]] {
  const hash = schema.find((element) => element.KeyType === 'HASH')?.AttributeName;
  if (!hash) throw new Error('a key schema without a HASH key');
  const range = schema.find((element) => element.KeyType === 'RANGE')?.AttributeName;
  return range ? [hash, range] : [hash];
}
