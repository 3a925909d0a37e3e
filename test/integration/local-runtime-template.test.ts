/**
 * The local runtime's machinery against a tiny hand-written app (support/tiny-app.ts): intrinsics
 * and cross-stack imports, per-function environments, timeouts, concurrency, the SQS event source
 * with partial batch failures and the DLQ, schedules, and API Gateway's routing and authorizer.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localSqsClient } from '../../local/runtime/aws.ts';
import { LambdaInvocationError, type LocalStack, startLocalStack } from '../../local/runtime/index.ts';
import { TINY_AUTH_TOKEN, writeTinyApp } from './support/tiny-app.ts';

let stack: LocalStack;
let sqs: SQSClient;
let app: { cdkOut: string; recordFile: string };

beforeAll(async () => {
  app = writeTinyApp();
  stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: app.cdkOut,
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    namePrefix: `tiny-${randomUUID().slice(0, 8)}-`,
    extraEnv: { RECORD_FILE: app.recordFile, EXTRA: 'from-options' },
    log: () => {},
    functionLogs: false,
  });
  sqs = localSqsClient(stack.sqsEndpoint);
});

afterAll(async () => {
  await stack?.stop();
  sqs?.destroy();
  if (app) rmSync(app.cdkOut, { recursive: true, force: true });
});

const records = (): SQSRecord[] =>
  existsSync(app.recordFile)
    ? readFileSync(app.recordFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SQSRecord)
    : [];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function dlqBodies(expected: number): Promise<string[]> {
  const bodies: string[] = [];
  return waitFor(`${expected} DLQ message(s)`, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.Dlq?.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    bodies.push(...Messages.map((message) => message.Body ?? ''));
    return bodies.length >= expected ? bodies : undefined;
  });
}

describe('local runtime: template resolution and function environments', () => {
  it('resolves intrinsics and cross-stack imports into the environment, per function', async () => {
    const env = (await stack.invoke('Worker', { action: 'env' })) as Record<string, string>;
    expect(env.QUEUE_URL).toBe(stack.queues.Work?.url);
    expect(env.QUEUE_ARN).toBe(stack.queues.Work?.arn);
    expect(env.SUB).toMatch(
      /^eu-north-1\/000000000000\/hej\/arn:aws:iam::000000000000:role\/Tiny-App-Role\/\$\{Literal\}$/,
    );
    expect(env.SELECTED).toBe('b');
    expect(env.JOINED).toBe('x-aws-amazonaws.com');
    expect(env.WHERE).toBe('local');
    expect(env).not.toHaveProperty('OMITTED');
    expect(env).toMatchObject({
      OWN_NAME: 'worker-only',
      EXTRA: 'from-options',
      AWS_REGION: 'eu-north-1',
      AWS_LAMBDA_FUNCTION_NAME: stack.functions.Worker?.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_ENDPOINT_URL_SQS: stack.sqsEndpoint,
    });
    // Nothing leaks between functions (worker threads would otherwise share process.env).
    const other = stack.functions.Authorizer?.environment;
    expect(other?.OWN_NAME).toBe('authorizer-only');
    expect(other).not.toHaveProperty('QUEUE_URL');
  });

  it('gives the handler a Lambda context with the remaining time of its timeout', async () => {
    const result = (await stack.invoke('Worker', { action: 'remaining' })) as {
      remaining: number;
      name: string;
    };
    expect(result.name).toBe(stack.functions.Worker?.functionName);
    expect(result.remaining).toBeGreaterThan(0);
    expect(result.remaining).toBeLessThanOrEqual(2000);
  });

  it('stops an invocation at the function timeout and starts a fresh environment after it', async () => {
    const timedOut = await stack.invoke('Worker', { action: 'sleep', ms: 10_000 }).catch((error) => error);
    expect(timedOut).toBeInstanceOf(LambdaInvocationError);
    expect((timedOut as LambdaInvocationError).error.errorType).toBe('Sandbox.Timedout');
    expect(await stack.invoke('Worker', { action: 'remaining' })).toMatchObject({ name: expect.any(String) });
  });

  it('runs invocations of one function concurrently', async () => {
    const [a, b] = (await Promise.all([
      stack.invoke('Worker', { action: 'sleep', ms: 400 }),
      stack.invoke('Worker', { action: 'sleep', ms: 400 }),
    ])) as Array<{ start: number; end: number }>;
    if (!a || !b) throw new Error('missing results');
    // Overlapping intervals: each started before the other ended.
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
  });
});

describe('local runtime: SQS event source', () => {
  it('deletes the successes, keeps reported failures until the DLQ takes them', async () => {
    const url = stack.queues.Work?.url;
    for (const body of ['ok-1', 'ok-2', 'fail-1']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: body.split('-')[0] } },
        }),
      );
    }
    expect(await dlqBodies(1)).toEqual(['fail-1']);
    await stack.drainQueues({ timeoutMs: 30_000 });

    const seen = records();
    const bodies = (body: string) => seen.filter((record) => record.body === body);
    expect(bodies('ok-1')).toHaveLength(1);
    expect(bodies('ok-2')).toHaveLength(1);
    // maxReceiveCount 2: received twice, then redriven.
    expect(bodies('fail-1').map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    const [first] = seen;
    expect(first).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: stack.queues.Work?.arn,
      awsRegion: 'eu-north-1',
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      attributes: { SentTimestamp: expect.any(String), ApproximateFirstReceiveTimestamp: expect.any(String) },
      messageAttributes: {
        kind: { dataType: 'String', stringValue: expect.any(String), stringListValues: [] },
      },
    });
  });

  it('deletes nothing when the function fails', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.Work?.url, MessageBody: 'throw' }));
    expect(await dlqBodies(1)).toContain('throw');
    expect(records().filter((record) => record.body === 'throw')).toHaveLength(2);
  });
});

describe('local runtime: schedules', () => {
  it('fires a rule on demand with a scheduled event, also over HTTP', async () => {
    const [result] = await stack.runSchedules();
    expect(result).toMatchObject({
      rule: 'Nightly',
      function: 'Worker',
      ok: true,
      result: {
        scheduled: true,
        type: 'Scheduled Event',
        resources: [expect.stringMatching(/:rule\/Tiny-App-Nightly$/)],
      },
    });
    const response = await fetch(`${stack.apiUrl}/__local/schedules/run`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ results: [{ rule: 'Nightly', ok: true }] });
  });
});

describe('local runtime: HTTP API', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.apiUrl}${path}`, { headers: { authorization: TINY_AUTH_TOKEN, ...headers } });

  it('builds a payload 2.0 event with path and query parameters, cookies and the authorizer context', async () => {
    const response = await get('/items/a%20b?x=1&x=2&y=z', { cookie: 'c1=v1; c2=v2', 'x-multi': 'one' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-echo')).toBe('yes');
    const event = (await response.json()) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1&x=2&y=z',
      cookies: ['c1=v1', 'c2=v2'],
      pathParameters: { id: 'a b' },
      queryStringParameters: { x: '1,2', y: 'z' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        stage: '$default',
        routeKey: 'GET /items/{id}',
        http: { method: 'GET', path: '/items/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        authorizer: { lambda: { who: 'tester' } },
      },
    });
    expect(event.headers).toMatchObject({ authorization: TINY_AUTH_TOKEN, 'x-multi': 'one' });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event).not.toHaveProperty('body');
  });

  it('caches the authorizer answer per identity for its TTL', async () => {
    const contexts = [];
    for (let i = 0; i < 3; i++) {
      const event = (await (await get('/items/cached')).json()) as {
        requestContext: { authorizer: { lambda: { seen: number } } };
      };
      contexts.push(event.requestContext.authorizer.lambda.seen);
    }
    expect(new Set(contexts).size).toBe(1);
  });

  it('answers 401 without the identity header and 403 when the authorizer denies', async () => {
    const missing = await fetch(`${stack.apiUrl}/items/1`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'Unauthorized' });
    const denied = await get('/items/1', { authorization: 'Bearer not-the-right-token' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'Forbidden' });
  });

  it('selects the most specific route: exact over variables over greedy', async () => {
    const exact = (await (await fetch(`${stack.apiUrl}/items/special`)).json()) as { routeKey: string };
    expect(exact.routeKey).toBe('GET /items/special');
    const greedy = (await (await fetch(`${stack.apiUrl}/a/b/c`, { method: 'DELETE' })).json()) as {
      routeKey: string;
      pathParameters: Record<string, string>;
    };
    expect(greedy).toMatchObject({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'a/b/c' } });
  });

  it('passes JSON bodies as text and encoded bodies as base64', async () => {
    const text = (await (
      await fetch(`${stack.apiUrl}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      })
    ).json()) as { body: string; isBase64Encoded: boolean };
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });

    const gzipped = gzipSync('{"a":1}');
    const encoded = (await (
      await fetch(`${stack.apiUrl}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipped,
      })
    ).json()) as { body: string; isBase64Encoded: boolean };
    expect(encoded).toMatchObject({ body: gzipped.toString('base64'), isBase64Encoded: true });
  });

  it('maps a bare result to 200 JSON and a thrown error to 500', async () => {
    const bare = await fetch(`${stack.apiUrl}/bare`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('content-type')).toBe('application/json');
    expect(await bare.json()).toEqual({ hello: 'world' });
    const boom = await fetch(`${stack.apiUrl}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('refuses a body over HTTP API’s 10 MB cap with 413', async () => {
    const response = await fetch(`${stack.apiUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).toBe(413);
  });
});
