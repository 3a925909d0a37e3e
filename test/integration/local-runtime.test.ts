/**
 * The local runtime running the real synthesized app (bundled functions, both stacks) over HTTP,
 * against the run's shared DynamoDB Local and fauxqs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import { newKey } from '../../lib/domain/partner-keys.ts';
import { readCloudAssembly } from '../../local/runtime/assembly.ts';
import { localDynamoClient, localSqsClient } from '../../local/runtime/aws.ts';
import { type LocalStack, startLocalStack } from '../../local/runtime/index.ts';

const partnerId = 'runtime-test';
const key = newKey();
let stack: LocalStack;
let sqs: SQSClient;
let db: DynamoDBDocumentClient;
let reportQueueUrl: string;

interface Manifest {
  reference: string;
  transport: { estimatedArrival: string; carrier: { id: string } };
  shipments: Array<{ shipmentNumber: string }>;
}

/** The example manifest, with a unique reference and its ETA a day ahead (the fixture's date passes). */
function exampleManifest(): Manifest {
  const manifest = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as Manifest;
  manifest.reference = `LOCAL-${randomUUID()}`;
  manifest.transport.estimatedArrival = new Date(Date.now() + 24 * 3_600_000).toISOString();
  // A carrier of its own: the same numbers under one carrier are one waybill (one live house each).
  manifest.transport.carrier.id = `NO${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return manifest;
}

function bigManifest(count: number): Manifest {
  const manifest = exampleManifest();
  const [template] = manifest.shipments;
  manifest.shipments = Array.from({ length: count }, (_, i) => ({
    ...template,
    shipmentNumber: `BIG${String(i).padStart(8, '0')}SE`,
  }));
  return manifest;
}

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });

async function visibleMessages(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: inject('cdkOut'),
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    namePrefix: `rt-${randomUUID().slice(0, 8)}-`,
    scheduleEnabled: false,
    // The reporter (SQS event source on the report queue) would consume the fan-out this file
    // counts; its own path is tested with the Digitoll simulator. Nothing may reach real Digitoll.
    pollQueues: false,
    extraEnv: {
      DIGITOLL_BASE_URL: 'http://127.0.0.1:9',
      MASKINPORTEN_TOKEN_URL: 'http://127.0.0.1:9/token',
      // No Secrets Manager here: credentials that cannot make a token (the routing poller says so and stops).
      MASKINPORTEN_SECRET_ARN: '',
      MASKINPORTEN_CLIENT_ID: 'no-client',
      MASKINPORTEN_PRIVATE_KEY_PEM: '-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----',
    },
    partnerKeys: [{ partnerId, key }],
    log: () => {},
    functionLogs: false,
  });
  sqs = localSqsClient(stack.sqsEndpoint);
  db = DynamoDBDocumentClient.from(localDynamoClient(stack.dynamoEndpoint));
  const reportQueue = Object.entries(stack.queues).find(
    ([logicalId]) => logicalId.startsWith('ReportQueue') && !logicalId.includes('DeadLetter'),
  );
  if (!reportQueue) throw new Error('the template has no ReportQueue');
  reportQueueUrl = reportQueue[1].url;
});

afterAll(async () => {
  await stack?.stop();
  sqs?.destroy();
  db?.destroy();
});

describe('local runtime: the synthesized app over HTTP', () => {
  it('creates the template tables and queues, and runs every app function', () => {
    expect(Object.keys(stack.tables)).toHaveLength(1);
    expect(
      Object.keys(stack.queues)
        .sort()
        .map((id) => id.replace(/[0-9A-F]{8}$/, '')),
    ).toEqual([
      'NotificationDeadLetterQueue',
      'NotificationQueue',
      'OutboxStreamFailureQueue',
      'ReportDeadLetterQueue',
      'ReportFollowUpQueue',
      'ReportQueue',
      'UploadDeadLetterQueue',
      'UploadQueue',
    ]);
    const templateFunctions = readCloudAssembly(stack.cdkOut).flatMap((template) =>
      Object.entries(template.template.Resources ?? {})
        .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
        // CDK's own custom-resource providers (the console's BucketDeployment, the upload bucket's
        // notifications) are not app functions.
        .filter(
          ([, resource]) =>
            !/\/Custom::|\/BucketNotificationsHandler/.test(
              String(resource.Metadata?.['aws:cdk:path'] ?? ''),
            ),
        )
        .map(([logicalId]) => logicalId),
    );
    expect(Object.keys(stack.functions).sort()).toEqual(templateFunctions.sort());
    const names = Object.keys(stack.functions).map((id) => id.replace(/Fn[0-9A-F]{8}$/, ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'PartnerApiAuthorizer',
        'BorderScheduleBorderSweep',
        'PartnerApiIntake',
        'PartnerApiPublic',
        'PartnerApiRead',
        'PartnerApiChanges',
        'ReportingReporter',
        'WebhooksDeliverer',
        'WebhooksOutboxStream',
      ]),
    );
    // Cross-stack Fn::ImportValue resolved to the local table and queue.
    for (const fn of Object.values(stack.functions)) {
      expect(fn.environment.TABLE_NAME).toBe(Object.values(stack.tables)[0]);
      expect(fn.environment.REPORT_QUEUE_URL).toBe(reportQueueUrl);
    }
  });

  it('wires each SQS event source of the template to its queue and function', () => {
    for (const source of stack.eventSources) {
      expect(Object.keys(stack.queues)).toContain(source.queue);
      expect(Object.keys(stack.functions)).toContain(source.function);
    }
    const reporter = stack.eventSources.find((source) => source.function.startsWith('ReportingReporterFn'));
    expect(reporter).toMatchObject({ batchSize: 10, reportBatchItemFailures: true });
    expect(reporter?.queue).toMatch(/^ReportQueue/);
  });

  it('serves /health without a key', async () => {
    const response = await fetch(`${stack.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('serves the OpenAPI 3.1 contract', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain('/v1/manifests');
  });

  it('answers an unknown route with a 404 problem document (the $default route)', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: 'https://voec-border.dev/problems/no-such-operation',
      title: 'No such operation',
      status: 404,
      detail: 'This API has no operation GET /v1/nothing-here; see GET /v1/openapi.json.',
      instance: '/v1/nothing-here',
    });
  });

  it('refuses a POST without a key and with a wrong key: 401 problem documents naming Bearer', async () => {
    const body = JSON.stringify(exampleManifest());
    const missing = await fetch(`${stack.apiUrl}/v1/manifests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({
      type: 'https://voec-border.dev/problems/unauthorized',
      status: 401,
      detail: expect.stringContaining('Authorization: Bearer <key>'),
    });
    const wrong = await post('/v1/manifests', body, { authorization: `Bearer ${newKey()}` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrong.json()).toMatchObject({
      status: 401,
      detail: expect.stringMatching(/^The API key is not known, or it was revoked\. .*Bearer <key>/),
    });
  });

  it('accepts the example manifest: shipments stored in DynamoDB, five report messages queued', async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: reportQueueUrl }));
    const manifest = exampleManifest();
    const response = await post('/v1/manifests', JSON.stringify(manifest));
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      manifestId: string;
      shipments: Array<{ shipmentNumber: string; status: string }>;
    };
    expect(body.shipments).toHaveLength(3);
    expect(body.shipments.map((shipment) => shipment.status)).toEqual(['RECEIVED', 'RECEIVED', 'RECEIVED']);

    const tableName = Object.values(stack.tables)[0];
    for (const { shipmentNumber } of manifest.shipments) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.shipment(partnerId, shipmentNumber, body.manifestId),
        }),
      );
      expect(Item?.shipmentNumber).toBe(shipmentNumber);
    }
    // 1 transport + 1 master + 3 houses; nothing consumes the queue yet.
    expect(await visibleMessages(reportQueueUrl)).toBe(5);

    const read = await fetch(`${stack.apiUrl}/v1/manifests/${body.manifestId}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(read.status).toBe(200);
  });

  it('lets two requests run at the same time (a pool of environments per function)', async () => {
    const manifest = JSON.stringify(exampleManifest());
    const [first, second] = await Promise.all([
      post('/v1/manifests', manifest),
      post('/v1/manifests', manifest),
    ]);
    const statuses = [first?.status, second?.status];
    // The same reference twice at once: the intake's idempotency decides, never a gateway error.
    for (const status of statuses) expect(status).toBeLessThan(500);
    expect(statuses).toContain(202);
  });

  it('refuses a body over the 3 MB limit with 413 problem+json, and accepts it gzipped', async () => {
    // Indented like many partners send it: ~8.4 MB, under HTTP API's 10 MB but too large for the function's event.
    const json = JSON.stringify(bigManifest(10_000), null, 1);
    expect(Buffer.byteLength(json)).toBeGreaterThan(6 * 1024 * 1024);
    expect(Buffer.byteLength(json)).toBeLessThan(10 * 1024 * 1024);

    const tooLarge = await post('/v1/manifests', json);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await tooLarge.json()) as {
      type: string;
      title: string;
      status: number;
      detail: string;
    };
    expect(problem.status).toBe(413);
    expect(problem.type).toMatch(/payload-too-large/);
    expect(problem.detail).toMatch(/gzip/);

    // The 10,000-shipment acceptance test, through the real runtime.
    const accepted = await post('/v1/manifests', gzipSync(json), { 'content-encoding': 'gzip' });
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { counts: Record<string, number>; shipments: unknown[] };
    expect(body.shipments).toHaveLength(10_000);
    expect(body.counts.RECEIVED).toBe(10_000);
  });

  it('runs the schedules on demand and answers once the scheduled function finished', async () => {
    const response = await fetch(`${stack.apiUrl}/__local/schedules/run`, { method: 'POST' });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as {
      results: Array<{ rule: string; function: string; ok: boolean; result?: Record<string, unknown> }>;
    };
    // Two rules: the border sweep and the routing poller (issue #10).
    expect(results).toHaveLength(2);
    const sweep = results.find((r) => r.function.startsWith('BorderScheduleBorderSweepFn'));
    expect(sweep).toMatchObject({ ok: true, result: { stalledIntakes: expect.any(Object) } });
    expect(sweep?.rule).toMatch(/^BorderSchedule/);
    const routing = results.find((r) => r.function.startsWith('RoutingPollerFn'));
    // Digitoll is unreachable here: the run stops before the first page and says why.
    expect(routing).toMatchObject({
      ok: true,
      result: { skipped: false, pages: 0, stoppedBecause: expect.stringContaining('no Customs token') },
    });
    expect(routing?.rule).toMatch(/^RoutingPoller/);
  });

  it('shows the queues with their approximate counts', async () => {
    const response = await fetch(`${stack.apiUrl}/__local/queues`);
    expect(response.status).toBe(200);
    const { queues } = (await response.json()) as { queues: Array<{ name: string; visible: number }> };
    expect(queues.map((queue) => queue.name)).toEqual(
      expect.arrayContaining(Object.values(stack.queues).map((queue) => queue.name)),
    );
  });
});
