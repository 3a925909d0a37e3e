/**
 * One live house per waybill (lib/domain/one-house.ts): which shipment holds a house at Digitoll,
 * which one the partner means by a number, and what intake, adding and amending answer when the
 * number is live on another manifest. Expected values written from the rule, never computed by it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intakeAnswer, problemForConflict, shipmentChangeAnswer } from '../../functions/http/answers.ts';
import { amendShipment, type ChangeDeps, withdrawShipment } from '../../lib/domain/amend.ts';
import { addShipments, type IntakeDeps, submitManifest } from '../../lib/domain/intake.ts';
import { currentShipment, holdsHouse } from '../../lib/domain/one-house.ts';
import type { ShipmentRecord } from '../../lib/domain/records.ts';
import type { ReportState } from '../../lib/domain/report-state.ts';
import { ManifestRequest, type ShipmentInput } from '../../lib/manifest/schema.ts';
import { FakeClock, FakeQueue, FakeRepository, sequentialIds } from './fakes.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);
const RR = 'RR123456785SE';

function setup() {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const repository = new FakeRepository();
  const queue = new FakeQueue();
  const deps: IntakeDeps = { store: repository, queue, clock, ids: sequentialIds() };
  const changes: ChangeDeps = { store: repository, queue, clock };
  return { repository, queue, deps, changes };
}

/** Another manifest of the same carrier (new reference and vehicle) carrying these shipments. */
function second(
  shipments: ShipmentInput[],
  change: (m: ManifestRequest) => void = () => {},
): ManifestRequest {
  const manifest = structuredClone(example);
  manifest.reference = `${example.reference}-2`;
  if (manifest.transport.mode !== 'AIR') manifest.transport.vehicleRegistration = 'ZZ99999';
  manifest.shipments = structuredClone(shipments);
  change(manifest);
  return manifest;
}

const first = (index = 0): ShipmentInput => {
  const shipment = example.shipments[index];
  if (!shipment) throw new Error('fixture changed');
  return shipment;
};

async function created(deps: IntakeDeps, partnerId: string, request: ManifestRequest) {
  const result = await submitManifest(deps, partnerId, request);
  if (result.outcome === 'conflict') throw new Error(`conflict: ${result.conflict.reason}`);
  return result.intake;
}

const report = (phase: ReportState['phase'], extra: Partial<ReportState> = {}): ReportState => ({
  phase,
  operation: 'CREATE',
  seq: 1,
  attempts: 1,
  polls: 0,
  updatedAt: '2026-12-01T08:00:00.000Z',
  ...extra,
});
const digitollError = { message: 'A11', digitollPath: 'x' };

describe('holdsHouse', () => {
  it.each([
    ['RECEIVED (being reported)', { status: 'RECEIVED' }, true],
    ['SUBMITTED', { status: 'SUBMITTED' }, true],
    ['ACCEPTED', { status: 'ACCEPTED', mrn: '26NO0000000000001A' }, true],
    ['CANCELLED (deleted at Digitoll)', { status: 'CANCELLED', mrn: '26NO0000000000001A' }, false],
    ['REJECTED at intake (never reported)', { status: 'REJECTED' }, false],
    [
      'FAILED: Digitoll refused the first POST, with errors',
      { status: 'FAILED', report: report('FAILED', { errors: [digitollError] }) },
      false,
    ],
    [
      'FAILED: gave up (the outcome is unknown)',
      { status: 'FAILED', report: report('FAILED', { gaveUp: true, errors: [digitollError] }) },
      true,
    ],
    ['FAILED without a recorded Digitoll answer', { status: 'FAILED', report: report('FAILED') }, true],
    [
      'FAILED update of an accepted house (it has an MRN)',
      { status: 'FAILED', mrn: '26NO0000000000001A', report: report('FAILED', { errors: [digitollError] }) },
      true,
    ],
  ] as const)('%s → %s', (_what, shipment, holds) => {
    expect(holdsHouse(shipment as Pick<ShipmentRecord, 'status' | 'mrn' | 'report'>)).toBe(holds);
  });
});

