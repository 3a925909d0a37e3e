import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BorderCheck,
  borderFlagsFor,
  DEFAULT_SWEEP_SETTINGS,
  type NctsGateway,
  runBorderSweep,
  type SweepDeps,
  type SweepStore,
} from '../../lib/domain/border-sweep.ts';
import { reportingDeadline } from '../../lib/domain/deadlines.ts';
import { buildIntake } from '../../lib/domain/intake.ts';
import { decideTransitClosure, type TransitRecord } from '../../lib/domain/ncts.ts';
import type { PartnerNotification } from '../../lib/domain/notifications.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../lib/domain/records.ts';
import type { Flag } from '../../lib/domain/shipment.ts';
import { type TvinnDeclarationDraft, tvinnCsv, tvinnDrafts } from '../../lib/domain/tvinn.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';
import { FakeClock } from './fakes.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);
const ETA = '2026-12-01T13:00:00.000Z';

function intake(request: ManifestRequest = example) {
  const { manifest, records } = buildIntake(
    { partnerId: 'p', manifestId: 'm1', receivedAt: '2026-12-01T06:00:00.000Z' },
    request,
  );
  return { manifest: { ...manifest, intake: 'COMPLETE' as const }, records };
}

class FakeSweepStore implements SweepStore {
  marker: { dueAt: string; dueSk: string } | undefined;
  shipmentsById = new Map<string, ShipmentRecord>();
  drafts: TvinnDeclarationDraft[] = [];
  transits = new Map<string, TransitRecord>();
  events: ShipmentEvent[] = [];
  notifications: PartnerNotification[] = [];
  failUpdatesAfter = Number.POSITIVE_INFINITY;
  updates = 0;

  constructor(
    public manifestRecord: ManifestRecord,
    records: ShipmentRecord[],
  ) {
    for (const r of records) this.shipmentsById.set(r.shipmentNumber, structuredClone(r));
    this.setMarker(reportingDeadline(manifestRecord.transport.estimatedArrival));
  }
  setMarker(dueAt: string) {
    this.marker = { dueAt, dueSk: `${dueAt}#BORDER#m1` };
  }
  async dueBorderChecks(now: string): Promise<BorderCheck[]> {
    return this.marker && this.marker.dueAt <= now
      ? [{ partnerId: 'p', manifestId: 'm1', dueSk: this.marker.dueSk }]
      : [];
  }
  async manifest() {
    return structuredClone(this.manifestRecord);
  }
  async shipments() {
    return [...this.shipmentsById.values()].map((s) => structuredClone(s));
  }
  async shipment(_p: string, _m: string, shipmentNumber: string) {
    const found = this.shipmentsById.get(shipmentNumber);
    return found ? structuredClone(found) : undefined;
  }
  async updateFlags(
    shipment: ShipmentRecord,
    flags: Flag[],
    events: ShipmentEvent[],
    notifications: PartnerNotification[],
  ) {
    if (++this.updates > this.failUpdatesAfter) throw new Error('crash');
    const stored = this.shipmentsById.get(shipment.shipmentNumber);
    if (!stored || stored.version !== shipment.version) return false;
    stored.flags = flags;
    stored.version++;
    this.events.push(...events);
    this.notifications.push(...notifications);
    return true;
  }
  async saveTvinnDrafts(_m: ManifestRecord, drafts: TvinnDeclarationDraft[]) {
    this.drafts = structuredClone(drafts);
  }
  async transit(_p: string, mrn: string) {
    return structuredClone(this.transits.get(mrn));
  }
  async saveTransit(record: TransitRecord, expected: number | undefined, note?: PartnerNotification) {
    const current = this.transits.get(record.mrn);
    if ((current?.version ?? undefined) !== expected) return false;
    this.transits.set(record.mrn, structuredClone(record));
    if (note) this.notifications.push(note);
    return true;
  }
  async advanceBorderCheck(check: BorderCheck, next: string | undefined) {
    if (this.marker?.dueSk !== check.dueSk) return;
    if (next) this.setMarker(next);
    else this.marker = undefined;
  }
}

class FakeNcts implements NctsGateway {
  readonly name = 'test-gateway';
  handedOver: string[] = [];
  async handOver(_p: string, notification: { TransitOperation: { MRN: string } }) {
    this.handedOver.push(notification.TransitOperation.MRN);
    return { reference: `ref-${this.handedOver.length}` };
  }
}

