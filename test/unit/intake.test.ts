import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PayloadTooLargeError } from '../../lib/domain/errors.ts';
import { canonicalJson, contentHash } from '../../lib/domain/ids.ts';
import {
  addShipments,
  buildIntake,
  INTAKE_LEASE_MS,
  type IntakeDeps,
  reportMessagesFor,
  submitManifest,
} from '../../lib/domain/intake.ts';
import { reportMessageKey } from '../../lib/domain/report-message.ts';
import { completeStalledIntakes, WAIT_FOR_PARTNER_MS } from '../../lib/domain/stalled-intakes.ts';
import { LIMITS, ManifestRequest } from '../../lib/manifest/schema.ts';
import { FakeClock, FakeQueue, FakeRepository, sequentialIds } from './fakes.ts';

const example: ManifestRequest = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);

function setup() {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const repository = new FakeRepository();
  const queue = new FakeQueue();
  const deps: IntakeDeps = { repository, queue, clock, ids: sequentialIds() };
  return { clock, repository, queue, deps };
}

const withShipments = (count: number): ManifestRequest => {
  const [template] = example.shipments;
  if (!template) throw new Error('fixture changed');
  return {
    ...structuredClone(example),
    shipments: Array.from({ length: count }, (_, i) => ({
      ...structuredClone(template),
      shipmentNumber: `S${i}`,
    })),
  };
};

