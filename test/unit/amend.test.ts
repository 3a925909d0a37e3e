import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemFor, shipmentChangeAnswer, transportChangeAnswer } from '../../functions/http/answers.ts';
import {
  amendShipment,
  type ChangeDeps,
  type ShipmentChange,
  type TransportChange,
  updateTransport,
  withdrawShipment,
} from '../../lib/domain/amend.ts';
import { NotFound } from '../../lib/domain/errors.ts';
import { type IntakeDeps, submitManifest } from '../../lib/domain/intake.ts';
import { initialReport } from '../../lib/domain/report-state.ts';
import { ManifestRequest, TransportPatch } from '../../lib/manifest/schema.ts';
import { road } from '../road.ts';
import { FakeClock, FakeQueue, FakeRepository, sequentialIds } from './fakes.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);

async function setup() {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const repository = new FakeRepository();
  const queue = new FakeQueue();
  const intake: IntakeDeps = { store: repository, queue, clock, ids: sequentialIds() };
  const submitted = await submitManifest(intake, 'p1', example);
  if (submitted.outcome === 'conflict') throw new Error('fixture manifest refused');
  const deps: ChangeDeps = { store: repository, queue, clock };
  queue.sent = [];
  const shipment = (n: string) => {
    const found = [...repository.shipments.values()].find((s) => s.shipmentNumber === n);
    if (!found) throw new Error(`no ${n}`);
    return found;
  };
  return { clock, repository, queue, deps, manifestId: submitted.intake.manifest.manifestId, shipment };
}

/** How the partner API answers a change (functions/http/answers.ts): status, headers, problem. */
const http = (result: ShipmentChange) => shipmentChangeAnswer(result);
const httpTransport = (result: TransportChange) => transportChangeAnswer(result);
/** The shipment (or manifest) a successful change answered with. */
function changed(result: ShipmentChange) {
  if (!('shipment' in result)) throw new Error(`not changed: ${result.outcome}`);
  return result.shipment;
}
function transportOf(result: TransportChange) {
  if (!('manifest' in result)) throw new Error(`not changed: ${result.outcome}`);
  return result.manifest.transport;
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
    expect(http(result).status).toBe(202);
    expect(shipment(input.shipmentNumber).input.goodsDescription).toBe('Cotton T-shirts, two colours');
    expect(queue.sent).toEqual([
      expect.objectContaining({ kind: 'HOUSE', shipmentNumber: input.shipmentNumber }),
    ]);
    expect(repository.events.map((e) => e.type)).toEqual(['AMENDED']);
    expect(http(await amendShipment(deps, 'p1', input.shipmentNumber, structuredClone(input))).status).toBe(
      200,
    );
  });

  it('refuses to change the waybill number (an immutable Digitoll key)', async () => {
    const { deps } = await setup();
    const input = { ...first(), shipmentNumber: 'NEW123' };
    expect(http(await amendShipment(deps, 'p1', 'RR123456785SE', input))).toMatchObject({
      status: 409,
      problem: { errors: [{ path: '/shipmentNumber', code: 'immutable' }] },
    });
  });

  it('refuses an amendment that breaks a VOEC rule with 422, changing nothing', async () => {
    const { deps, shipment } = await setup();
    const input = first();
    const item = input.items[0];
    if (!item) throw new Error('fixture changed');
    item.unitValueNok = 3500;
    const refused = await amendShipment(deps, 'p1', input.shipmentNumber, input);
    expect(refused).toMatchObject({ outcome: 'refused', breach: { reason: 'voec-rules' } });
    expect(http(refused).status).toBe(422);
    expect(shipment(input.shipmentNumber).input.items[0]?.unitValueNok).toBe(199);
  });

  it('brings a rejected shipment back once it is fixed, queuing transport and master too', async () => {
    const { deps, queue, repository, shipment } = await setup();
    const rejected = shipment('RR123456785SE');
    rejected.status = 'REJECTED';
    const result = await amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 2 });
    expect(changed(result).status).toBe('RECEIVED');
    expect(queue.sent.map((m) => m.kind)).toEqual(['TRANSPORT', 'MASTER', 'HOUSE']);
    expect(repository.events).toHaveLength(1);
  });

  it('answers 404 for another partner and 409 after the border ETA', async () => {
    const { deps, clock } = await setup();
    const missing = await amendShipment(deps, 'p2', 'RR123456785SE', first()).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFound);
    expect(problemFor(missing)?.status).toBe(404);
    clock.advance(24 * 3_600_000);
    expect(http(await amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 3 }))).toMatchObject(
      {
        status: 409,
        problem: { type: expect.stringMatching(/transport-crossed/) },
      },
    );
  });

  it('detects a concurrent change (optimistic version)', async () => {
    const { deps, repository, shipment } = await setup();
    const original = repository.replaceShipment.bind(repository);
    repository.replaceShipment = async (previous, next, event) => {
      shipment(previous.shipmentNumber).version++;
      return original(previous, next, event);
    };
    const raced = await amendShipment(deps, 'p1', 'RR123456785SE', { ...first(), packages: 4 });
    expect(raced).toMatchObject({ outcome: 'conflict', conflict: { reason: 'changed-meanwhile' } });
    expect(http(raced)).toMatchObject({ status: 409, headers: { 'retry-after': '1' } });
  });
});

