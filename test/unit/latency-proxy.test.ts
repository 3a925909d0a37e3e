import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AWS_LATENCY,
  latencyOf,
  latencyTableRows,
  OTHER_OPERATION_LATENCY,
} from '../../bench/aws-latency.ts';
import {
  dynamoDbOperation,
  fauxqsOperation,
  type LatencyProxy,
  type RequestFacts,
  s3Operation,
  sqsOperation,
  startLatencyProxy,
} from '../../bench/latency-proxy.ts';

const facts = (
  method: string,
  url: string,
  headers: IncomingHttpHeaders = {},
  body?: string,
): RequestFacts => ({
  method,
  url,
  headers: { host: '127.0.0.1:4566', ...headers },
  ...(body !== undefined ? { body } : {}),
});

describe('operation recognition', () => {
  it('DynamoDB: the X-Amz-Target of the JSON protocol', () => {
    expect(
      dynamoDbOperation(facts('POST', '/', { 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' })),
    ).toEqual({ service: 'dynamodb', operation: 'BatchWriteItem' });
    expect(dynamoDbOperation(facts('POST', '/')).operation).toBe('unknown');
  });

  it('SQS: the JSON protocol target, or Action= of the query protocol (body or query string)', () => {
    expect(sqsOperation(facts('POST', '/', { 'x-amz-target': 'AmazonSQS.SendMessageBatch' }))).toEqual({
      service: 'sqs',
      operation: 'SendMessageBatch',
    });
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    expect(
      sqsOperation(facts('POST', '/000000000000/q', form, 'Action=DeleteMessageBatch&Version=2012-11-05')),
    ).toEqual({ service: 'sqs', operation: 'DeleteMessageBatch' });
    expect(
      sqsOperation(facts('GET', '/000000000000/q?Action=ReceiveMessage&MaxNumberOfMessages=10'))?.operation,
    ).toBe('ReceiveMessage');
    expect(sqsOperation(facts('PUT', '/bucket/key'))).toBeUndefined();
  });

  it('S3: method and path, path-style and virtual-hosted', () => {
    const op = (method: string, url: string, headers: IncomingHttpHeaders = {}) =>
      s3Operation(facts(method, url, headers)).operation;
    expect(op('PUT', '/uploads/partner/file.csv')).toBe('PutObject');
    expect(op('GET', '/uploads/partner/file.csv')).toBe('GetObject');
    expect(op('HEAD', '/uploads/file.csv')).toBe('HeadObject');
    expect(op('DELETE', '/uploads/file.csv')).toBe('DeleteObject');
    expect(op('PUT', '/uploads/file.csv?partNumber=2&uploadId=abc')).toBe('UploadPart');
    expect(op('POST', '/uploads/file.csv?uploads')).toBe('CreateMultipartUpload');
    expect(op('POST', '/uploads/file.csv?uploadId=abc')).toBe('CompleteMultipartUpload');
    expect(op('PUT', '/uploads/copy.csv', { 'x-amz-copy-source': '/uploads/file.csv' })).toBe('CopyObject');
    expect(op('PUT', '/uploads')).toBe('CreateBucket');
    expect(op('GET', '/uploads?list-type=2&prefix=p/')).toBe('ListObjectsV2');
    expect(op('POST', '/uploads?delete')).toBe('DeleteObjects');
    expect(op('GET', '/')).toBe('ListBuckets');
    expect(op('GET', '/file.csv', { host: 'uploads.s3.localhost:4566' })).toBe('GetObject');
    expect(op('PUT', '/', { host: 'uploads.s3.localhost:4566' })).toBe('CreateBucket');
  });

  it('fauxqs: SQS when the request says so, otherwise S3', () => {
    expect(fauxqsOperation(facts('POST', '/', { 'x-amz-target': 'AmazonSQS.ReceiveMessage' }))).toEqual({
      service: 'sqs',
      operation: 'ReceiveMessage',
    });
    expect(fauxqsOperation(facts('PUT', '/uploads/a.csv'))).toEqual({
      service: 's3',
      operation: 'PutObject',
    });
  });

  it('the table: listed operations have their figure and a source, the rest the service default', () => {
    expect(latencyOf('dynamodb', 'BatchWriteItem')).toBe(AWS_LATENCY.dynamodb.BatchWriteItem.ms);
    expect(latencyOf('sqs', 'SendMessageBatch')).toBe(AWS_LATENCY.sqs.SendMessageBatch.ms);
    expect(latencyOf('dynamodb', 'CreateTable')).toBe(OTHER_OPERATION_LATENCY.dynamodb.ms);
    expect(latencyOf('s3', 'toString')).toBe(OTHER_OPERATION_LATENCY.s3.ms);
    for (const row of latencyTableRows()) {
      expect(row.ms).toBeGreaterThan(0);
      expect(row.source.length).toBeGreaterThan(20);
    }
  });
});

describe('the latency proxy', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An upstream that answers every request at once (echoing the body), recording what it saw. */
  async function upstream(answer?: (headers: IncomingHttpHeaders) => string): Promise<{
    url: string;
    seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; at: number }>;
  }> {
    const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; at: number }> = [];
    const server: Server = createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        at: performance.now(),
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-upstream': 'yes' });
        res.end(answer ? answer(req.headers) : Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  async function proxy(options: Parameters<typeof startLatencyProxy>[0]): Promise<LatencyProxy> {
    const started = await startLatencyProxy(options);
    cleanups.push(() => started.close());
    return started;
  }

  it('delays every request independently: 20 concurrent requests take one latency, not twenty', async () => {
    const target = await upstream();
    const front = await proxy({
      upstream: target.url,
      recognise: () => ({ service: 'dynamodb', operation: 'X' }),
      latencyMs: () => 150,
    });
    const started = performance.now();
    const times = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(front.url, { method: 'POST', body: `request ${i}` });
        expect(await response.text()).toBe(`request ${i}`);
        return performance.now() - started;
      }),
    );
    expect(Math.min(...times)).toBeGreaterThanOrEqual(145);
    // One after the other they would take 20 × 150 = 3,000 ms; a loaded machine adds some, not that.
    expect(Math.max(...times)).toBeLessThan((150 * 20) / 2);
    expect(front.stats()).toMatchObject({
      requests: 20,
      byOperation: { 'dynamodb.X': 20 },
      injectedMs: 3000,
    });
  });

  it('applies each operation its own latency, and a fast one is not held behind a slow one', async () => {
    const target = await upstream();
    const front = await proxy({
      upstream: target.url,
      recognise: dynamoDbOperation,
      latencyMs: (op) => (op.operation === 'Slow' ? 300 : 10),
    });
    const call = async (operation: string) => {
      const started = performance.now();
      await (
        await fetch(front.url, {
          method: 'POST',
          headers: { 'x-amz-target': `DynamoDB_20120810.${operation}` },
        })
      ).text();
      return performance.now() - started;
    };
    const [slow, fast] = await Promise.all([call('Slow'), call('Fast')]);
    expect(slow).toBeGreaterThanOrEqual(295);
    // Held behind the slow one it would take ≥ 300 ms too.
    expect(fast).toBeLessThan(slow - 100);
  });

  it('recognises what the SDK clients of this project actually send', async () => {
    const target = await upstream((headers) =>
      String(headers['x-amz-target']).startsWith('AmazonSQS') ? '{"Successful":[],"Failed":[]}' : '{}',
    );
    const dynamoFront = await proxy({
      upstream: target.url,
      recognise: dynamoDbOperation,
      latencyMs: () => 0,
    });
    const sqsFront = await proxy({ upstream: target.url, recognise: fauxqsOperation, latencyMs: () => 0 });
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamo = new DynamoDBClient({ region: 'eu-north-1', endpoint: dynamoFront.url, credentials });
    const sqs = new SQSClient({ region: 'eu-north-1', endpoint: sqsFront.url, credentials });
    cleanups.push(async () => {
      dynamo.destroy();
      sqs.destroy();
    });
    await dynamo.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    // A queue URL naming another port (fauxqs's own) still goes to the configured endpoint.
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: 'http://sqs.eu-north-1.localhost:59999/000000000000/q',
        Entries: [{ Id: 'a', MessageBody: 'x' }],
      }),
    );
    expect(dynamoFront.stats().byOperation).toEqual({ 'dynamodb.GetItem': 1 });
    expect(sqsFront.stats().byOperation).toEqual({ 'sqs.SendMessageBatch': 1 });
    // Forwarded as sent: the signed Host header and the target.
    expect(target.seen.map((request) => request.headers['x-amz-target'])).toEqual([
      'DynamoDB_20120810.GetItem',
      'AmazonSQS.SendMessageBatch',
    ]);
    expect(target.seen[0]?.headers.host).toBe(new URL(dynamoFront.url).host);
  });

  it('streams a large body through unchanged, and reads a form body to find Action=', async () => {
    const target = await upstream();
    const front = await proxy({ upstream: target.url, recognise: fauxqsOperation, latencyMs: () => 5 });
    const body = randomBytes(3 * 1024 * 1024);
    const echoed = Buffer.from(
      await (await fetch(`${front.url}/bucket/big.bin`, { method: 'PUT', body })).arrayBuffer(),
    );
    expect(echoed.equals(body)).toBe(true);
    const form = 'Action=SendMessage&QueueUrl=x&MessageBody=hello';
    const answer = await fetch(`${front.url}/000000000000/q`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(await answer.text()).toBe(form);
    expect(answer.headers.get('x-upstream')).toBe('yes');
    expect(front.stats().byOperation).toEqual({ 's3.PutObject': 1, 'sqs.SendMessage': 1 });
  });

  it('answers 502 when the upstream is down', async () => {
    const front = await proxy({
      upstream: 'http://127.0.0.1:9',
      recognise: () => ({ service: 'sqs', operation: 'X' }),
      latencyMs: () => 0,
    });
    const response = await fetch(front.url);
    expect(response.status).toBe(502);
    await response.text();
  });
});
