/**
 * The border board's rules (lib/domain/board.ts): what "crossed" is, how the board index's sort
 * keys order and cut it, counts from index rows, snapshots recomputed only when stale, and who may
 * read which partner's manifest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import {
  type BoardCounts,
  type BoardReads,
  borderBoard,
  CROSSED_AFTER_MS,
  compareBoardPositions,
  countShipments,
  crossingLine,
  hasCrossed,
  readerScope,
} from '../../lib/domain/board.ts';
import { NotFound } from '../../lib/domain/errors.ts';
import { readableShipmentHistory } from '../../lib/domain/queries.ts';
import type { ManifestRecord, ShipmentRecord, ShipmentSummary } from '../../lib/domain/records.ts';

const NOW = new Date('2026-12-02T12:00:00.000Z');

describe('crossed', () => {
  it('is an ETA more than 3 hours before now, exactly', () => {
    expect(CROSSED_AFTER_MS).toBe(3 * 60 * 60 * 1000);
    expect(crossingLine(NOW)).toBe('2026-12-02T09:00:00.000Z');
    expect(hasCrossed('2026-12-02T08:59:59.999Z', NOW)).toBe(true);
    expect(hasCrossed('2026-12-02T09:00:00.000Z', NOW)).toBe(false);
    // An offset is an instant like any other: 10:30 in Oslo (UTC+1) is 09:30 UTC.
    expect(hasCrossed('2026-12-02T10:30:00+01:00', NOW)).toBe(false);
    expect(hasCrossed('2026-12-02T09:30:00+01:00', NOW)).toBe(true);
    expect(hasCrossed('2026-12-02T13:00:00Z', NOW)).toBe(false);
  });

  it('is the board index’s sort-key range: a key at or after the line is not crossed (property)', () => {
    const instant = fc.date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2035-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, fc.stringMatching(/^[0-9A-Za-z-]{1,26}$/), (eta, now, manifestId) => {
        const { boardSk } = keys.boardEntry('p', manifestId, eta.toISOString());
        expect(boardSk >= crossingLine(now)).toBe(!hasCrossed(eta.toISOString(), now));
      }),
    );
  });
});

describe('board order', () => {
  it('is the sort keys’ order: ETA as an instant, then manifest id (property)', () => {
    const position = fc.record({
      estimatedArrival: fc
        .date({
          min: new Date('2025-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString()),
      manifestId: fc.stringMatching(/^[0-9A-Z]{4}$/),
    });
    fc.assert(
      fc.property(fc.array(position, { maxLength: 30 }), (positions) => {
        const byRule = [...positions].sort(compareBoardPositions);
        const sk = (p: (typeof positions)[number]) =>
          keys.boardEntry('x', p.manifestId, p.estimatedArrival).boardSk;
        const byKey = [...positions].sort((a, b) => (sk(a) < sk(b) ? -1 : sk(a) > sk(b) ? 1 : 0));
        expect(byRule.map(sk)).toEqual(byKey.map(sk));
      }),
    );
  });

  it('writes one format of ETA into the key, whatever offset the partner sent', () => {
    expect(keys.boardEntry('acme', 'M1', '2026-12-02T13:30:00+01:00')).toEqual({
      boardPk: 'BOARD#acme',
      boardSk: '2026-12-02T12:30:00.000Z#M1',
    });
  });
});

describe('counts from index rows', () => {
  it('counts statuses, open flags and border outcomes', () => {
    const rows: ShipmentSummary[] = [
      { shipmentNumber: 'A', status: 'ACCEPTED', flagCodes: ['CONTROL_ORDERED'] },
      { shipmentNumber: 'B', status: 'RELEASED', flagCodes: [] },
      { shipmentNumber: 'C', status: 'RELEASED', flagCodes: [] },
      { shipmentNumber: 'D', status: 'FAILED', flagCodes: ['LATE_SUBMISSION', 'SOMETHING_NEW'] },
      { shipmentNumber: 'E', status: 'ACCEPTED', flagCodes: ['ENTRY_DENIED', 'LATE_SUBMISSION'] },
    ];
    expect(countShipments(rows, '2026-12-02T12:00:00.000Z')).toEqual({
      shipmentCount: 5,
      counts: { ACCEPTED: 2, RELEASED: 2, FAILED: 1 },
      openFlags: { CONTROL_ORDERED: 1, LATE_SUBMISSION: 2, ENTRY_DENIED: 1 },
      border: { TO_CONTROL: 1, RELEASED: 2, ENTRY_DENIED: 1 },
      countedAt: '2026-12-02T12:00:00.000Z',
    });
  });
});

function manifest(id: string, eta: string, partnerId = 'acme'): ManifestRecord {
  return {
    partnerId,
    manifestId: id,
    reference: `REF-${id}`,
    receivedAt: '2026-12-02T08:00:00.000Z',
    transport: {
      vehicleRegistration: 'AB12345',
      vehicleCountry: 'SE',
      driver: { name: 'Ola Nordmann', phone: '+4791234567' },
      carrier: {
        id: 'SE5561234567',
        name: 'Carrier AB',
        address: { street: 'Gatan 1', postcode: '41101', city: 'Göteborg', country: 'SE' },
      },
      borderCrossing: 'NO371001',
      estimatedArrival: eta,
    },
    initialShipmentCount: 1,
    intake: 'COMPLETE',
  } as ManifestRecord;
}

/** A board with counts snapshots in memory; records what it was asked. */
function fakeReads(manifests: ManifestRecord[], saved: Record<string, BoardCounts>, more = false) {
  const recounted: string[] = [];
  const stored: Record<string, BoardCounts> = { ...saved };
  const ranges: unknown[] = [];
  const reads: BoardReads = {
    async manifestsByArrival(_partnerIds, range) {
      ranges.push(range);
      return { manifests, more };
    },
    async savedCounts(list) {
      const found = new Map<string, BoardCounts>();
      for (const m of list) {
        const counts = stored[m.manifestId];
        if (counts) found.set(m.manifestId, counts);
      }
      return found;
    },
    async summarizeShipments(manifestId) {
      recounted.push(manifestId);
      return [{ shipmentNumber: `${manifestId}-1`, status: 'ACCEPTED', flagCodes: [] }];
    },
    async saveCounts(m, counts) {
      stored[m.manifestId] = counts;
    },
  };
  return { reads, recounted, stored, ranges };
}

