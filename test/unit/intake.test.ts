import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intakeAnswer, intakeBody, problemFor } from '../../functions/http/answers.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import { LimitExceeded, NotFound } from '../../lib/domain/errors.ts';
import { canonicalJson, contentHash } from '../../lib/domain/ids.ts';
import {
  addShipments,
  buildIntake,
  INTAKE_LEASE_MS,
  type IntakeDeps,
  reportMessagesFor,
  submitManifest,
} from '../../lib/domain/intake.ts';
import type { Intake } from '../../lib/domain/outcomes.ts';
import { reportMessageKey } from '../../lib/domain/report-message.ts';
import {
  completeStalledIntakes,
  type StalledIntakeDeps,
  WAIT_FOR_PARTNER_MS,
} from '../../lib/domain/stalled-intakes.ts';
import { LIMITS, ManifestRequest } from '../../lib/manifest/schema.ts';
import { road } from '../road.ts';
import { FakeClock, FakeQueue, FakeRepository, sequentialIds } from './fakes.ts';

const example: ManifestRequest = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);

function setup() {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const repository = new FakeRepository();
  const queue = new FakeQueue();
  const deps: IntakeDeps = { store: repository, queue, clock, ids: sequentialIds() };
  const stalled: StalledIntakeDeps = { store: repository, queue, clock };
  return { clock, repository, queue, deps, stalled };
}

/** The HTTP status the partner gets for an intake outcome (functions/http/answers.ts). */
const statusOf = (result: Parameters<typeof intakeAnswer>[0]) => intakeAnswer(result).status;

/** The intake of an outcome that has one (throws on a conflict, failing the test). */
function intakeOf(result: Awaited<ReturnType<typeof submitManifest | typeof addShipments>>): Intake {
  if (result.outcome === 'conflict') throw new Error(`conflict: ${result.conflict.reason}`);
  return result.intake;
}
const manifestIdOf = (result: Awaited<ReturnType<typeof submitManifest>>) =>
  intakeOf(result).manifest.manifestId;

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
    expect(statusOf(result)).toBe(202);
    expect(repository.shipments.size).toBe(3);
    expect(queue.sent.map((m) => m.kind)).toEqual(['TRANSPORT', 'MASTER', 'HOUSE', 'HOUSE', 'HOUSE']);
    expect(repository.claims.get('p1/NORDLINE-2026-12-01-0042')?.state).toBe('COMPLETE');
    expect((await repository.getManifest('p1', manifestIdOf(result)))?.intake).toBe('COMPLETE');
  });

  it('stores ETAs in UTC', async () => {
    const { deps, repository } = setup();
    const manifestId = manifestIdOf(await submitManifest(deps, 'p1', example));
    expect((await repository.getManifest('p1', manifestId))?.transport.estimatedArrival).toBe(
      '2026-12-01T13:00:00.000Z',
    );
  });

  it('queues nothing when every shipment is rejected', async () => {
    const { deps, queue } = setup();
    const allBusiness = structuredClone(example);
    allBusiness.reference = 'business';
    for (const s of allBusiness.shipments) s.consignee.type = 'BUSINESS';
    queue.sent = [];
    const result = await submitManifest(deps, 'p1', allBusiness);
    expect(intakeBody(intakeOf(result)).counts).toEqual({ REJECTED: 3 });
    expect(queue.sent).toEqual([]);
  });

  it('answers a repeat with the original answer, and a changed body with 409', async () => {
    const { deps, clock } = setup();
    const first = await submitManifest(deps, 'p1', example);
    clock.advance(3 * 3_600_000); // later, when the same body would be LATE: the answer must not change
    const again = await submitManifest(deps, 'p1', structuredClone(example));
    expect(statusOf(again)).toBe(200);
    expect(again).toEqual({ outcome: 'replayed', intake: intakeOf(first) });
    expect(intakeAnswer(again)).toEqual({ status: 200, json: intakeBody(intakeOf(first)) });
    const changed = structuredClone(example);
    road(changed.transport).vehicleRegistration = 'XYZ999';
    const conflict = await submitManifest(deps, 'p1', changed);
    expect(conflict).toMatchObject({ outcome: 'conflict', conflict: { reason: 'reference-reused' } });
    expect(statusOf(conflict)).toBe(409);
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
    const busy = await submitManifest(deps, 'p1', structuredClone(example));
    expect(intakeAnswer(busy)).toMatchObject({ status: 409, headers: { 'retry-after': '2' } });
    clock.advance(INTAKE_LEASE_MS + 1);
    const retry = await submitManifest(deps, 'p1', structuredClone(example));
    expect(statusOf(retry)).toBe(202);
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
          expect([...repository.manifests.values()][0]?.manifestId).toBe(manifestIdOf(final));
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
    const { manifest: record, records } = buildIntake(
      { partnerId: 'p', manifestId: 'm', receivedAt: '2026-12-01T08:00:00Z' },
      manifest,
    );
    const response = intakeBody({ manifest: record, shipments: records });
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
    const manifestId = manifestIdOf(await submitManifest(deps, 'p1', example));
    const extra = withShipments(2).shipments;
    expect(statusOf(await addShipments(deps, 'p1', manifestId, extra))).toBe(202);
    queue.sent = [];
    const repeat = await addShipments(deps, 'p1', manifestId, structuredClone(extra));
    expect(statusOf(repeat)).toBe(200);
    // Re-queued while RECEIVED, in case the first attempt died before queueing.
    expect(queue.sent.filter((m) => m.kind === 'HOUSE')).toHaveLength(2);
    const changed = structuredClone(extra);
    if (!changed[0]) throw new Error('no shipment');
    changed[0].packages = 9;
    const conflict = await addShipments(deps, 'p1', manifestId, changed);
    expect(conflict).toMatchObject({ outcome: 'conflict', conflict: { reason: 'shipment-exists' } });
    expect(intakeAnswer(conflict)).toMatchObject({
      status: 409,
      problem: { errors: [{ path: '/shipments/0/shipmentNumber', code: 'already_exists' }] },
    });
    const missing = await addShipments(deps, 'p2', manifestId, extra).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFound);
    expect(problemFor(missing)?.status).toBe(404);
  });

  it('enforces the shipments-per-manifest limit with 413', async () => {
    const { deps } = setup();
    const manifestId = manifestIdOf(
      await submitManifest(deps, 'p1', withShipments(LIMITS.shipmentsPerManifest - 1)),
    );
    const two = withShipments(2).shipments.map((s, i) => ({ ...s, shipmentNumber: `X${i}` }));
    const error = await addShipments(deps, 'p1', manifestId, two).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceeded);
    expect(problemFor(error)?.status).toBe(413);
  });

  it('marks the transit mixed when an added shipment is not VOEC-eligible', async () => {
    const { deps, repository } = setup();
    const manifestId = manifestIdOf(await submitManifest(deps, 'p1', example));
    const business = withShipments(1).shipments.map((s) => ({
      ...s,
      shipmentNumber: 'B1',
      consignee: { ...s.consignee, type: 'BUSINESS' as const },
    }));
    const result = await addShipments(deps, 'p1', manifestId, business);
    expect(intakeBody(intakeOf(result)).transit?.mixed).toBe(true);
    expect((await repository.getManifest('p1', manifestId))?.mixedTransit?.ineligibleShipmentNumbers).toEqual(
      ['B1'],
    );
  });
});

