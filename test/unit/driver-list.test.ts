/** The driver's list: every shipment on board, the ones Digitoll has not accepted marked. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { driverList } from '../../lib/domain/driver-list.ts';
import { NotFound } from '../../lib/domain/errors.ts';
import type { Page } from '../../lib/domain/ports.ts';
import type { ManifestReads } from '../../lib/domain/queries.ts';
import type { ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import type { ShipmentStatus } from '../../lib/domain/shipment.ts';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';

const example = JSON.parse(
  readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
) as ManifestRequest;

const manifest: ManifestRecord = {
  partnerId: 'acme',
  manifestId: 'm-1',
  reference: 'NL-2026-12-01-0042',
  receivedAt: '2026-12-01T08:00:00.000Z',
  transport: example.transport,
  initialShipmentCount: 3,
  intake: 'COMPLETE',
  transportReport: {
    phase: 'ACCEPTED',
    seq: 3,
    mrn: '26NOTRANSPORT0001',
  } as ManifestRecord['transportReport'],
};

function shipment(
  index: number,
  shipmentNumber: string,
  status: ShipmentStatus,
  mrn?: string,
): ShipmentRecord {
  const input = example.shipments[index % example.shipments.length];
  if (!input) throw new Error('fixture changed');
  return {
    partnerId: 'acme',
    manifestId: 'm-1',
    shipmentNumber,
    status,
    flags: [],
    rejections: [],
    voecNumber: input.voecNumber.replace(/\D/g, ''),
    input: { ...input, shipmentNumber },
    inputHash: 'h',
    receivedAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
    version: 1,
    intake: { status: 'RECEIVED', flags: [], rejections: [] },
    estimatedArrival: '2026-12-01T13:00:00.000Z',
    ...(mrn ? { mrn } : {}),
  };
}

/** Reads that hand out `pageSize` shipments at a time, as the manifest index does. */
function reads(
  shipments: ShipmentRecord[],
  pageSize: number,
): Pick<ManifestReads, 'getManifest' | 'listShipments'> & { calls: number } {
  return {
    calls: 0,
    async getManifest(partnerId, manifestId) {
      return partnerId === manifest.partnerId && manifestId === manifest.manifestId ? manifest : undefined;
    },
    async listShipments(_partnerId, _manifestId, options): Promise<Page<ShipmentRecord>> {
      this.calls++;
      const start = Number(options.cursor ?? 0);
      const end = start + Math.min(pageSize, options.limit);
      const items = shipments.slice(start, end);
      return end < shipments.length ? { items, cursor: String(end) } : { items };
    },
  };
}

describe("the driver's list", () => {
  it('lists every shipment on board across pages, sorted, with VOEC number, item count and MRN; marks the unaccepted', async () => {
    const store = reads(
      [
        shipment(2, 'CP000111222SE', 'FAILED'),
        shipment(0, 'RR123456785SE', 'ACCEPTED', '26NOHOUSE00000001'),
        shipment(1, 'LX987654321SE', 'CANCELLED'),
        shipment(1, 'LX000000001SE', 'SUBMITTED'),
      ],
      2,
    );
    const list = await driverList(store, 'acme', 'm-1');
    expect(store.calls).toBe(2);
    expect(list).toEqual({
      manifestId: 'm-1',
      reference: 'NL-2026-12-01-0042',
      transport: {
        mode: 'ROAD',
        vehicleRegistration: 'ABC123',
        vehicleCountry: 'SE',
        mrn: '26NOTRANSPORT0001',
        borderCrossing: 'NO371001',
        estimatedArrival: '2026-12-01T14:00:00+01:00',
      },
      // The withdrawn LX987654321SE is not on board; the rest in shipment-number order.
      shipments: [
        {
          shipmentNumber: 'CP000111222SE',
          voecNumber: '2024926',
          itemCount: 2,
          status: 'FAILED',
          accepted: false,
        },
        {
          shipmentNumber: 'LX000000001SE',
          voecNumber: '2021137',
          itemCount: 1,
          status: 'SUBMITTED',
          accepted: false,
        },
        {
          shipmentNumber: 'RR123456785SE',
          voecNumber: '2056550',
          itemCount: 2,
          mrn: '26NOHOUSE00000001',
          status: 'ACCEPTED',
          accepted: true,
        },
      ],
      notAcceptedCount: 2,
    });
  });

  it("is not found for another partner's manifest", async () => {
    await expect(driverList(reads([], 10), 'other', 'm-1')).rejects.toBeInstanceOf(NotFound);
  });
});