describe('the board page', () => {
  const old = (at: string): BoardCounts => ({
    shipmentCount: 9,
    counts: { RECEIVED: 9 },
    openFlags: {},
    border: {},
    countedAt: at,
  });

  it('recounts only snapshots older than 30 s, saves them, and gives the cut-off', async () => {
    const fresh = old('2026-12-02T11:59:45.000Z'); // 15 s old
    const stale = old('2026-12-02T11:59:29.000Z'); // 31 s old
    const list = [
      manifest('M1', '2026-12-02T14:00:00.000Z'),
      manifest('M2', '2026-12-02T15:00:00.000Z'),
      manifest('M3', '2026-12-02T16:00:00+01:00'),
    ];
    const { reads, recounted, stored, ranges } = fakeReads(list, { M1: fresh, M2: stale });
    const page = await borderBoard(reads, ['acme'], NOW, { crossed: false, limit: 3 });
    expect(ranges).toEqual([{ from: '2026-12-02T09:00:00.000Z', limit: 3 }]);
    expect(recounted.sort()).toEqual(['M2', 'M3']);
    expect(
      page.entries.map((e) => [e.manifest.manifestId, e.reportingCutoff, e.counts.shipmentCount]),
    ).toEqual([
      ['M1', '2026-12-02T12:00:00.000Z', 9],
      ['M2', '2026-12-02T13:00:00.000Z', 1],
      ['M3', '2026-12-02T13:00:00.000Z', 1],
    ]);
    expect(stored.M2?.countedAt).toBe('2026-12-02T12:00:00.000Z');
    expect(page.next).toBeUndefined();
  });

  it('asks for the crossed range below the line, after the cursor, and says where the next page starts', async () => {
    const list = [manifest('M9', '2026-12-01T20:00:00.000Z')];
    const { reads, ranges } = fakeReads(list, {}, true);
    const after = { estimatedArrival: '2026-12-01T19:00:00.000Z', manifestId: 'M8' };
    const page = await borderBoard(reads, ['acme', 'nordic'], NOW, { crossed: true, limit: 1, after });
    expect(ranges).toEqual([{ to: '2026-12-02T09:00:00.000Z', after, limit: 1 }]);
    expect(page.next).toEqual({ estimatedArrival: '2026-12-01T20:00:00.000Z', manifestId: 'M9' });
  });
});