describe('withdrawing a shipment', () => {
  it('asks the reporter to delete it at Digitoll, and is idempotent', async () => {
    const { deps, queue, shipment } = await setup();
    const result = await withdrawShipment(deps, 'p1', 'LX987654321SE');
    expect(http(result).status).toBe(202);
    expect(shipment('LX987654321SE').withdrawalRequestedAt).toBeDefined();
    expect(queue.sent).toEqual([expect.objectContaining({ kind: 'HOUSE', shipmentNumber: 'LX987654321SE' })]);
    expect(http(await withdrawShipment(deps, 'p1', 'LX987654321SE')).status).toBe(200);
    expect(
      http(await amendShipment(deps, 'p1', 'LX987654321SE', example.shipments[1] ?? first())),
    ).toMatchObject({
      status: 409,
    });
  });

  it('cancels a rejected shipment at once: it was never reported', async () => {
    const { deps, queue, shipment } = await setup();
    shipment('CP000111222SE').status = 'REJECTED';
    const result = await withdrawShipment(deps, 'p1', 'CP000111222SE');
    expect(changed(result).status).toBe('CANCELLED');
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
    expect(httpTransport(result).status).toBe(202);
    expect(transportOf(result).estimatedArrival).toBe('2026-12-01T16:30:00.000Z');
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
    expect(
      httpTransport(
        await updateTransport(
          deps,
          'p1',
          manifestId,
          TransportPatch.parse({ vehicleRegistration: 'XYZ789' }),
        ),
      ),
    ).toMatchObject({ status: 409, problem: { errors: [{ path: '/vehicleRegistration' }] } });
    expect(
      httpTransport(
        await updateTransport(
          deps,
          'p1',
          manifestId,
          TransportPatch.parse({ estimatedArrival: '2026-12-01T07:00:00Z' }),
        ),
      ),
    ).toMatchObject({ status: 422 });
    // The driver may change.
    const driver = { name: 'Anna Lind', phone: '+46709876543' };
    expect(
      road(transportOf(await updateTransport(deps, 'p1', manifestId, TransportPatch.parse({ driver }))))
        .driver,
    ).toEqual(driver);
  });

  it('moves the ETA of a late transport whose ETA has passed (nothing else without a new ETA)', async () => {
    const { deps, clock, manifestId } = await setup();
    clock.advance(6 * 3_600_000); // 14:00Z: the 13:00Z ETA has passed, the truck is late
    expect(
      httpTransport(
        await updateTransport(
          deps,
          'p1',
          manifestId,
          TransportPatch.parse({ driver: { name: 'Anna Lind', phone: '+46709876543' } }),
        ),
      ),
    ).toMatchObject({ status: 409 });
    const moved = await updateTransport(
      deps,
      'p1',
      manifestId,
      TransportPatch.parse({ estimatedArrival: '2026-12-01T16:00:00Z' }),
    );
    expect(transportOf(moved).estimatedArrival).toBe('2026-12-01T16:00:00.000Z');
  });

  it('needs at least one field', () => {
    expect(TransportPatch.safeParse({}).success).toBe(false);
  });
});
