/**
 * The bench's latency-only endpoint (bench/latency-only.ts): the floor's requests through the real
 * SDK clients, answered as successes after the AWS profile's latency, and anything else refused,
 * so the "no service time" floor can never time a request it does not understand as free.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencyOf } from '../../bench/aws-latency.ts';
import { type LatencyOnlyEndpoint, startLatencyOnlyEndpoint } from '../../bench/latency-only.ts';

const config = { region: 'eu-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
let latencyOnly: LatencyOnlyEndpoint;
let dynamo: DynamoDBClient;
let document: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  latencyOnly = await startLatencyOnlyEndpoint();
  dynamo = new DynamoDBClient({ ...config, endpoint: latencyOnly.endpoint, maxAttempts: 1 });
  document = DynamoDBDocumentClient.from(dynamo);
  sqs = new SQSClient({ ...config, endpoint: latencyOnly.endpoint, md5: false, maxAttempts: 1 });
});
afterAll(async () => {
  dynamo.destroy();
  sqs.destroy();
  await latencyOnly.close();
});

describe('the latency-only endpoint', () => {
  it("answers a BatchWriteItem with nothing unprocessed, no sooner than its profile's latency", async () => {
    const started = performance.now();
    const answer = await document.send(
      new BatchWriteCommand({ RequestItems: { t: [{ PutRequest: { Item: { pk: 'a', sk: 'b' } } }] } }),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(latencyOf('dynamodb', 'BatchWriteItem'));
    expect(answer.UnprocessedItems).toEqual({});
  });

  it('answers a TransactWriteItems as committed', async () => {
    const answer = await document.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a', sk: 'b' } } }] }),
    );
    expect(answer.$metadata.httpStatusCode).toBe(200);
  });

  it('answers a SendMessageBatch with every entry successful, by its Id', async () => {
    const answer = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: 'http://queue.localhost/000000000000/q',
        Entries: [
          { Id: 'first', MessageBody: '{}' },
          { Id: 'second', MessageBody: '{}' },
        ],
      }),
    );
    expect(answer.Successful?.map(({ Id }) => Id)).toEqual(['first', 'second']);
    expect(answer.Failed).toEqual([]);
  });

  it('refuses an operation the floor does not send', async () => {
    await expect(
      dynamo.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } })),
    ).rejects.toThrow(/latency-only: DynamoDB_20120810.GetItem/);
  });
});
