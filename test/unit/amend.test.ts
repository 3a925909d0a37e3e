import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amendShipment, TransportPatch, updateTransport, withdrawShipment } from '../../lib/domain/amend.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/domain/errors.ts';
import { type IntakeDeps, submitManifest } from '../../lib/domain/intake.ts';
import { initialReport } from '../../lib/domain/report-state.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';
import { FakeClock, FakeQueue, FakeRepository, sequentialIds } from './fakes.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);

async function setup() {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const repository = new FakeRepository();
  const queue = new FakeQueue();
  const deps: IntakeDeps = { repository, queue, clock, ids: sequentialIds() };
  const { body } = await submitManifest(deps, 'p1', example);
  queue.sent = [];
  const shipment = (n: string) => {
    const found = [...repository.shipments.values()].find((s) => s.shipmentNumber === n);
    if (!found) throw new Error(`no ${n}`);
    return found;
  };
  return { clock, repository, queue, deps, manifestId: body.manifestId, shipment };
}

const first = () => {
  const s = example.shipments[0];
  if (!s) throw new Error('fixture changed');
  return structuredClone(s);
};

describe('amending a shipment', () => {
  it('stores the new content, keeps it RECEIVED and queues its report', async () => {
    const { deps, queue, shipment, repository } = await setup();
    const input = { ...first(), goodsDescription: 'Cotton T-shirts, two colours' };
    const result = await amendShipment(deps, 'p1', input.shipmentNumber, input);
    expect(result.httpStatus).toBe(202);
    expect(shipment(input.shipmentNumber).input.goodsDescription).toBe('Cotton T-shirts, two colours');
    expect(queue.sent).toEqual([
      expect.objectContaining({ kind: 'HOUSE', shipmentNumber: input.shipmentNumber }),
    ]);
    expect(repository.events.map((e) => e.type)).toEqual(['AMENDED']);
    expect((await amendShipment(deps, 'p1', input.shipmentNumber, structuredClone(input))).httpStatus).toBe(
      200,
    );
  });

  it('refuses to change the waybill number (an immutable Digitoll key)', async () => {
    const { deps } = await setup();
    const input = { ...first(), shipmentNumber: 'NEW123' };
    await expect(amendShipment(deps, 'p1', 'RR123456785SE', input)).rejects.toMatchObject({
      status: 409,
      errors: [{ path: '/shipmentNumber', code: 'immutable' }],
    });
  });

  it('refuses an amendment that breaks a VOEC rule with 422, changing nothing', async () => {
    const { deps, shipment } = await setup();
    const input = first();
    const item = input.items[0];
    if (!item) throw new Error('fixture changed');
    item.unitValueNok = 3500;
    await expect(amendShipment(deps, 'p1', input.shipmentNumber, input)).rejects.toBeInstanceOf(
      UnprocessableError,
    );
    expect(shipment(input.shipmentNumber).input.items[0]?.unitValueNok).toBe(199);
  });

  it('brings a rejected shipment back once it is fixed, queuing transport and master too', async () => {
    const { deps, queue, repository, shipment } = await setup();
    const rejected = shipment('RR123456785SE');
    rejected.status = 'REJECTED';
    const result = await amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 2 });
    expect(result.body.status).toBe('RECEIVED');
    expect(queue.sent.map((m) => m.kind)).toEqual(['TRANSPORT', 'MASTER', 'HOUSE']);
    expect(repository.events).toHaveLength(1);
  });

  it('answers 404 for another partner and 409 after the border ETA', async () => {
    const { deps, clock } = await setup();
    await expect(amendShipment(deps, 'p2', 'RR123456785SE', first())).rejects.toBeInstanceOf(NotFoundError);
    clock.advance(24 * 3_600_000);
    await expect(
      amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 3 }),
    ).rejects.toMatchObject({
      status: 409,
      type: expect.stringMatching(/transport-crossed/),
    });
  });

  it('detects a concurrent change (optimistic version)', async () => {
    const { deps, repository, shipment } = await setup();
    const original = repository.replaceShipment.bind(repository);
    repository.replaceShipment = async (previous, next, event) => {
      shipment(previous.shipmentNumber).version++;
      return original(previous, next, event);
    };
    await expect(
      amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 4 }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('withdrawing a shipment', () => {
  it('asks the reporter to delete it at Digitoll, and is idempotent', async () => {
    const { deps, queue, shipment } = await setup();
    const result = await withdrawShipment(deps, 'p1', 'LX987654321SE');
    expect(result.httpStatus).toBe(202);
    expect(shipment('LX987654321SE').withdrawalRequestedAt).toBeDefined();
    expect(queue.sent).toEqual([expect.objectContaining({ kind: 'HOUSE', shipmentNumber: 'LX987654321SE' })]);
    expect((await withdrawShipment(deps, 'p1', 'LX987654321SE')).httpStatus).toBe(200);
    await expect(
      amendShipment(deps, 'p1', 'LX987654321SE', example.shipments[1] ?? first()),
    ).rejects.toMatchObject({
      status: 409,
    });
  });

  it('cancels a rejected shipment at once: it was never reported', async () => {
    const { deps, queue, shipment } = await setup();
    shipment('CP000111222SE').status = 'REJECTED';
    const result = await withdrawShipment(deps, 'p1', 'CP000111222SE');
    expect(result.body.status).toBe('CANCELLED');
    expect(queue.sent).toEqual([]);
  });
});

describe('updating the transport', () => {
  it('moves the ETA (UTC) and queues a transport update', async () => {
    const { deps, queue, repository, manifestId } = await setup();
    const result = await updateTransport(
      deps,
      'p1',
      manifestId,
      TransportPatch.parse({ estimatedArrival: '2026-12-01T17:30:00+01:00' }),
    );
    expect(result.httpStatus).toBe(202);
    expect(result.body.transport.estimatedArrival).toBe('2026-12-01T16:30:00.000Z');
    expect(queue.sent).toEqual([expect.objectContaining({ kind: 'TRANSPORT' })]);
    expect(repository.events.map((e) => e.type)).toEqual(['TRANSPORT_UPDATED']);
    // The first reported ETA stays Digitoll's scheduled arrival.
    expect((await repository.getManifest('p1', manifestId))?.scheduledArrival).toBe(
      '2026-12-01T13:00:00.000Z',
    );
  });

  it('refuses a new vehicle once the transport is reported, and an ETA in the past', async () => {
    const { deps, repository, manifestId } = await setup();
    const stored = repository.manifests.get(`p1/${manifestId}`);
    if (!stored) throw new Error('no manifest');
    stored.transportReport = {
      ...initialReport('2026-12-01T08:00:00Z'),
      phase: 'ACCEPTED',
      mrn: '26NO00000000000001',
    };
    await expect(
      updateTransport(deps, 'p1', manifestId, TransportPatch.parse({ vehicleRegistration: 'XYZ789' })),
    ).rejects.toMatchObject({ status: 409, errors: [{ path: '/vehicleRegistration' }] });
    await expect(
      updateTransport(
        deps,
        'p1',
        manifestId,
        TransportPatch.parse({ estimatedArrival: '2026-12-01T07:00:00Z' }),
      ),
    ).rejects.toMatchObject({ status: 422 });
    // The driver may change.
    const driver = { name: 'Anna Lind', phone: '+46709876543' };
    expect(
      (await updateTransport(deps, 'p1', manifestId, TransportPatch.parse({ driver }))).body.transport.driver,
    ).toEqual(driver);
  });

  it('moves the ETA of a late transport whose ETA has passed (nothing else without a new ETA)', async () => {
    const { deps, clock, manifestId } = await setup();
    clock.advance(6 * 3_600_000); // 14:00Z: the 13:00Z ETA has passed, the truck is late
    await expect(
      updateTransport(
        deps,
        'p1',
        manifestId,
        TransportPatch.parse({ driver: { name: 'Anna Lind', phone: '+46709876543' } }),
      ),
    ).rejects.toMatchObject({ status: 409 });
    const moved = await updateTransport(
      deps,
      'p1',
      manifestId,
      TransportPatch.parse({ estimatedArrival: '2026-12-01T16:00:00Z' }),
    );
    expect(moved.body.transport.estimatedArrival).toBe('2026-12-01T16:00:00.000Z');
  });

  it('needs at least one field', () => {
    expect(TransportPatch.safeParse({}).success).toBe(false);
  });
});
