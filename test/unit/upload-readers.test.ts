/**
 * The uploaded-file readers (lib/manifest/upload-readers.ts): shipments validated as they stream,
 * errors located by JSON pointer (json) or line and column (csv). Expected values written from the
 * fixture and the schema's messages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UploadChunk } from '../../lib/domain/uploads.ts';
import { readUploadCsv, readUploadJson } from '../../lib/manifest/upload-readers.ts';

const fixture = () =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));

async function* bytes(text: string, pieces = 7) {
  const buffer = Buffer.from(text);
  const size = Math.ceil(buffer.length / pieces);
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

async function readAll(reader: AsyncGenerator<UploadChunk, unknown>) {
  const chunks: UploadChunk[] = [];
  for (;;) {
    const next = await reader.next();
    if (next.done) return { chunks, head: next.value };
    chunks.push(next.value);
  }
}

describe('readUploadJson', () => {
  it('reads the example manifest (split at arbitrary bytes) as three shipments and its head', async () => {
    const { chunks, head } = await readAll(readUploadJson(bytes(JSON.stringify(fixture())), 2));
    const shipments = chunks.flatMap((c) => c.shipments.map((s) => s.shipmentNumber));
    expect(shipments).toEqual(['RR123456785SE', 'LX987654321SE', 'CP000111222SE']);
    expect(chunks.flatMap((c) => c.errors)).toEqual([]);
    expect(chunks.at(-1)?.shipmentsRead).toBe(3);
    expect(head).toMatchObject({ reference: fixture().reference, transport: { borderCrossing: 'NO371001' } });
  });

  it('points at each bad field, a duplicate shipment number and an unknown top-level field', async () => {
    const manifest = fixture();
    manifest.shipments[2].shipmentNumber = manifest.shipments[0].shipmentNumber;
    manifest.shipments[1].items[0].quantity = 0;
    manifest.extra = true;
    const { chunks, head } = await readAll(readUploadJson(bytes(JSON.stringify(manifest)), 500));
    expect(chunks.flatMap((c) => c.errors)).toEqual([
      { pointer: '/shipments/1/items/0/quantity', code: 'too_small', message: 'must be at least 1' },
      {
        pointer: '/shipments/2/shipmentNumber',
        code: 'duplicate',
        message: 'duplicates the shipment number at /shipments/0',
        shipmentNumber: 'RR123456785SE',
      },
      {
        pointer: '/extra',
        code: 'unrecognized_key',
        message: 'is not a field of this object (check the spelling; see GET /v1/openapi.json)',
      },
    ]);
    expect(head).toBeUndefined();
  });

  it('refuses what is not a manifest object, and a file cut short', async () => {
    const errorsOf = async (text: string) =>
      (await readAll(readUploadJson(bytes(text), 500))).chunks.flatMap((c) => c.errors.map((e) => e.code));
    expect(await errorsOf('[1, 2]')).toEqual(['invalid_type']);
    expect(await errorsOf('{"reference": "A", "shipments": [')).toEqual(['invalid_json']);
    expect(await errorsOf('')).toEqual(['invalid_json']);
    expect(await errorsOf('{"reference":"A","shipments":[]}')).toContain('too_small');
  });
});

describe('readUploadCsv', () => {
  it('reads the example CSV as the JSON example’s three shipments', async () => {
    const csv = readFileSync(new URL('../../examples/manifest.example.csv', import.meta.url), 'utf8');
    const { chunks } = await readAll(readUploadCsv(bytes(csv), 500));
    expect(chunks.flatMap((c) => c.shipments)).toEqual(fixture().shipments);
    expect(chunks.flatMap((c) => c.errors)).toEqual([]);
  });
});