describe('who reads a manifest', () => {
  const directory = (owners: Record<string, string>) => {
    const asked: string[] = [];
    return {
      asked,
      ownerOf: async (manifestId: string) => {
        asked.push(manifestId);
        return owners[manifestId];
      },
    };
  };

  it('a partner reads as itself, without asking the directory (another partner’s is then not found)', async () => {
    const dir = directory({ M1: 'nordic' });
    expect(await readerScope({ id: 'acme', role: 'partner' }, 'M1', dir)).toBe('acme');
    expect(dir.asked).toEqual([]);
  });

  it('an operator reads as the manifest’s owner; an id the directory does not know is not found', async () => {
    const dir = directory({ M1: 'nordic' });
    expect(await readerScope({ id: 'desk', role: 'operator' }, 'M1', dir)).toBe('nordic');
    await expect(readerScope({ id: 'desk', role: 'operator' }, 'M2', dir)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('a shipment by number, for an operator', () => {
  const record = (partnerId: string, manifestId: string, status: ShipmentRecord['status']) =>
    ({
      partnerId,
      manifestId,
      shipmentNumber: 'RR123456785SE',
      status,
      flags: [],
      rejections: [],
      voecNumber: '2024926',
      receivedAt: '2026-12-02T08:00:00.000Z',
      updatedAt: '2026-12-02T08:00:00.000Z',
      version: 1,
      intake: { status: 'RECEIVED', flags: [], rejections: [] },
      estimatedArrival: '2026-12-02T14:00:00.000Z',
      ...(status === 'ACCEPTED' ? { mrn: '26NOMRN' } : {}),
    }) as unknown as ShipmentRecord;
  const reads = (byPartner: Record<string, ShipmentRecord>) => {
    const asked: string[] = [];
    return {
      asked,
      reads: {
        async getManifest(partnerId: string, manifestId: string) {
          return manifest(manifestId, '2026-12-02T15:00:00.000Z', partnerId);
        },
        async shipmentHistory(partnerId: string) {
          asked.push(partnerId);
          const shipment = byPartner[partnerId];
          return shipment ? { shipment, events: [], otherManifestIds: [] } : undefined;
        },
      },
    };
  };

  it('is the one holding the house at Digitoll, though another partner’s copy is newer', async () => {
    const { reads: r, asked } = reads({
      acme: record('acme', 'M0001', 'ACCEPTED'),
      nordic: record('nordic', 'M0009', 'CANCELLED'),
    });
    const found = await readableShipmentHistory(r, ['acme', 'beta', 'nordic'], 'RR123456785SE');
    expect([found.shipment.partnerId, found.shipment.manifestId]).toEqual(['acme', 'M0001']);
    expect(found.estimatedArrival).toBe('2026-12-02T15:00:00.000Z');
    expect(asked).toEqual(['acme', 'beta', 'nordic', 'acme']);
  });

  it('else the latest; nobody’s is not found', async () => {
    const { reads: r } = reads({
      acme: record('acme', 'M0001', 'CANCELLED'),
      nordic: record('nordic', 'M0009', 'CANCELLED'),
    });
    expect((await readableShipmentHistory(r, ['acme', 'nordic'], 'RR123456785SE')).shipment.partnerId).toBe(
      'nordic',
    );
    await expect(readableShipmentHistory(reads({}).reads, ['acme', 'nordic'], 'X1')).rejects.toBeInstanceOf(
      NotFound,
    );
  });
});