describe('currentShipment', () => {
  const statuses = ['RECEIVED', 'REJECTED', 'SUBMITTED', 'ACCEPTED', 'FAILED', 'CANCELLED'] as const;
  it('never hides a live shipment behind newer ones, else it is the latest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { minLength: 1, maxLength: 6 }), (list) => {
        const latestFirst = list.map((status, i) => ({ status, manifestId: `m${9 - i}` }));
        const found = currentShipment(latestFirst);
        const firstLive = latestFirst.find((s) => !['REJECTED', 'CANCELLED', 'FAILED'].includes(s.status));
        // FAILED without a report holds (outcome unknown): it counts as live too.
        const firstHolding = latestFirst.find((s) => !['REJECTED', 'CANCELLED'].includes(s.status));
        expect(found?.current).toBe(firstHolding ?? latestFirst[0]);
        if (firstLive) expect(holdsHouse(found?.current ?? { status: 'REJECTED' })).toBe(true);
        expect(found?.others).toHaveLength(list.length - 1);
        expect(found?.others).not.toContain(found?.current);
      }),
    );
  });
});

describe('a second manifest carrying a live shipment number', () => {
  it('the finding: the example, then a manifest carrying RR123456785SE → that shipment REJECTED, the rest goes ahead', async () => {
    const { deps, queue } = setup();
    const held = await created(deps, 'p1', example);
    queue.sent = [];
    const fresh = { ...structuredClone(first(1)), shipmentNumber: 'NEW000000001SE' };
    const intake = await created(deps, 'p1', second([first(0), fresh]));

    const [refused, accepted] = intake.shipments;
    expect(refused?.status).toBe('REJECTED');
    expect(refused?.rejections).toEqual([
      {
        rule: 'SHIPMENT_NUMBER_IN_USE',
        path: '/shipmentNumber',
        message: `Shipment ${RR} is live on manifest ${held.manifest.manifestId} (reported, or being reported, to Digitoll): withdraw it there first, then submit it again`,
      },
    ]);
    expect(accepted?.status).toBe('RECEIVED');
    // Only the fresh shipment is queued for Digitoll.
    expect(queue.sent.filter((m) => m.kind === 'HOUSE').map((m) => m.shipmentNumber)).toEqual([
      'NEW000000001SE',
    ]);
    // The answer points into the request.
    const answer = intakeAnswer({ outcome: 'created', intake });
    if (!('json' in answer)) throw new Error('expected a body');
    expect(answer.status).toBe(202);
    expect(answer.json.shipments[0]?.rejections[0]?.path).toBe('/shipments/0/shipmentNumber');
  });

  it("another partner's manifest is not named", async () => {
    const { deps } = setup();
    await created(deps, 'p1', example);
    const intake = await created(deps, 'p2', second([first(0)]));
    expect(intake.shipments[0]?.rejections[0]?.message).toBe(
      `Shipment ${RR} is held by another manifest of this carrier at Digitoll; it cannot be reported twice`,
    );
  });

  it('another carrier is another waybill at Digitoll: accepted', async () => {
    const { deps } = setup();
    await created(deps, 'p1', example);
    const intake = await created(
      deps,
      'p1',
      second([first(0)], (m) => {
        m.transport.carrier.id = 'NO999999999';
      }),
    );
    expect(intake.shipments[0]?.status).toBe('RECEIVED');
  });

  it('a replay answers the refusal as stored, even once the number is free', async () => {
    const { deps, repository } = setup();
    const held = await created(deps, 'p1', example);
    const request = second([first(0)]);
    const original = await submitManifest(deps, 'p1', request);
    // The holder is withdrawn and cancelled (it was never reported) meanwhile.
    const holder = repository.shipments.get(`p1/${held.manifest.manifestId}/${RR}`);
    if (!holder) throw new Error('no holder');
    repository.shipments.set(`p1/${held.manifest.manifestId}/${RR}`, { ...holder, status: 'CANCELLED' });
    const replay = await submitManifest(deps, 'p1', request);
    expect(replay.outcome).toBe('replayed');
    if (replay.outcome !== 'replayed' || original.outcome !== 'created') throw new Error('unexpected');
    expect(replay.intake.shipments).toEqual(original.intake.shipments);
    expect(replay.intake.shipments[0]?.status).toBe('REJECTED');
    // Even once the refused copy was amended (and now reports the number), a replay answers as then.
    const amended = await amendShipment(
      { store: repository, queue: new FakeQueue(), clock: new FakeClock(new Date('2026-12-01T08:00:00Z')) },
      'p1',
      RR,
      first(0),
    );
    expect(amended.outcome).toBe('amended');
    const later = await submitManifest(deps, 'p1', request);
    if (later.outcome !== 'replayed') throw new Error('expected a replay');
    expect(later.intake.shipments).toEqual(original.intake.shipments);
  });

  it('adding it to a manifest is a conflict (409) naming the holder, and nothing is added', async () => {
    const { deps } = setup();
    const held = await created(deps, 'p1', example);
    const other = await created(deps, 'p1', second([{ ...first(1), shipmentNumber: 'OTHER0000001SE' }]));
    const fresh = { ...first(2), shipmentNumber: 'OTHER0000002SE' };
    const result = await addShipments(deps, 'p1', other.manifest.manifestId, [fresh, first(0)]);
    expect(result).toEqual({
      outcome: 'conflict',
      conflict: {
        reason: 'shipment-number-in-use',
        shipments: [{ index: 1, shipmentNumber: RR, manifestId: held.manifest.manifestId }],
      },
    });
    const problem = problemForConflict((result as Extract<typeof result, { outcome: 'conflict' }>).conflict);
    expect(problem.status).toBe(409);
    expect(problem.errors).toEqual([
      {
        path: '/shipments/1/shipmentNumber',
        code: 'in_use',
        message: `Shipment ${RR} is live on your manifest ${held.manifest.manifestId}; withdraw it with DELETE /v1/shipments/${RR} first.`,
      },
    ]);
    expect(
      (deps.store as FakeRepository).shipments.has(`p1/${other.manifest.manifestId}/OTHER0000002SE`),
    ).toBe(false);
  });

  it("another partner's holder: the 409 does not name it", async () => {
    const { deps } = setup();
    await created(deps, 'p1', example);
    const other = await created(deps, 'p2', second([{ ...first(1), shipmentNumber: 'OTHER0000001SE' }]));
    const result = await addShipments(deps, 'p2', other.manifest.manifestId, [first(0)]);
    if (result.outcome !== 'conflict') throw new Error('expected a conflict');
    expect(result.conflict).toEqual({
      reason: 'shipment-number-in-use',
      shipments: [{ index: 0, shipmentNumber: RR }],
    });
    expect(problemForConflict(result.conflict).errors?.[0]?.message).toBe(
      `Shipment ${RR} is held by another manifest of this carrier at Digitoll.`,
    );
  });

  it('withdrawn (CANCELLED), the refused copy can be amended with the same body; while live, that is a conflict', async () => {
    const { deps, changes, repository } = setup();
    const held = await created(deps, 'p1', example);
    const refusedOn = await created(deps, 'p1', second([first(0)]));
    // The live one is what the number means: amending now amends the holder, not the refused copy.
    const whileLive = await amendShipment(changes, 'p1', RR, first(0));
    expect(whileLive).toMatchObject({
      outcome: 'unchanged',
      shipment: { manifestId: held.manifest.manifestId },
    });

    // Withdrawn before it was reported: the reporter cancels it locally (simulated here).
    expect((await withdrawShipment(changes, 'p1', RR)).outcome).toBe('withdrawal-requested');
    const key = `p1/${held.manifest.manifestId}/${RR}`;
    const holder = repository.shipments.get(key);
    if (!holder) throw new Error('no holder');
    repository.shipments.set(key, { ...holder, status: 'CANCELLED' });

    const amended = await amendShipment(changes, 'p1', RR, first(0));
    expect(amended).toMatchObject({
      outcome: 'amended',
      shipment: { manifestId: refusedOn.manifest.manifestId, status: 'RECEIVED', rejections: [] },
    });
    expect(shipmentChangeAnswer(amended).status).toBe(202);

    // A third manifest is refused again: the amended copy holds the number now.
    const third = await created(
      deps,
      'p1',
      second([first(0)], (m) => {
        m.reference = 'THIRD';
      }),
    );
    expect(third.shipments[0]?.rejections[0]?.message).toContain(refusedOn.manifest.manifestId);
  });

  it('an amendment that would report a number another manifest holds is a conflict', async () => {
    const { deps, changes, repository } = setup();
    const held = await created(deps, 'p1', example);
    // A copy on another manifest that was REJECTED by the VOEC rules (it never claimed the number).
    const tooDear = structuredClone(first(0));
    for (const item of tooDear.items) item.unitValueNok = 50_000;
    const other = await created(deps, 'p1', second([tooDear]));
    expect(other.shipments[0]?.status).toBe('REJECTED');
    // Make the rejected copy the one the number means (the holder's record is hidden from the lookup).
    const holderKey = `p1/${held.manifest.manifestId}/${RR}`;
    const holder = repository.shipments.get(holderKey);
    if (!holder) throw new Error('no holder');
    repository.currentShipment = async () => other.shipments[0];
    const result = await amendShipment(changes, 'p1', RR, first(0));
    expect(result).toEqual({
      outcome: 'conflict',
      conflict: {
        reason: 'shipment-number-in-use',
        shipments: [{ shipmentNumber: RR, manifestId: held.manifest.manifestId }],
      },
    });
    const answer = shipmentChangeAnswer(result);
    expect(answer.status).toBe(409);
  });
});