function sweepWorld(request: ManifestRequest = example) {
  const { manifest, records } = intake(request);
  const store = new FakeSweepStore(manifest, records);
  const clock = new FakeClock(new Date('2026-12-01T11:00:00Z'));
  const ncts = new FakeNcts();
  const deps: SweepDeps = { store, ncts, clock, settings: DEFAULT_SWEEP_SETTINGS };
  return { store, clock, ncts, deps };
}

const codes = (shipment: ShipmentRecord | undefined) => shipment?.flags.map((f) => f.code).sort() ?? [];

describe('border flags', () => {
  it('are none before ETA − 2 h, NOTIFICATION_MISSING after it, and DECLARE_IN_TVINN once the ETA passed', () => {
    const { records } = intake();
    const [shipment] = records;
    if (!shipment) throw new Error('no shipment');
    expect([...borderFlagsFor(shipment, ETA, new Date('2026-12-01T10:59:59Z'))]).toEqual([]);
    expect([...borderFlagsFor(shipment, ETA, new Date('2026-12-01T11:00:00Z'))]).toEqual([
      'NOTIFICATION_MISSING',
    ]);
    expect([...borderFlagsFor(shipment, ETA, new Date('2026-12-01T13:00:00Z'))]).toEqual([
      'NOTIFICATION_MISSING',
      'DECLARE_IN_TVINN',
    ]);
    for (const status of ['ACCEPTED', 'REJECTED', 'CANCELLED'] as const) {
      expect([...borderFlagsFor({ ...shipment, status }, ETA, new Date('2026-12-02T00:00:00Z'))]).toEqual([]);
    }
  });
});

