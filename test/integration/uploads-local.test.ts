/**
 * The README's bulk-upload flow on the local stack, as a new user runs it: POST the upload request,
 * `curl -T` the example CSV to the presigned URL (fauxqs S3), and poll until COMPLETED. The local
 * runtime turns the object into the S3 event on the queue the template names; the bundled upload
 * processor does the rest. The statuses must be those of the JSON example POSTed to the same stack.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../lib/domain/partner-keys.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';

/**
 * curl runs asynchronously: the presigned URL is served by the local S3 front in this very process
 * (local/runtime/s3-front.ts), which a synchronous child would block.
 */
const curl = (...args: string[]) => promisify(execFile)('curl', args);

const partner = { partnerId: 'uploads-local', key: newKey() };
let full: FullStack;

beforeAll(async () => {
  full = await startTestStack('uploads', partner, { functionLogs: false });
  // Cold starts on a loaded machine can pass the 29 s integration timeout: warm the function first.
  await until(
    async () => (await api('/v1/manifest-uploads/warmup')).status,
    (status) => status === 404,
  );
}, 360_000);

afterAll(async () => {
  await full?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${full.stack.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${partner.key}`, 'content-type': 'application/json', ...init.headers },
  });

function example() {
  const manifest = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as Record<string, any>;
  manifest.transport.estimatedArrival = new Date(Date.now() + 24 * 3_600_000).toISOString();
  return manifest;
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The README's steps: request an upload, `curl -T` the file to its URL, poll until it ends. */
async function uploadWithCurl(request: Record<string, unknown>, file: string) {
  const created = await api('/v1/manifest-uploads', { method: 'POST', body: JSON.stringify(request) });
  expect(created.status).toBe(201);
  const { uploadId, uploadUrl } = (await created.json()) as { uploadId: string; uploadUrl: string };
  await curl('-sSf', '-T', file, uploadUrl);
  const upload = await until(
    async () => (await (await api(`/v1/manifest-uploads/${uploadId}`)).json()) as Record<string, any>,
    (body) => body.status === 'COMPLETED' || body.status === 'FAILED',
  );
  return { created, uploadId, upload };
}

describe('the README curl flow', () => {
  it('uploads examples/manifest.example.csv with curl -T and ends COMPLETED with the JSON example’s statuses', async () => {
    const manifest = example();
    const csv = fileURLToPath(new URL('../../examples/manifest.example.csv', import.meta.url));
    const { created, uploadId, upload } = await uploadWithCurl(
      {
        reference: 'CSV-LOCAL-1',
        format: 'csv',
        transport: manifest.transport,
        masterConsignment: manifest.masterConsignment,
      },
      csv,
    );
    expect(created.headers.get('location')).toBe(`/v1/manifest-uploads/${uploadId}`);
    expect(upload).toMatchObject({
      status: 'COMPLETED',
      progress: { shipmentsRead: 3, shipmentsStored: 3 },
      counts: { RECEIVED: 3 },
      errors: [],
    });

    // The JSON example through POST /v1/manifests on the same stack.
    const posted = await api('/v1/manifests', {
      method: 'POST',
      // Another carrier id: the upload's manifest holds these numbers' houses (one live house per
      // waybill), and the same numbers under another carrier are other waybills at Digitoll.
      body: JSON.stringify({
        ...manifest,
        reference: 'JSON-LOCAL-1',
        transport: { ...manifest.transport, carrier: { ...manifest.transport.carrier, id: 'SE5560000001' } },
      }),
    });
    expect(posted.status).toBe(202);
    const json = (await posted.json()) as { shipments: Array<{ shipmentNumber: string; status: string }> };

    const page = (await (await api(`/v1/manifests/${upload.manifestId}/shipments`)).json()) as {
      items: Array<{ shipmentNumber: string; intake?: { status: string }; status: string }>;
    };
    const statusOf = (rows: Array<{ shipmentNumber: string; status: string }>) =>
      Object.fromEntries(rows.map((row) => [row.shipmentNumber, row.status]).sort());
    expect(Object.keys(statusOf(page.items))).toEqual(['CP000111222SE', 'LX987654321SE', 'RR123456785SE']);
    expect(statusOf(json.shipments)).toEqual({
      CP000111222SE: 'RECEIVED',
      LX987654321SE: 'RECEIVED',
      RR123456785SE: 'RECEIVED',
    });
  }, 240_000);

  it('takes a plain curl -T of a 20 MiB file (over fauxqs’s 11 MiB per request) to COMPLETED', async () => {
    // The JSON example with 20 MiB of whitespace before its shipments: valid JSON, and any part
    // of the file lost or out of order would break it or lose shipments.
    const manifest = { ...example(), reference: 'BIG-LOCAL-1' };
    const text = JSON.stringify(manifest).replace(
      '"shipments":',
      `${' '.repeat(20 * 1024 * 1024)}"shipments":`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'voec-upload-'));
    const file = join(dir, 'manifest.json');
    writeFileSync(file, text);
    try {
      const { upload } = await uploadWithCurl({ reference: 'BIG-LOCAL-1', format: 'json' }, file);
      expect(upload).toMatchObject({
        status: 'COMPLETED',
        progress: { shipmentsRead: 3, shipmentsStored: 3 },
        errors: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
