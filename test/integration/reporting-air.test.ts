/**
 * Air manifests end to end over real HTTP: the air example POSTed to the local HTTP API, reported by
 * the bundled reporter through the simulator's air API (movement-air-api v1), an ETA change, the
 * refusals at our contract, and the border sweep by air (the deadlines count back from the flight's
 * estimated arrival; TVINN drafts name the airport office).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { airTransportContent } from '../../lib/adapters/digitoll/air/mapping.ts';
import { digitollInstant } from '../../lib/adapters/digitoll/road-v2/mapping.ts';
import { ReportingSystem, waitFor } from './reporting-harness.ts';

const sys = new ReportingSystem();
const MRN = /^\d{2}NO[0-9A-Z]{14}$/;
const AIR = '/api/movement/air/';

beforeAll(async () => {
  await sys.start();
});

afterAll(async () => {
  await sys.stop();
});

beforeEach(async () => {
  sys.dumpLogsOnFailure();
  await sys.settle();
});

const withoutIssueDate = ({ documentIssueDate: _issued, ...rest }: { documentIssueDate?: string }) => rest;

const flightOf = (request: ReturnType<ReportingSystem['airManifest']>) => {
  if (request.transport.mode !== 'AIR') throw new Error('not an air manifest');
  return request.transport;
};

describe('the air example', () => {
  it('is reported through the air API: transport, master and both houses ACCEPTED with MRNs', async () => {
    const request = sys.airManifest();
    const flight = flightOf(request);
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const roadBefore = sys.requestsUnder('/api/movement/road/').length;
    const { manifestId, body } = await sys.postManifest(request);
    expect(body.shipments.map((s: { status: string }) => s.status)).toEqual(['RECEIVED', 'RECEIVED']);

    const shipments = await sys.waitForShipments(numbers);
    for (const shipment of shipments) {
      expect(shipment.status).toBe('ACCEPTED');
      expect(shipment.mrn).toMatch(MRN);
    }
    const manifest = await sys.waitForManifestReports(manifestId);
    expect(manifest.transport).toMatchObject({
      mode: 'AIR',
      flightNumber: flight.flightNumber,
      borderCrossing: 'NO351001',
      digitollStatus: 'ACCEPTED',
      mrn: expect.stringMatching(MRN),
    });
    expect(manifest.masterReport).toMatchObject({ digitollStatus: 'ACCEPTED' });

    // The simulator's record: every message came through the air API, none through road.
    const [transport, ...moreTransports] = sys
      .transports('A7-BFG')
      .filter((t) => t.mrn === manifest.transport.mrn);
    expect(moreTransports).toEqual([]);
    expect(transport).toMatchObject({ api: 'air', status: 'ACTIVE' });
    expect(transport?.body.activeBorderTransportMeans).toMatchObject({
      conveyanceReferenceNumber: flight.flightNumber,
      modeOfTransportCode: '4',
      typeOfIdentification: '41',
    });
    expect(transport?.body.scheduledDateAndTimeOfArrival).toBe(digitollInstant(flight.scheduledArrival));
    const [master] = sys.masters(request.masterConsignment.waybill.number);
    expect(master).toMatchObject({ api: 'air', mrn: manifest.masterReport.mrn, status: 'ACTIVE' });
    expect(master?.body.consignmentMasterLevel.transportDocumentMasterLevel.type).toBe('N741');
    for (const shipment of shipments) {
      expect(sys.houses(shipment.shipmentNumber)).toEqual([
        expect.objectContaining({ api: 'air', status: 'ACTIVE', mrn: shipment.mrn }),
      ]);
    }
    const posts = sys
      .requestsUnder(AIR)
      .filter((r) => r.method === 'POST')
      .map((r) => r.path);
    expect(posts).toEqual(
      expect.arrayContaining([
        '/api/movement/air/v1/transport',
        '/api/movement/air/v1/master-consignment',
        '/api/movement/air/v1/house-consignment',
      ]),
    );
    expect(sys.requestsUnder('/api/movement/road/').length).toBe(roadBefore);
    expect(sys.duplicatesOf([...numbers, request.masterConsignment.waybill.number])).toEqual([]);

    // What Digitoll holds is what the air mapping makes of what we stored (issue date aside).
    const record = await sys.readManifestRecord(manifestId);
    expect(withoutIssueDate(transport?.body ?? {})).toEqual(
      withoutIssueDate(airTransportContent(record, new Date()).body),
    );
  });

  it('an ETA change is a transport PUT on the air API: the estimated time moves, the scheduled one never', async () => {
    const request = sys.airManifest();
    const flight = flightOf(request);
    const { manifestId } = await sys.postManifest(request);
    await sys.waitForShipments(request.shipments.map((s) => s.shipmentNumber));
    const reported = await sys.waitForManifestReports(manifestId);
    const transportMrn = reported.transport.mrn as string;

    const newEta = new Date(Date.parse(flight.scheduledArrival) + 95 * 60_000);
    const reply = await sys.api('PATCH', `/v1/manifests/${manifestId}/transport`, {
      estimatedArrival: newEta.toISOString(),
    });
    expect(reply.status).toBe(202);
    const [put] = await waitFor(
      'the air transport PUT',
      () =>
        sys.requestsUnder(`/api/movement/air/v1/transport/${transportMrn}`).filter((r) => r.method === 'PUT'),
      (puts) => puts.length > 0,
    );
    expect(put?.body).toMatchObject({
      estimatedDateAndTimeOfArrival: digitollInstant(newEta),
      scheduledDateAndTimeOfArrival: digitollInstant(flight.scheduledArrival),
      activeBorderTransportMeans: { conveyanceReferenceNumber: flight.flightNumber },
    });
    await sys.settle();
    expect((await sys.getManifest(manifestId)).transport).toMatchObject({
      digitollStatus: 'ACCEPTED',
      mrn: transportMrn,
      estimatedArrival: newEta.toISOString(),
    });

    // A flight has no vehicle or driver: such a patch is a 400 pointing at the field.
    const road = await sys.api('PATCH', `/v1/manifests/${manifestId}/transport`, {
      vehicleRegistration: 'AB12345',
    });
    expect(road.status).toBe(400);
    expect(road.body.errors).toEqual([
      expect.objectContaining({ path: '/vehicleRegistration', code: 'not_for_mode' }),
    ]);
  });
});

describe('refused at our contract', () => {
  it('a wrong AWB check digit is a 400 at /masterConsignment/waybill/number', async () => {
    const request = sys.airManifest((m) => {
      m.masterConsignment.waybill.number = '157-12345674';
    });
    const reply = await sys.api('POST', '/v1/manifests', request);
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ path: '/masterConsignment/waybill/number', code: 'invalid_air_waybill' }),
    ]);
  });

  it('a road manifest without a master is a 400 that says why', async () => {
    const request: Record<string, unknown> = { ...sys.manifest() };
    delete request.masterConsignment;
    const reply = await sys.api('POST', '/v1/manifests', request);
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        path: '/masterConsignment',
        code: 'required',
        message: expect.stringContaining("houses link to the transport through the master's waybill"),
      }),
    ]);
  });
});

describe('the border sweep by air', () => {
  it('90 minutes before the flight: a refused house is NOTIFICATION_MISSING; the accepted one is not', async () => {
    const request = sys.airManifest((m) => {
      if (m.transport.mode !== 'AIR') return;
      m.transport.scheduledArrival = new Date(Date.now() + 80 * 60_000).toISOString();
      m.transport.estimatedArrival = new Date(Date.now() + 90 * 60_000).toISOString();
    });
    const [refused, ok] = request.shipments;
    if (!refused || !ok) throw new Error('the air fixture has two shipments');
    refused.voecNumber = '1234567'; // not in Digitoll's register
    await sys.postManifest(request);
    const settled = await sys.waitForShipments([refused.shipmentNumber, ok.shipmentNumber]);
    expect(settled.map((s) => s.status)).toEqual(['FAILED', 'ACCEPTED']);

    expect((await sys.api('POST', '/__local/schedules/run')).status).toBe(200);
    const alerts = (await sys.api('GET', '/v1/alerts')).body.alerts as Array<{
      shipmentNumber: string;
      flag: string;
      minutesToBorder: number;
    }>;
    const mine = alerts.filter((a) => a.shipmentNumber === refused.shipmentNumber);
    expect(mine).toEqual([expect.objectContaining({ flag: 'NOTIFICATION_MISSING' })]);
    // Counted back from the estimated arrival (90 min), not the scheduled one (80 min).
    expect(mine[0]?.minutesToBorder).toBeGreaterThan(84);
    expect(alerts.some((a) => a.shipmentNumber === ok.shipmentNumber)).toBe(false);
  });

  it('after the ETA: DECLARE_IN_TVINN, and a TVINN draft naming the flight and the airport office', async () => {
    const request = sys.airManifest((m) => {
      if (m.transport.mode !== 'AIR') return;
      m.transport.scheduledArrival = new Date(Date.now() - 25 * 60_000).toISOString();
      m.transport.estimatedArrival = new Date(Date.now() - 10 * 60_000).toISOString();
      const [first] = m.shipments;
      if (first) first.voecNumber = '1234567'; // not in Digitoll's register: never accepted
    });
    const flight = flightOf(request);
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const { manifestId } = await sys.postManifest(request);
    // Digitoll refuses the transport (its ETA passed); let every house settle before the sweep.
    const settled = await sys.waitForShipments(numbers);
    await sys.api('POST', '/__local/schedules/run');

    const notAccepted = settled.filter((s) => s.status !== 'ACCEPTED').map((s) => s.shipmentNumber);
    expect(notAccepted).toContain(request.shipments[0]?.shipmentNumber);
    const alerts = (await sys.api('GET', '/v1/alerts')).body.alerts as Array<{
      shipmentNumber: string;
      flag: string;
    }>;
    for (const number of notAccepted) {
      expect(alerts.filter((a) => a.shipmentNumber === number).map((a) => a.flag)).toContain(
        'DECLARE_IN_TVINN',
      );
    }
    const tvinn = await sys.api('GET', `/v1/manifests/${manifestId}/tvinn-declarations`);
    expect(tvinn.status).toBe(200);
    const drafts = tvinn.body.declarations as Array<Record<string, unknown>>;
    expect(drafts).toHaveLength(notAccepted.length);
    for (const draft of drafts) {
      expect(draft).toMatchObject({
        borderCrossing: 'NO351001',
        flightNumber: flight.flightNumber,
        scheduledArrival: flight.scheduledArrival,
      });
      expect(draft).not.toHaveProperty('vehicleRegistration');
    }
  });
});
