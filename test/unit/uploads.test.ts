/**
 * The upload processor's resume rule (lib/domain/uploads.ts), with in-memory ports: killed after
 * any chunk was written but before its checkpoint, then run again, it stores every shipment of the
 * file once, counts each once, queues every house, and re-queues at most the one interrupted chunk.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClaimOutcome, IntakeStore } from '../../lib/domain/intake.ts';
import type { IdempotencyRecord, ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import type { ReportMessage } from '../../lib/domain/report-message.ts';
import { createUpload, processUpload, type UploadDeps, type UploadRecord } from '../../lib/domain/uploads.ts';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';

const fixture = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));

/** Milliseconds the fake table and queue take per call, to vary how chunks interleave. */
interface Latency {
  storeMs: number;
  sendMs: number;
}
const pause = (ms: number) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

function world(count: number, latency: Latency = { storeMs: 0, sendMs: 0 }) {
  const manifest = fixture();
  manifest.transport.estimatedArrival = new Date(Date.now() + 24 * 3_600_000).toISOString();
  const [template] = manifest.shipments;
  if (!template) throw new Error('fixture');
  const shipments = Array.from({ length: count }, (_, i) => ({
    ...structuredClone(template),
    shipmentNumber: `P${String(i).padStart(6, '0')}SE`,
  }));
  const uploads = new Map<string, UploadRecord>();
  const claims = new Map<string, IdempotencyRecord>();
  const manifests = new Map<string, ManifestRecord>();
  const stored = new Map<string, ShipmentRecord>();
  const sent: ReportMessage[] = [];
  let id = 0;
  const intake: IntakeStore = {
    async claimReference(record, m): Promise<ClaimOutcome> {
      const existing = claims.get(record.reference);
      if (existing) return { claimed: false, existing };
      claims.set(record.reference, record);
      manifests.set(m.manifestId, m);
      return { claimed: true };
    },
    takeOverLease: async () => true,
    releaseLease: async () => undefined,
    putShipments: async (records) => {
      for (const r of records) stored.set(r.shipmentNumber, r);
    },
    // No number is live elsewhere here: every shipment is stored with its claim.
    storeShipments: async (_m, records) => {
      await pause(latency.storeMs);
      for (const r of records) stored.set(r.shipmentNumber, r);
      return [];
    },
    heldElsewhere: async () => [],
    completeIntake: async (m) => {
      manifests.set(m.manifestId, m);
    },
    getManifest: async (_p, manifestId) => manifests.get(manifestId),
    getShipments: async () => [],
    summarizeShipments: async () =>
      [...stored.values()].map((r) => ({
        shipmentNumber: r.shipmentNumber,
        status: r.status,
        flagCodes: [],
      })),
    setMixedTransit: async () => undefined,
  };
  const deps: UploadDeps = {
    uploads: {
      createUpload: async (r) => void uploads.set(r.uploadId, r),
      getUpload: async (_p, uploadId) => structuredClone(uploads.get(uploadId)),
      saveUpload: async (r, expected) => {
        const current = uploads.get(r.uploadId);
        if (!current || current.shipmentsStored !== expected || current.status === 'COMPLETED') return false;
        uploads.set(r.uploadId, structuredClone(r));
        return true;
      },
      finishUpload: async (r) => void uploads.set(r.uploadId, structuredClone(r)),
    },
    files: {
      async *read(_upload, chunkSize) {
        for (let at = 0; at < shipments.length; at += chunkSize) {
          yield {
            shipments: shipments.slice(at, at + chunkSize),
            errors: [],
            shipmentsRead: Math.min(shipments.length, at + chunkSize),
          };
        }
        const { shipments: _all, ...head } = manifest;
        return head;
      },
    },
    urls: { presignPut: async () => 'http://bucket/upload' },
    intake,
    queue: {
      send: async (messages) => {
        // The reporter must find what it is told to report: a house is queued only once stored.
        const early = messages.filter((m) => m.kind === 'HOUSE' && !stored.has(m.shipmentNumber));
        if (early.length > 0) throw new Error(`queued before stored: ${early.length} house(s)`);
        await pause(latency.sendMs);
        sent.push(...messages);
      },
    },
    clock: { now: () => new Date() },
    ids: { newId: () => `id${++id}` },
  };
  return { deps, uploads, stored, sent, manifest, manifests };
}