describe('completeStalledIntakes', () => {
  it('completes a stalled intake whose shipments are all stored, once', async () => {
    const { deps, stalled, repository, queue, clock } = setup();
    queue.failAfter = 1;
    repository.releaseLease = async () => {};
    await expect(submitManifest(deps, 'p1', example)).rejects.toThrow();
    queue.failAfter = Number.POSITIVE_INFINITY;
    expect((await completeStalledIntakes(stalled)).completed).toEqual([]);
    clock.advance(INTAKE_LEASE_MS + 1);
    const report = await completeStalledIntakes(stalled);
    expect(report.completed).toHaveLength(1);
    expect(new Set(queue.sent.map(reportMessageKey)).size).toBe(5);
    expect((await completeStalledIntakes(stalled)).completed).toEqual([]);
  });

  it('waits for the partner when shipments are missing, without blocking the partner', async () => {
    const { deps, stalled, repository, clock } = setup();
    repository.failPutShipmentsAfter = 1;
    repository.releaseLease = async () => {};
    await expect(submitManifest(deps, 'p1', example)).rejects.toThrow();
    repository.failPutShipmentsAfter = Number.POSITIVE_INFINITY;
    clock.advance(INTAKE_LEASE_MS + 1);
    expect((await completeStalledIntakes(stalled)).waitingForPartner).toHaveLength(1);
    expect((await completeStalledIntakes(stalled)).waitingForPartner).toEqual([]);
    clock.advance(WAIT_FOR_PARTNER_MS);
    expect((await completeStalledIntakes(stalled)).waitingForPartner).toHaveLength(1);
    expect(statusOf(await submitManifest(deps, 'p1', structuredClone(example)))).toBe(202);
  });
});

describe('the intake lease', () => {
  it('outlasts the intake function, so a live request never loses it', () => {
    expect(INTAKE_LEASE_MS).toBeGreaterThan(FUNCTION_TIMEOUT_SECONDS.http * 1000);
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
