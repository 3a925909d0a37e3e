/**
 * A quick probe (#14), not part of `npm run bench`: how much a stream poller slows writes to a
 * stream-enabled table in DynamoDB Local. Writes N items in BatchWriteItem calls of 25 to each of
 * T fresh tables while a poller reads the stream: `none` (no poller), `hammer` (GetRecords again at
 * once while records come, as the local runtime did), `paced` (a round every 250 ms, as Lambda).
 *   node bench/stream-probe.ts paced 10000 1
 * Prints one JSON line per table (stats are cumulative over the tables).
 */
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { startDynamoDbLocal } from '../local/emulators.ts';

const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
const mode = process.argv[2] ?? 'none'; // none | hammer | paced
const N = Number(process.argv[3] ?? 3000);
const tables = Number(process.argv[4] ?? 2);
const ddb = await startDynamoDbLocal();
const client = new DynamoDBClient({ region: 'eu-north-1', endpoint: ddb.endpoint, credentials: creds });
const streams = new DynamoDBStreamsClient({
  region: 'eu-north-1',
  endpoint: ddb.endpoint,
  credentials: creds,
});
const stats = { getRecords: 0, records: 0, describe: 0 };
let running = true;
async function poll(arn: string) {
  const its = new Map<string, string | undefined>();
  let last = 0;
  while (running) {
    if (Date.now() - last > 5000) {
      const d = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      stats.describe++;
      for (const s of d.StreamDescription?.Shards ?? []) {
        if (!s.ShardId || its.has(s.ShardId)) continue;
        const r = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: s.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        its.set(s.ShardId, r.ShardIterator);
      }
      last = Date.now();
    }
    let got = false;
    for (const [id, it] of its) {
      if (!it) continue;
      const p = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
      stats.getRecords++;
      its.set(id, p.NextShardIterator);
      if (p.Records?.length) {
        got = true;
        stats.records += p.Records.length;
      }
    }
    if (mode === 'paced' || !got) await new Promise((r) => setTimeout(r, 250));
  }
  return its.size;
}
for (let t = 0; t < tables; t++) {
  const name = `table${t}`;
  const created = await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }),
  );
  const arn = created.TableDescription?.LatestStreamArn ?? '';
  running = true;
  const poller = mode === 'none' ? Promise.resolve(0) : poll(arn);
  const started = Date.now();
  const blocks: number[] = [];
  const pad = 'x'.repeat(800);
  for (let i = 0; i < N; i += 25) {
    const items = Array.from({ length: Math.min(25, N - i) }, (_, j) => ({
      PutRequest: { Item: { pk: { S: `m#${i + j}` }, sk: { S: 'h' }, pad: { S: pad } } },
    }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: items } }));
    if ((i + 25) % 3000 === 0) blocks.push(Date.now() - started - blocks.reduce((a, b) => a + b, 0));
  }
  const ms = Date.now() - started;
  await new Promise((r) => setTimeout(r, mode === 'none' ? 0 : 1500));
  running = false;
  const shards = await poller;
  console.log(
    JSON.stringify({ mode, table: name, items: N, writeMs: ms, blockMs: blocks, shards, ...stats }),
  );
}
await ddb.stop();
process.exit(0);
