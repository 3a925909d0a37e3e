/**
 * The stream poller on its own against DynamoDB Local's real stream: a fake invoker that records
 * what it is handed. It must deliver every record, in order, and poll at Lambda's pace (a round
 * over the open shards at most every 250 ms) even while records keep coming, so that it does not
 * take DynamoDB Local's CPU from the writers (#14).
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../../local/runtime/aws.ts';
import { StreamPoller } from '../../local/runtime/stream-poller.ts';

let dynamo: DynamoDBClient;
beforeAll(() => {
  dynamo = localDynamoClient(inject('dynamoEndpoint'));
});
afterAll(() => dynamo?.destroy());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the local stream poller', () => {
  it('delivers every record in write order and polls each shard at most 4 times a second while writes keep coming', async () => {
    const endpoint = inject('dynamoEndpoint');
    const tableName = `stream-poller-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const created = await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
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
    const streamArn = created.TableDescription?.LatestStreamArn ?? '';
    expect(streamArn).not.toBe('');
    const delivered: string[] = [];
    const poller = new StreamPoller(
      endpoint,
      {
        logicalId: 'TestMapping',
        functionLogicalId: 'Fn',
        streamArn,
        localStreamArn: streamArn,
        batchSize: 100,
        filters: [],
        bisectOnError: false,
        maximumRetryAttempts: 0,
      },
      async (event: DynamoDBStreamEvent) => {
        for (const record of event.Records) delivered.push(record.dynamodb?.Keys?.pk?.S ?? '?');
        return { status: 'ok', requestId: 'r', payload: 'null' };
      },
    );
    const streams = new DynamoDBStreamsClient({
      region: LOCAL_REGION,
      endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      poller.start();
      const started = Date.now();
      // 40 batches of 25, one after another, with a pause between them: records keep arriving for
      // at least 40 × 50 ms = 2 s, so an unpaced poller would call GetRecords far more often.
      const written: string[] = [];
      for (let batch = 0; batch < 40; batch++) {
        const keys = Array.from({ length: 25 }, (_, i) => `item#${String(batch * 25 + i).padStart(4, '0')}`);
        written.push(...keys);
        await dynamo.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [tableName]: keys.map((pk) => ({ PutRequest: { Item: { pk: { S: pk }, sk: { S: 'x' } } } })),
            },
          }),
        );
        await sleep(50);
      }
      const deadline = Date.now() + 20_000;
      while (delivered.length < 1000 && Date.now() < deadline) await sleep(50);
      const elapsedMs = Date.now() - started;
      const polls = poller.polls;
      await poller.stop();
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const shards = StreamDescription?.Shards?.length ?? 0;

      expect(written).toHaveLength(1000);
      expect(delivered).toHaveLength(1000);
      // One table, written in this order; DynamoDB Local keeps it in one shard here, so the order holds.
      expect(shards).toBe(1);
      expect(delivered).toEqual(written);
      expect(delivered[0]).toBe('item#0000');
      expect(delivered[999]).toBe('item#0999');
      // At most one GetRecords per shard per 250 ms round, plus the round already under way.
      expect(polls).toBeLessThanOrEqual(shards * (Math.floor(elapsedMs / 250) + 1));
      expect(polls).toBeGreaterThan(0);
    } finally {
      await poller.stop();
      streams.destroy();
      await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    }
  }, 60_000);
});