describe('the sweep', () => {
  it('raises NOTIFICATION_MISSING at ETA − 2 h on unaccepted shipments only, with events and notifications', async () => {
    const w = sweepWorld();
    const accepted = w.store.shipmentsById.get('LX987654321SE');
    if (!accepted) throw new Error('missing');
    accepted.status = 'ACCEPTED';
    const report = await runBorderSweep(w.deps);
    expect(report).toMatchObject({ transports: 1, flagsRaised: 2, flagsCleared: 0, tvinnDrafts: 0 });
    expect(codes(w.store.shipmentsById.get('RR123456785SE'))).toEqual(['NOTIFICATION_MISSING']);
    expect(codes(accepted)).toEqual([]);
    expect(w.store.events.map((e) => e.type)).toEqual(['FLAG_RAISED', 'FLAG_RAISED']);
    expect(w.store.notifications.map((n) => n.type)).toEqual(['flag.raised', 'flag.raised']);
    // Rechecked soon while shipments are outstanding.
    expect(w.store.marker?.dueAt).toBe('2026-12-01T11:05:00.000Z');
  });

  it('is idempotent: a second (or concurrent) run raises nothing twice', async () => {
    const w = sweepWorld();
    await runBorderSweep(w.deps);
    w.store.setMarker(w.clock.now().toISOString());
    const again = await runBorderSweep(w.deps);
    expect(again.flagsRaised).toBe(0);
    expect(w.store.events).toHaveLength(3);
    expect(w.store.notifications).toHaveLength(3);
  });

  it('clears a flag that no longer applies (accepted late, or the ETA moved), as an event', async () => {
    const w = sweepWorld();
    await runBorderSweep(w.deps);
    const late = w.store.shipmentsById.get('RR123456785SE');
    if (!late) throw new Error('missing');
    late.status = 'ACCEPTED';
    w.clock.advance(5 * 60_000);
    const report = await runBorderSweep(w.deps);
    expect(report.flagsCleared).toBe(1);
    expect(codes(late)).toEqual([]);
    expect(w.store.events.at(-1)).toMatchObject({
      type: 'FLAG_CLEARED',
      detail: expect.stringContaining('accepted by Digitoll'),
    });
    // Ordered per subject: intake made the record version 1, the raise 2, the clearing 3.
    expect(
      w.store.notifications
        .filter((n) => n.subject === 'manifests/m1/shipments/RR123456785SE')
        .map((n) => [n.type, n.sequence]),
    ).toEqual([
      ['flag.raised', 2],
      ['flag.cleared', 3],
    ]);

    // The ETA moves three hours later: every NOTIFICATION_MISSING goes.
    w.store.manifestRecord.transport.estimatedArrival = '2026-12-01T16:00:00.000Z';
    w.store.setMarker(w.clock.now().toISOString());
    const moved = await runBorderSweep(w.deps);
    expect(moved.flagsCleared).toBe(2);
    expect([...w.store.shipmentsById.values()].flatMap((s) => s.flags)).toEqual([]);
    expect(w.store.marker?.dueAt).toBe('2026-12-01T14:00:00.000Z');
  });

  it('after the ETA: DECLARE_IN_TVINN, a TVINN draft, and the transit (notification prepared) handed over once', async () => {
    const w = sweepWorld();
    w.clock.at = new Date('2026-12-01T13:05:00Z');
    w.store.setMarker(w.clock.now().toISOString());
    const report = await runBorderSweep(w.deps);
    expect(report.flagsRaised).toBe(6);
    expect(report.tvinnDrafts).toBe(3);
    expect(report.transits).toEqual({ ARRIVAL_NOTIFICATION_PREPARED: 1 });
    const transit = w.store.transits.get('26SE000001188424T0');
    expect(transit?.arrivalNotification?.alternativeReference).toBe('VOEC');
    expect(transit?.handedOver?.gateway).toBe('test-gateway');
    w.store.setMarker(w.clock.now().toISOString());
    await runBorderSweep(w.deps);
    expect(w.ncts.handedOver).toEqual(['26SE000001188424T0']);
    expect(w.store.transits.get('26SE000001188424T0')?.history).toHaveLength(2);
  });

  it('records a transit as closed by Digitoll when every shipment was accepted, and removes the marker', async () => {
    const w = sweepWorld();
    for (const s of w.store.shipmentsById.values()) s.status = 'ACCEPTED';
    w.clock.at = new Date('2026-12-01T13:05:00Z');
    w.store.setMarker(w.clock.now().toISOString());
    await runBorderSweep(w.deps);
    expect(w.store.transits.get('26SE000001188424T0')?.state).toBe('CLOSED_BY_DIGITOLL');
    expect(w.ncts.handedOver).toEqual([]);
    expect(w.store.drafts).toEqual([]);
    expect(w.store.marker).toBeUndefined();
  });

  it('a run that dies half-way is finished by the next, without doubles', async () => {
    const w = sweepWorld();
    w.store.failUpdatesAfter = 1;
    await expect(runBorderSweep(w.deps)).rejects.toThrow('crash');
    expect(w.store.marker?.dueAt).toBe('2026-12-01T11:00:00.000Z'); // not moved: the next run redoes it
    w.store.failUpdatesAfter = Number.POSITIVE_INFINITY;
    const next = await runBorderSweep(w.deps);
    expect(next.flagsRaised).toBe(2);
    expect(w.store.events).toHaveLength(3);
    expect([...w.store.shipmentsById.values()].every((s) => codes(s).join() === 'NOTIFICATION_MISSING')).toBe(
      true,
    );
  });

  it('loses no race: a shipment changed meanwhile is re-read and reconciled', async () => {
    const w = sweepWorld();
    const original = w.store.updateFlags.bind(w.store);
    let interfered = false;
    w.store.updateFlags = async (shipment, flags, events, notes) => {
      if (!interfered) {
        interfered = true;
        const stored = w.store.shipmentsById.get(shipment.shipmentNumber);
        if (stored) stored.version++; // the reporter wrote meanwhile
      }
      return original(shipment, flags, events, notes);
    };
    const report = await runBorderSweep(w.deps);
    expect(report.conflicts).toBe(1);
    expect(report.flagsRaised).toBe(3);
  });
});

