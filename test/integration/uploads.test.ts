/**
 * Bulk uploads against the real emulators: the upload routes of the intake handler, a PUT to the
 * presigned URL (fauxqs S3, path-style, as `curl -T` does it), the processor's domain with its real
 * adapters (DynamoDB Local, fauxqs S3 and SQS), and a processor killed mid-file that resumes.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoIntakeStore } from '../../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../../lib/adapters/dynamodb/table.ts';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import { DynamoUploadStore } from '../../lib/adapters/dynamodb/upload-store.ts';
import { S3UploadBucket } from '../../lib/adapters/s3/upload-bucket.ts';
import { SqsReportQueue } from '../../lib/adapters/sqs/report-queue.ts';
import { s3Client } from '../../lib/compose/uploads.ts';
import { systemClock, timeOrderedIds } from '../../lib/domain/ids.ts';
import { processUpload, type UploadDeps } from '../../lib/domain/uploads.ts';
import { drainQueue, type Env, fixture, invoke, manifestWith, setUpEnv } from './harness.ts';

let env: Env;
let deps: UploadDeps;
let handler: Parameters<typeof invoke>[0];
const bucket = `uploads-${Math.random().toString(36).slice(2, 10)}`;

beforeAll(async () => {
  env = await setUpEnv();
  const s3 = s3Client({ AWS_REGION: 'eu-north-1', AWS_ENDPOINT_URL_S3: env.sqsEndpoint });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  Object.assign(process.env, {
    UPLOAD_BUCKET_NAME: bucket,
    AWS_ENDPOINT_URL_S3: env.sqsEndpoint,
    RECORD_RETENTION_DAYS: '90',
  });
  const table = new Table({ client: env.db, tableName: env.tableName, retentionDays: 90 });
  const files = new S3UploadBucket(s3, bucket);
  deps = {
    uploads: new DynamoUploadStore(table),
    files,
    urls: files,
    intake: new DynamoIntakeStore(table),
    queue: new SqsReportQueue(env.sqs, env.queueUrl),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
  };
  handler = (await import('../../functions/http/intake.ts')).handler as unknown as typeof handler;
});

const exampleCsv = () => readFileSync(new URL('../../examples/manifest.example.csv', import.meta.url));

function csvHead(hoursAhead = 24) {
  const { transport, masterConsignment } = manifestWith({}, hoursAhead);
  return { transport, ...(masterConsignment ? { masterConsignment } : {}) };
}

async function startUpload(partnerId: string, body: Record<string, unknown>) {
  const reply = await invoke(handler, {
    routeKey: 'POST /v1/manifest-uploads',
    path: '/v1/manifest-uploads',
    partnerId,
    body,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { uploadId: string; uploadUrl: string; expiresAt: string };
}

/** What `curl -T file URL` sends: a plain PUT of the bytes. */
async function put(url: string, bytes: Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'PUT', body: bytes, headers });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function status(partnerId: string, uploadId: string) {
  return invoke(handler, {
    routeKey: 'GET /v1/manifest-uploads/{uploadId}',
    path: `/v1/manifest-uploads/${uploadId}`,
    partnerId,
    pathParameters: { uploadId },
  });
}