describe('processUpload', () => {
  it('killed after any chunk and run again: every shipment once, counted once, each house queued after it is stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(),
        fc.record({ storeMs: fc.integer({ min: 0, max: 2 }), sendMs: fc.integer({ min: 0, max: 2 }) }),
        async (count, chunkSize, crashSeed, latency) => {
          const { deps, stored, sent, manifest, manifests } = world(count, latency);
          const { upload } = await createUpload(deps, 'p', { reference: manifest.reference, format: 'json' });
          const chunks = Math.ceil(count / chunkSize);
          const crashAt = crashSeed % chunks;
          await expect(
            processUpload(deps, 'p', upload.uploadId, {
              chunkSize,
              afterChunkWritten: (chunk) => {
                if (chunk === crashAt) throw new Error('killed');
              },
            }),
          ).rejects.toThrow('killed');
          const result = await processUpload(deps, 'p', upload.uploadId, { chunkSize });
          expect(result.outcome).toBe('finished');
          if (result.outcome !== 'finished') return;
          expect(result.upload).toMatchObject({
            status: 'COMPLETED',
            shipmentsStored: count,
            shipmentsTotal: count,
            counts: { RECEIVED: count },
          });
          expect(stored.size).toBe(count);
          const houses = sent.filter((m) => m.kind === 'HOUSE').map((m) => m.shipmentNumber);
          expect(new Set(houses).size).toBe(count);
          // Only the interrupted chunk was queued twice.
          const interrupted = Math.min(chunkSize, count - crashAt * chunkSize);
          expect(houses).toHaveLength(count + interrupted);
          expect([...manifests.values()][0]).toMatchObject({
            intake: 'COMPLETE',
            initialShipmentCount: count,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a transit: mixed when a shipment is REJECTED, and the shipments are read back only then', async () => {
    for (const rejected of [false, true]) {
      const { deps, manifest, manifests } = world(5);
      expect(manifest.transit).toBeDefined();
      const reads = { count: 0 };
      const summarize = deps.intake.summarizeShipments.bind(deps.intake);
      deps.intake.summarizeShipments = async (manifestId) => {
        reads.count++;
        return summarize(manifestId);
      };
      if (rejected) {
        // Worth NOK 5,000 a piece: not VOEC goods (under NOK 3,000 only), so REJECTED at intake.
        const read = deps.files.read.bind(deps.files);
        deps.files.read = async function* (upload, chunkSize) {
          const reader = read(upload, chunkSize);
          for (;;) {
            const next = await reader.next();
            if (next.done) return next.value;
            yield {
              ...next.value,
              shipments: next.value.shipments.map((s, i) =>
                i === 0 ? { ...s, items: s.items.map((item) => ({ ...item, unitValueNok: 5000 })) } : s,
              ),
            };
          }
        };
      }
      const { upload } = await createUpload(deps, 'p', { reference: manifest.reference, format: 'json' });
      const result = await processUpload(deps, 'p', upload.uploadId, { chunkSize: 10 });
      expect(result.outcome).toBe('finished');
      const stored = [...manifests.values()][0];
      if (rejected) {
        expect(reads.count).toBe(1);
        expect(stored?.mixedTransit?.ineligibleShipmentNumbers).toEqual(['P000000SE']);
      } else {
        expect(reads.count).toBe(0);
        expect(stored?.mixedTransit).toBeUndefined();
      }
    }
  });

  it('FAILS a file with errors before claiming the reference, and stores nothing', async () => {
    const { deps, stored, manifests } = world(3);
    deps.files = {
      async *read() {
        yield {
          shipments: [],
          errors: [{ line: 3, column: 'items.commodityCode', code: 'x', message: 'y' }],
          shipmentsRead: 1,
        };
        return undefined;
      },
    };
    const { upload } = await createUpload(deps, 'p', {
      reference: 'R',
      format: 'csv',
      head: { transport: {} },
    });
    const result = await processUpload(deps, 'p', upload.uploadId);
    expect(result.outcome === 'finished' && result.upload.status).toBe('FAILED');
    expect(stored.size).toBe(0);
    expect(manifests.size).toBe(0);
  });
});