describe('TVINN drafts', () => {
  it('hold one private consignee each, VOEC goods only, VEC + VOEC number on every line, and ask for the tariff digits', () => {
    const { manifest, records } = intake();
    const [first, second, third] = records;
    if (!first || !second || !third) throw new Error('fixture changed');
    // The same person receives two shipments; one shipment was rejected (not VOEC goods).
    second.input.consignee = structuredClone(first.input.consignee);
    third.status = 'REJECTED';
    const drafts = tvinnDrafts(manifest, records, '2026-12-01T13:05:00Z');
    expect(drafts).toHaveLength(1);
    const [draft] = drafts;
    expect(draft?.consignee).toMatchObject({ name: 'Kari Nordmann', type: 'PRIVATE' });
    expect(draft?.procedure).toBe('RELEASE_FOR_FREE_CIRCULATION');
    expect(draft?.shipmentNumbers).toEqual(['LX987654321SE', 'RR123456785SE']);
    expect(draft?.lines.map((l) => l.box44)).toEqual([
      [{ code: 'VEC', reference: '2021137' }],
      [{ code: 'VEC', reference: '2056550' }],
      [{ code: 'VEC', reference: '2056550' }],
    ]);
    expect(draft?.lines[1]).toMatchObject({
      commodityCode: '610910',
      tariffNumber: null,
      quantity: 2,
      unitValueNok: 199,
      valueNok: 398,
    });
    expect(draft?.toComplete[1]?.question).toMatch(/610910.*8-digit/);
  });

  it('every line of every draft carries VEC with its VOEC number (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 12 }), (picks) => {
        const request = structuredClone(example);
        request.shipments = picks.flatMap((pick, i) => {
          const source = example.shipments[pick];
          return source ? [{ ...structuredClone(source), shipmentNumber: `S${i}` }] : [];
        });
        const { manifest, records } = intake(request);
        const drafts = tvinnDrafts(manifest, records, 'now');
        const lines = drafts.flatMap((d) => d.lines);
        expect(lines).toHaveLength(records.reduce((n, r) => n + r.input.items.length, 0));
        for (const draft of drafts) {
          expect(
            new Set(
              draft.shipmentNumbers.map(
                (n) => records.find((r) => r.shipmentNumber === n)?.input.consignee.name,
              ),
            ).size,
          ).toBe(1);
          for (const line of draft.lines) {
            const record = records.find((r) => r.shipmentNumber === line.shipmentNumber);
            expect(line.box44).toEqual([{ code: 'VEC', reference: record?.voecNumber }]);
          }
        }
        expect(tvinnDrafts(manifest, records, 'now')).toEqual(drafts);
      }),
      { numRuns: 50 },
    );
  });

  it('export as CSV, one row per line, quoted and safe for spreadsheets', () => {
    const { manifest, records } = intake();
    const first = records[0];
    if (!first) throw new Error('no shipment');
    first.input.consignee.name = '=HYPERLINK("x") "Kari"';
    const csv = tvinnCsv(tvinnDrafts(manifest, records, 'now'));
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toMatch(/^draftId,consigneeName,/);
    expect(rows).toHaveLength(1 + 5);
    expect(csv).toContain('"\'=HYPERLINK(""x"") ""Kari"""');
    expect(csv).toContain('"VEC2056550"');
  });
});

describe('NCTS transit closure', () => {
  it('prepares CC007C with "VOEC" + tracking number for a transit with one VOEC shipment', () => {
    const request = structuredClone(example);
    request.shipments = request.shipments.slice(0, 1);
    const { manifest, records } = intake(request);
    const decision = decideTransitClosure(manifest, records);
    expect(decision.state).toBe('ARRIVAL_NOTIFICATION_PREPARED');
    expect(decision.arrivalNotification).toMatchObject({
      messageType: 'CC007C',
      TransitOperation: {
        MRN: '26SE000001188424T0',
        arrivalNotificationDateAndTime: ETA,
        simplifiedProcedure: '0',
        incidentFlag: '0',
      },
      CustomsOfficeOfDestinationActual: { referenceNumber: 'NO371001' },
      TraderAtDestination: { identificationNumber: 'SE5561234567', name: 'Nordline Logistics AB' },
      Consignment: { LocationOfGoods: { CustomsOffice: { referenceNumber: 'NO371001' } } },
      alternativeReference: 'VOECRR123456785SE',
    });
  });

  it('never closes a mixed transit as VOEC: manual handling with the reason', () => {
    const { manifest, records } = intake();
    const decision = decideTransitClosure(
      {
        ...manifest,
        mixedTransit: {
          reason: '1 shipment is not VOEC-eligible',
          ineligibleShipmentNumbers: ['X'],
          recordedAt: 'now',
        },
      },
      records.map((r) => ({ ...r, status: 'ACCEPTED' as const })),
    );
    expect(decision).toMatchObject({
      state: 'MANUAL_HANDLING',
      reason: expect.stringContaining('cannot be partly closed'),
    });
    expect(decision.arrivalNotification).toBeUndefined();
  });
});