function csvOf(count: number): Buffer {
  const lines = readFileSync(new URL('../../examples/manifest.example.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const [header, row] = [lines[0], lines[3]] as [string, string]; // LX987654321SE: one item line
  const body = Array.from({ length: count }, (_, i) =>
    row.replace('LX987654321SE', `BULK${String(i).padStart(8, '0')}SE`),
  );
  return Buffer.from(`${[header, ...body].join('\n')}\n`);
}

describe('a CSV upload of the example', () => {
  it('is PENDING until the file is there, then COMPLETED with the statuses of the JSON example', async () => {
    const partnerId = 'upload-csv';
    const { uploadId, uploadUrl, expiresAt } = await startUpload(partnerId, {
      reference: 'UPLOAD-CSV-1',
      format: 'csv',
      ...csvHead(),
    });
    expect(uploadUrl).toContain(`/${bucket}/uploads/${partnerId}/${uploadId}`);
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect((await status(partnerId, uploadId)).body).toMatchObject({ status: 'PENDING', errors: [] });

    await put(uploadUrl, exampleCsv());
    const result = await processUpload(deps, partnerId, uploadId);
    expect(result.outcome).toBe('finished');

    const reply = await status(partnerId, uploadId);
    expect(reply.status).toBe(200);
    // The JSON example's answer (test/integration/intake.test.ts): three shipments, all RECEIVED.
    expect(reply.body).toMatchObject({
      status: 'COMPLETED',
      progress: { shipmentsRead: 3, shipmentsStored: 3, shipmentsTotal: 3 },
      counts: { RECEIVED: 3 },
      errors: [],
    });
    const manifestId = reply.body.manifestId as string;
    const manifest = await env.db.send(
      new GetCommand({ TableName: env.tableName, Key: keys.manifest(partnerId, manifestId) }),
    );
    expect(manifest.Item).toMatchObject({ intake: 'COMPLETE', reference: 'UPLOAD-CSV-1', uploadId });
    const messages = (await drainQueue(env.sqs, env.queueUrl)) as Array<{ kind: string; manifestId: string }>;
    const mine = messages.filter((m) => m.manifestId === manifestId).map((m) => m.kind);
    expect(mine.sort()).toEqual(['HOUSE', 'HOUSE', 'HOUSE', 'MASTER', 'TRANSPORT']);
    // The webhook notification waits in the outbox.
    const note = await env.db.send(
      new GetCommand({
        TableName: env.tableName,
        Key: keys.outbox(partnerId, `${uploadId}.manifest-upload.completed`),
      }),
    );
    expect(note.Item?.notification).toMatchObject({
      type: 'manifest-upload.completed',
      data: { uploadId, status: 'COMPLETED', manifestId },
    });
  });

  it('with a bad commodity code on line 3 FAILS naming line 3 and the column, and stores nothing', async () => {
    const partnerId = 'upload-csv-bad';
    const lines = exampleCsv().toString('utf8').split('\n');
    // Line 3 is RR123456785SE's second item line (commodity code 610462).
    lines[2] = (lines[2] as string).replace(',610462,', ',61046,');
    const { uploadId, uploadUrl } = await startUpload(partnerId, {
      reference: 'UPLOAD-CSV-BAD',
      format: 'csv',
      ...csvHead(),
    });
    await put(uploadUrl, Buffer.from(lines.join('\n')));
    await processUpload(deps, partnerId, uploadId);
    const reply = await status(partnerId, uploadId);
    expect(reply.body).toMatchObject({
      status: 'FAILED',
      counts: {},
      errors: [
        {
          line: 3,
          column: 'items.commodityCode',
          columnNumber: 21,
          code: 'invalid_format',
          message: 'must be exactly 6 digits (HS subheading)',
          shipmentNumber: 'RR123456785SE',
        },
      ],
    });
    expect(reply.body.manifestId).toBeUndefined();
    // The reference is still free: the corrected file can be uploaded under it.
    const claim = await env.db.send(
      new GetCommand({ TableName: env.tableName, Key: keys.idempotency(partnerId, 'UPLOAD-CSV-BAD') }),
    );
    expect(claim.Item).toBeUndefined();
  });

  it('refuses a csv upload request without its transport or master (400, with pointers)', async () => {
    const reply = await invoke(handler, {
      routeKey: 'POST /v1/manifest-uploads',
      path: '/v1/manifest-uploads',
      partnerId: 'upload-csv',
      body: { reference: 'NO-TRANSPORT', format: 'csv' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      {
        path: '/transport',
        code: 'required',
        message: 'is required for a csv upload (the CSV holds the shipments only)',
      },
      {
        path: '/masterConsignment',
        code: 'required',
        message: expect.stringContaining("houses link to the transport through the master's waybill"),
      },
    ]);
  });
});

describe('a JSON upload', () => {
  it('of the example manifest, gzip, is COMPLETED with its three RECEIVED shipments', async () => {
    const partnerId = 'upload-json';
    const manifest = manifestWith({ reference: 'UPLOAD-JSON-1' });
    const { uploadId, uploadUrl } = await startUpload(partnerId, {
      reference: 'UPLOAD-JSON-1',
      format: 'json',
      contentEncoding: 'gzip',
    });
    await put(uploadUrl, gzipSync(JSON.stringify(manifest)), { 'content-encoding': 'gzip' });
    await processUpload(deps, partnerId, uploadId);
    expect((await status(partnerId, uploadId)).body).toMatchObject({
      status: 'COMPLETED',
      counts: { RECEIVED: 3 },
      progress: { shipmentsStored: 3 },
    });
  });

  it('reports JSON pointers, and a reference other than the upload’s', async () => {
    const partnerId = 'upload-json-bad';
    const manifest = fixture();
    const second = manifest.shipments[1];
    if (!second) throw new Error('fixture');
    (second.items[0] as { commodityCode: string }).commodityCode = '95030';
    const { uploadId, uploadUrl } = await startUpload(partnerId, { reference: 'OTHER-REF', format: 'json' });
    await put(uploadUrl, Buffer.from(JSON.stringify(manifest)));
    await processUpload(deps, partnerId, uploadId);
    const { body } = await status(partnerId, uploadId);
    expect(body.status).toBe('FAILED');
    expect(body.errors).toEqual([
      { pointer: '/reference', code: 'mismatch', message: 'must be the upload\'s reference "OTHER-REF"' },
      {
        pointer: '/shipments/1/items/0/commodityCode',
        code: 'invalid_format',
        message: 'must be exactly 6 digits (HS subheading)',
      },
    ]);
  });

  it('reports a file that is not JSON', async () => {
    const partnerId = 'upload-json-broken';
    const { uploadId, uploadUrl } = await startUpload(partnerId, { reference: 'BROKEN', format: 'json' });
    await put(uploadUrl, Buffer.from('{"reference": "BROKEN", "shipments": [ {'));
    await processUpload(deps, partnerId, uploadId);
    const { body } = await status(partnerId, uploadId);
    expect(body).toMatchObject({ status: 'FAILED', errors: [{ pointer: '', code: 'invalid_json' }] });
  });
});

describe('a processor killed mid-file', () => {
  it('resumes from its checkpoint: every shipment stored once, counted once, none lost', async () => {
    const partnerId = 'upload-crash';
    const count = 1_250; // chunks of 500: 500, 500, 250
    const { uploadId, uploadUrl } = await startUpload(partnerId, {
      reference: 'UPLOAD-CRASH',
      format: 'csv',
      ...csvHead(),
    });
    await put(uploadUrl, csvOf(count));
    await drainQueue(env.sqs, env.queueUrl);

    class Killed extends Error {}
    // Dies after writing and queueing the second chunk, before its checkpoint.
    await expect(
      processUpload(deps, partnerId, uploadId, {
        afterChunkWritten: (chunk) => {
          if (chunk === 1) throw new Killed('killed');
        },
      }),
    ).rejects.toBeInstanceOf(Killed);
    const midway = (await status(partnerId, uploadId)).body;
    expect(midway).toMatchObject({ status: 'PROCESSING', progress: { shipmentsStored: 500 } });

    // The redelivered event.
    const resumed = await processUpload(deps, partnerId, uploadId);
    expect(resumed.outcome).toBe('finished');
    const done = (await status(partnerId, uploadId)).body;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      progress: { shipmentsRead: count, shipmentsStored: count, shipmentsTotal: count },
      counts: { RECEIVED: count },
    });
    const rows = await deps.intake.summarizeShipments(done.manifestId);
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((r) => r.shipmentNumber)).size).toBe(count);

    // Every house was queued; only the interrupted chunk (500..999) was queued twice.
    const houses = (
      (await drainQueue(env.sqs, env.queueUrl)) as Array<{ kind: string; shipmentNumber?: string }>
    )
      .filter((m) => m.kind === 'HOUSE')
      .map((m) => m.shipmentNumber);
    expect(new Set(houses).size).toBe(count);
    expect(houses).toHaveLength(count + 500);

    // Delivered again after COMPLETED: nothing changes.
    expect((await processUpload(deps, partnerId, uploadId)).outcome).toBe('finished');
    expect(await drainQueue(env.sqs, env.queueUrl)).toEqual([]);
  });
});