describe('submitManifest', () => {
  it('stores every shipment, queues transport + master + houses, and completes the claim', async () => {
    const { deps, repository, queue } = setup();
    const result = await submitManifest(deps, 'p1', example);
    expect(result.httpStatus).toBe(202);
    expect(repository.shipments.size).toBe(3);
    expect(queue.sent.map((m) => m.kind)).toEqual(['TRANSPORT', 'MASTER', 'HOUSE', 'HOUSE', 'HOUSE']);
    expect(repository.claims.get('p1/NORDLINE-2026-12-01-0042')?.state).toBe('COMPLETE');
    expect((await repository.getManifest('p1', result.body.manifestId))?.intake).toBe('COMPLETE');
  });

  it('stores ETAs in UTC', async () => {
    const { deps, repository } = setup();
    const { body } = await submitManifest(deps, 'p1', example);
    expect((await repository.getManifest('p1', body.manifestId))?.transport.estimatedArrival).toBe(
      '2026-12-01T13:00:00.000Z',
    );
  });

  it('queues no master without a master consignment, and nothing when every shipment is rejected', async () => {
    const { deps, queue } = setup();
    const { masterConsignment: _m, ...direct } = structuredClone(example);
    await submitManifest(deps, 'p1', { ...direct, reference: 'direct' });
    expect(queue.sent.map((m) => m.kind)).toEqual(['TRANSPORT', 'HOUSE', 'HOUSE', 'HOUSE']);

    const allBusiness = structuredClone(example);
    allBusiness.reference = 'business';
    for (const s of allBusiness.shipments) s.consignee.type = 'BUSINESS';
    queue.sent = [];
    const result = await submitManifest(deps, 'p1', allBusiness);
    expect(result.body.counts).toEqual({ REJECTED: 3 });
    expect(queue.sent).toEqual([]);
  });

  it('answers a repeat with the original answer, and a changed body with 409', async () => {
    const { deps, clock } = setup();
    const first = await submitManifest(deps, 'p1', example);
    clock.advance(3 * 3_600_000); // later, when the same body would be LATE: the answer must not change
    const again = await submitManifest(deps, 'p1', structuredClone(example));
    expect(again).toEqual({ httpStatus: 200, body: first.body });
    const changed = structuredClone(example);
    changed.transport.vehicleRegistration = 'XYZ999';
    await expect(submitManifest(deps, 'p1', changed)).rejects.toBeInstanceOf(ConflictError);
  });

  it('answers 409 in-progress while another request holds the lease, and takes over once it ends', async () => {
    const { deps, repository, queue, clock } = setup();
    queue.failAfter = 2;
    // Simulate a crash that could not release the lease.
    repository.releaseLease = async () => {
      throw new Error('crashed');
    };
    await expect(submitManifest(deps, 'p1', example)).rejects.toThrow('queue down');
    queue.failAfter = Number.POSITIVE_INFINITY;
    const busy = submitManifest(deps, 'p1', structuredClone(example));
    await expect(busy).rejects.toMatchObject({ status: 409, headers: { 'retry-after': '2' } });
    clock.advance(INTAKE_LEASE_MS + 1);
    const retry = await submitManifest(deps, 'p1', structuredClone(example));
    expect(retry.httpStatus).toBe(202);
    expect(new Set(queue.sent.map(reportMessageKey)).size).toBe(5);
    expect(repository.shipments.size).toBe(3);
  });

  it('never loses or duplicates a shipment whatever step fails (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        async (count, tableFailsAfter, queueFailsAfter) => {
          const { deps, repository, queue } = setup();
          const manifest = withShipments(count);
          repository.failPutShipmentsAfter = tableFailsAfter;
          queue.failAfter = queueFailsAfter;
          await submitManifest(deps, 'p', manifest).catch(() => undefined);
          repository.failPutShipmentsAfter = Number.POSITIVE_INFINITY;
          queue.failAfter = Number.POSITIVE_INFINITY;
          const final = await submitManifest(deps, 'p', structuredClone(manifest));
          expect(repository.shipments.size).toBe(count);
          expect(new Set(queue.sent.map(reportMessageKey)).size).toBe(count + 2);
          expect(repository.manifests.size).toBe(1);
          expect([...repository.manifests.values()][0]?.manifestId).toBe(final.body.manifestId);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('buildIntake', () => {
  it('is deterministic for the same claim and body', () => {
    const claim = { partnerId: 'p', manifestId: 'm1', receivedAt: '2026-12-01T08:00:00.000Z' };
    expect(buildIntake(claim, example)).toEqual(buildIntake(claim, structuredClone(example)));
  });

  it('points rejection paths into the request', () => {
    const manifest = structuredClone(example);
    const item = manifest.shipments[2]?.items[1];
    if (!item) throw new Error('fixture changed');
    item.unitValueNok = 3000;
    const { response } = buildIntake(
      { partnerId: 'p', manifestId: 'm', receivedAt: '2026-12-01T08:00:00Z' },
      manifest,
    );
    expect(response.shipments[2]?.rejections).toEqual([
      expect.objectContaining({ rule: 'ITEM_VALUE_LIMIT', path: '/shipments/2/items/1/unitValueNok' }),
    ]);
  });
});

describe('reportMessagesFor', () => {
  it('sends houses only for RECEIVED shipments, after the transport and master', () => {
    const messages = reportMessagesFor(
      { partnerId: 'p', manifestId: 'm', masterConsignment: example.masterConsignment },
      [
        { shipmentNumber: 'a', status: 'RECEIVED' },
        { shipmentNumber: 'b', status: 'REJECTED' },
        { shipmentNumber: 'c', status: 'RECEIVED' },
      ],
    );
    expect(messages.map(reportMessageKey)).toEqual([
      'p/m/TRANSPORT',
      'p/m/MASTER',
      'p/m/HOUSE/a',
      'p/m/HOUSE/c',
    ]);
  });
});

describe('addShipments', () => {
  it('adds new shipments, answers repeats with 200, refuses changed ones and unknown manifests', async () => {
    const { deps, queue } = setup();
    const { body } = await submitManifest(deps, 'p1', example);
    const extra = withShipments(2).shipments;
    expect((await addShipments(deps, 'p1', body.manifestId, extra)).httpStatus).toBe(202);
    queue.sent = [];
    const repeat = await addShipments(deps, 'p1', body.manifestId, structuredClone(extra));
    expect(repeat.httpStatus).toBe(200);
    // Re-queued while RECEIVED, in case the first attempt died before queueing.
    expect(queue.sent.filter((m) => m.kind === 'HOUSE')).toHaveLength(2);
    const changed = structuredClone(extra);
    if (!changed[0]) throw new Error('no shipment');
    changed[0].packages = 9;
    await expect(addShipments(deps, 'p1', body.manifestId, changed)).rejects.toBeInstanceOf(ConflictError);
    await expect(addShipments(deps, 'p2', body.manifestId, extra)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('enforces the shipments-per-manifest limit with 413', async () => {
    const { deps } = setup();
    const { body } = await submitManifest(deps, 'p1', withShipments(LIMITS.shipmentsPerManifest - 1));
    const two = withShipments(2).shipments.map((s, i) => ({ ...s, shipmentNumber: `X${i}` }));
    await expect(addShipments(deps, 'p1', body.manifestId, two)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('marks the transit mixed when an added shipment is not VOEC-eligible', async () => {
    const { deps, repository } = setup();
    const { body } = await submitManifest(deps, 'p1', example);
    const business = withShipments(1).shipments.map((s) => ({
      ...s,
      shipmentNumber: 'B1',
      consignee: { ...s.consignee, type: 'BUSINESS' as const },
    }));
    const result = await addShipments(deps, 'p1', body.manifestId, business);
    expect(result.body.transit?.mixed).toBe(true);
    expect(
      (await repository.getManifest('p1', body.manifestId))?.mixedTransit?.ineligibleShipmentNumbers,
    ).toEqual(['B1']);
  });
});

describe('completeStalledIntakes', () => {
  it('completes a stalled intake whose shipments are all stored, once', async () => {
    const { deps, repository, queue, clock } = setup();
    queue.failAfter = 1;
    repository.releaseLease = async () => {};
    await expect(submitManifest(deps, 'p1', example)).rejects.toThrow();
    queue.failAfter = Number.POSITIVE_INFINITY;
    expect((await completeStalledIntakes(deps)).completed).toEqual([]);
    clock.advance(INTAKE_LEASE_MS + 1);
    const report = await completeStalledIntakes(deps);
    expect(report.completed).toHaveLength(1);
    expect(new Set(queue.sent.map(reportMessageKey)).size).toBe(5);
    expect((await completeStalledIntakes(deps)).completed).toEqual([]);
  });

  it('waits for the partner when shipments are missing, without blocking the partner', async () => {
    const { deps, repository, clock } = setup();
    repository.failPutShipmentsAfter = 1;
    repository.releaseLease = async () => {};
    await expect(submitManifest(deps, 'p1', example)).rejects.toThrow();
    repository.failPutShipmentsAfter = Number.POSITIVE_INFINITY;
    clock.advance(INTAKE_LEASE_MS + 1);
    expect((await completeStalledIntakes(deps)).waitingForPartner).toHaveLength(1);
    expect((await completeStalledIntakes(deps)).waitingForPartner).toEqual([]);
    clock.advance(WAIT_FOR_PARTNER_MS);
    expect((await completeStalledIntakes(deps)).waitingForPartner).toHaveLength(1);
    expect((await submitManifest(deps, 'p1', structuredClone(example))).httpStatus).toBe(202);
  });
});

describe('content hashing', () => {
  it('ignores key order and spacing, not values', () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
