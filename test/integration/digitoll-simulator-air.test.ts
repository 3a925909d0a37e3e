/**
 * The simulator's Digitoll AIR API (movement-air-api v1 + query) over real HTTP: the async model and MRNs,
 * PUT/DELETE, key lookups, scope separation from road, the air rules Tolletaten's pages state
 * (prosedyre-mo-fly-EN, mo-kodeverk-EN, kobling-oppdatering-og-sletting-EN), separate keys, per-API rate
 * limits, faults and the record. Expected texts are written out from the pages (or, for [INF] texts, from the
 * simulator README), not taken from the code under test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransportDocumentStatus } from '../../lib/digitoll/schemas.ts';
import {
  type DigitollSimulator,
  EXAMPLE_AIR_CARRIER_ID,
  EXAMPLE_CARRIER_ID,
  exampleAirHouse,
  exampleAirMaster,
  exampleAirTransport,
  exampleHouse,
  startDigitollSimulator,
  type TestClient,
} from '../../local/digitoll-simulator/index.ts';
import { AIR_PATHS, asyncErrors, ROAD_PATHS, request, SimulatorApiClient } from './support/simulator-http.ts';

const MRN = /^\d{2}NO[0-9A-Z]{14}$/;
const AIR_SCOPE = 'toll:movement/air';
const ROAD_SCOPE = 'toll:movement/road/v2';

// Texts from Tolletaten's pages (asynkrone-valideringsfeil-EN, §7.2) ...
const A14 = 'Must be a valid customs office';
const A15_VOEC =
  'Field cannot be filled out when consignmentHouseLevel.importProcedure is IMMEDIATE_RELEASE_VOEC';
const CL754_A1 =
  'Invalid code. Expected codes are one of [C624, C625, C664, C665, N703, N704, N705, N714, N720, N722, N730, N740, N741, N750, N760]';
// ... and the simulator's [INF] texts (README, "Air API").
const MODE_A1 = 'Invalid code. Expected codes are one of [4]';
const TYPE_41 =
  'transport.activeBorderTransportMeans.modeOfTransportCode is 4, then this field should have value 41';
const FLIGHT_REQUIRED =
  'transport.activeBorderTransportMeans.modeOfTransportCode is 4, then this field should be provided';
const FLIGHT_FORMAT =
  'Invalid flight number. Expected an IATA airline designator (2 characters) followed by 1 to 4 digits and an optional letter';
const HAS_OUTGOING_FALSE =
  'Field should have value false when consignmentHouseLevel.importProcedure is IMMEDIATE_RELEASE_VOEC';
const IMMUTABLE = 'Field cannot be changed after the first submission';
const UNKNOWN_MRN = 'No message of this type exists with the given MRN';

let sim: DigitollSimulator;
let carrier: TestClient;
let air: SimulatorApiClient;
let road: SimulatorApiClient;
let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid}${++seq}`;

beforeAll(async () => {
  sim = await startDigitollSimulator({ processingDelayMs: 10, rateLimitPerSecond: 0 });
  carrier = await sim.createClient({ clientId: 'airline-it', scopes: [ROAD_SCOPE, AIR_SCOPE] });
  air = new SimulatorApiClient(sim.url, AIR_PATHS, await sim.tokenFor(carrier, { scope: AIR_SCOPE }));
  road = new SimulatorApiClient(sim.url, ROAD_PATHS, await sim.tokenFor(carrier, { scope: ROAD_SCOPE }));
});
afterEach(() => sim.setFaults({}));
afterAll(async () => {
  await sim.close();
});

/** A flight with one master air waybill carrying one VOEC house, all with fresh numbers. */
function flight(options: { flightNumber?: string } = {}) {
  const masterDoc = unique('157-');
  const houseDoc = unique('SBX');
  return {
    masterDoc,
    houseDoc,
    transport: exampleAirTransport({
      masterDocumentNumbers: [masterDoc],
      flightNumber: options.flightNumber,
    }),
    master: exampleAirMaster({ documentNumber: masterDoc }),
    house: exampleAirHouse({ documentNumber: houseDoc, masterDocumentNumber: masterDoc }),
  };
}

const lookup = (
  paths: typeof AIR_PATHS,
  what: 'house' | 'master',
  documentNumber: string,
  type: string,
  carrierId = EXAMPLE_AIR_CARRIER_ID,
) =>
  `${paths.status}/${what}-consignment/transport-document/status?documentNumber=${encodeURIComponent(documentNumber)}&type=${type}&carrierId=${carrierId}`;

describe('air happy path (prosedyre-mo-fly endpoints)', () => {
  it('transport → master → house: 202, validation-status, MRNs, key lookups, descendants', async () => {
    const f = flight();
    const transportMrn = await air.accepted('transport', f.transport);
    const masterMrn = await air.accepted('master-consignment', f.master);
    const house = await air.submit('house-consignment', f.house);
    expect(house).toMatchObject({
      status: 'SUCCESS',
      documentStatus: 'SUCCESS',
      incompleteDocumentationReasonList: [],
    });
    for (const mrn of [transportMrn, masterMrn, house.mrn]) expect(mrn).toMatch(MRN);
    expect(new Set([transportMrn, masterMrn, house.mrn]).size).toBe(3);

    const byKey = await air.getWhenReady(lookup(AIR_PATHS, 'house', f.houseDoc, 'N740'));
    expect(byKey.status).toBe(200);
    expect(TransportDocumentStatus.parse(byKey.body)).toMatchObject({
      documentNumber: f.houseDoc,
      type: 'N740',
      documentStatus: 'SUCCESS',
      mrn: house.mrn,
      messageStatus: 'ACTIVE',
    });
    const master = await air.call('GET', lookup(AIR_PATHS, 'master', f.masterDoc, 'N741'));
    expect(master.status).toBe(200);
    expect(master.body).toMatchObject({
      documentNumber: f.masterDoc,
      type: 'N741',
      mrn: masterMrn,
      consignmentHouseLevel: [{ documentNumber: f.houseDoc, type: 'N740' }],
    });
    const descendants = await air.call(
      'GET',
      `${AIR_PATHS.status}/transport/${transportMrn}/status-with-descendants`,
    );
    expect(descendants.status).toBe(200);
    expect(descendants.body).toMatchObject({
      mrn: transportMrn,
      consignmentMasterLevel: [{ documentNumber: f.masterDoc, received: true }],
    });

    // The record says which API each message came through.
    const posts = sim
      .received()
      .filter((r) => r.method === 'POST' && r.path.startsWith('/api/movement/air/v1/'));
    expect(posts.map((r) => [r.path, r.api, r.outcome.status])).toEqual([
      ['/api/movement/air/v1/transport', 'air', 202],
      ['/api/movement/air/v1/master-consignment', 'air', 202],
      ['/api/movement/air/v1/house-consignment', 'air', 202],
    ]);
    expect(sim.messages().find((m) => m.mrn === house.mrn)).toMatchObject({ api: 'air', status: 'ACTIVE' });
  });

  it('PUT keeps the MRN; the flight number and the scheduled arrival never change; DELETE cancels', async () => {
    const f = flight();
    const transportMrn = await air.accepted('transport', f.transport);
    const houseMrn = await air.accepted('house-consignment', f.house);

    const later = exampleAirTransport({ masterDocumentNumbers: [f.masterDoc], etaInHours: 9 });
    const moved = await air.submit(
      'transport',
      { ...later, scheduledDateAndTimeOfArrival: f.transport.scheduledDateAndTimeOfArrival },
      { method: 'PUT', mrn: transportMrn },
    );
    expect(moved).toMatchObject({ status: 'SUCCESS', mrn: transportMrn });

    const rescheduled = await air.submit('transport', later, { method: 'PUT', mrn: transportMrn });
    expect(asyncErrors(rescheduled)).toEqual([
      { description: IMMUTABLE, path: 'scheduledDateAndTimeOfArrival' },
    ]);
    const otherFlight = {
      ...f.transport,
      activeBorderTransportMeans: {
        ...f.transport.activeBorderTransportMeans,
        conveyanceReferenceNumber: 'SK4322',
      },
    };
    const renumbered = await air.submit('transport', otherFlight, { method: 'PUT', mrn: transportMrn });
    expect(asyncErrors(renumbered)).toEqual([
      { description: IMMUTABLE, path: 'activeBorderTransportMeans.conveyanceReferenceNumber' },
    ]);

    const amended = {
      ...f.house,
      consignmentHouseLevel: { ...f.house.consignmentHouseLevel, totalGrossMass: 3.1 },
    };
    expect(await air.submit('house-consignment', amended, { method: 'PUT', mrn: houseMrn })).toMatchObject({
      status: 'SUCCESS',
      mrn: houseMrn,
    });
    expect(
      await air.submit('house-consignment', undefined, { method: 'DELETE', mrn: houseMrn }),
    ).toMatchObject({
      status: 'SUCCESS',
    });
    const gone = await air.call('GET', lookup(AIR_PATHS, 'house', f.houseDoc, 'N740'));
    expect(gone.body).toMatchObject({ mrn: houseMrn, messageStatus: 'CANCELLED', totalGrossMass: 3.1 });
  });

  it('accepts IATA flight numbers: 2-character designator, 1–4 digits, optional suffix', async () => {
    for (const flightNumber of ['EX0836', 'DY1', 'U21234A', '3U8817']) {
      const result = await air.submit('transport', flight({ flightNumber }).transport);
      expect(asyncErrors(result), flightNumber).toEqual([]);
    }
  });
});

describe('air and road are separate stores', () => {
  it('the same waybill by road and by air are two documents; MRNs and requestIds do not cross APIs', async () => {
    // The very same body (same key: number, N730, carrier) through both APIs.
    const number = unique('SAME');
    const house = exampleHouse({ documentNumber: number });
    const roadMrn = await road.accepted('house-consignment', house);
    const airMrn = await air.accepted('house-consignment', house);
    expect(airMrn).not.toBe(roadMrn);
    expect(sim.duplicates().filter((d) => d.documentNumber === number)).toEqual([]);

    const byKey = (paths: typeof AIR_PATHS) => lookup(paths, 'house', number, 'N730', EXAMPLE_CARRIER_ID);
    expect((await road.call('GET', byKey(ROAD_PATHS))).body).toMatchObject({
      mrn: roadMrn,
      activeMessagesWithKey: 1,
    });
    expect((await air.call('GET', byKey(AIR_PATHS))).body).toMatchObject({
      mrn: airMrn,
      activeMessagesWithKey: 1,
    });
    // The air house is not in the road query API, nor the road one in the air query API.
    expect(
      (await road.call('GET', `${ROAD_PATHS.status}/house-consignment/${airMrn}/transport-document/status`))
        .status,
    ).toBe(404);
    expect(
      (await air.call('GET', `${AIR_PATHS.status}/house-consignment/${roadMrn}/transport-document/status`))
        .status,
    ).toBe(404);

    // A road MRN addressed through the air API is unknown there.
    const wrongApi = await air.submit('house-consignment', undefined, { method: 'DELETE', mrn: roadMrn });
    expect(asyncErrors(wrongApi)).toEqual([{ description: UNKNOWN_MRN, path: 'masterReferenceNumber' }]);

    // A road requestId is not found under the air status API.
    const posted = await road.call(
      'POST',
      `${ROAD_PATHS.submit}/house-consignment`,
      exampleHouse({ documentNumber: unique('R') }),
    );
    const { requestId } = posted.body as { requestId: string };
    await road.getWhenReady(`${ROAD_PATHS.status}/house-consignment/validation-status/${requestId}`);
    expect(
      (await air.call('GET', `${AIR_PATHS.status}/house-consignment/validation-status/${requestId}`)).status,
    ).toBe(404);
  });

  it('an air waybill key POSTed twice while active is a duplicate, marked air', async () => {
    const f = flight();
    const first = await air.accepted('house-consignment', f.house);
    const second = await air.accepted('house-consignment', f.house);
    expect(sim.duplicates().filter((d) => d.documentNumber === f.houseDoc)).toEqual([
      {
        kind: 'house-consignment',
        api: 'air',
        documentNumber: f.houseDoc,
        type: 'N740',
        carrierId: EXAMPLE_AIR_CARRIER_ID,
        mrns: [first, second],
        count: 2,
      },
    ]);
    const viaAdmin = (await (await fetch(`${sim.url}/__sim/duplicates`)).json()) as Array<{
      documentNumber: string;
    }>;
    expect(viaAdmin.filter((d) => d.documentNumber === f.houseDoc)).toHaveLength(1);
  });
});

describe('scopes (§10: toll:movement/air for the air API, toll:movement/road/v2 for road)', () => {
  it('a road token is 403 on air, an air token 403 on road; each opens its own API', async () => {
    const roadOnly = await sim.createClient({ clientId: 'road-only', scopes: [ROAD_SCOPE] });
    const roadToken = await sim.tokenFor(roadOnly);
    const airToken = await sim.tokenFor(carrier, { scope: AIR_SCOPE });
    const entryClient = await sim.createClient({ scopes: ['toll:movement/entry'] });
    const entryToken = await sim.tokenFor(entryClient);

    const house = exampleAirHouse({ documentNumber: unique('SC') });
    const onAir = await request(sim.url, 'POST', `${AIR_PATHS.submit}/house-consignment`, {
      token: roadToken,
      body: house,
    });
    expect(onAir.status).toBe(403);
    expect(onAir.body).toMatchObject({
      status: 403,
      error: 'Forbidden',
      message: 'Token lacks scope toll:movement/air',
    });
    const onRoad = await request(sim.url, 'POST', `${ROAD_PATHS.submit}/house-consignment`, {
      token: airToken,
      body: exampleHouse(),
    });
    expect(onRoad.status).toBe(403);
    expect(onRoad.body).toMatchObject({ message: 'Token lacks scope toll:movement/road/v2' });
    expect(
      (
        await request(sim.url, 'GET', `${AIR_PATHS.status}/house-consignment/validation-status/x`, {
          token: roadToken,
        })
      ).status,
    ).toBe(403);
    expect(
      (await request(sim.url, 'GET', `${AIR_PATHS.submit}/test-auth`, { token: entryToken })).status,
    ).toBe(403);

    expect((await request(sim.url, 'GET', `${AIR_PATHS.submit}/test-auth`, { token: airToken })).status).toBe(
      200,
    );
    expect(
      (await request(sim.url, 'GET', `${ROAD_PATHS.submit}/test-auth`, { token: roadToken })).status,
    ).toBe(200);
    expect((await request(sim.url, 'POST', `${AIR_PATHS.submit}/transport`)).status).toBe(401);
    // A token asked for both scopes opens both.
    const both = await sim.tokenFor(carrier, { scope: `${ROAD_SCOPE} ${AIR_SCOPE}` });
    expect((await request(sim.url, 'GET', `${AIR_PATHS.submit}/test-auth`, { token: both })).status).toBe(
      200,
    );
    expect((await request(sim.url, 'GET', `${ROAD_PATHS.submit}/test-auth`, { token: both })).status).toBe(
      200,
    );
    const refused = house.consignmentHouseLevel.transportDocumentHouseLevel.documentNumber;
    expect(sim.messages().filter((m) => JSON.stringify(m.body).includes(refused))).toEqual([]);
  });

  it('the token endpoint refuses the air scope to a client not granted it', async () => {
    const roadOnly = await sim.createClient({ scopes: [ROAD_SCOPE] });
    await expect(sim.tokenFor(roadOnly, { scope: AIR_SCOPE })).rejects.toThrow(/invalid_scope/);
  });
});

describe('air rules (async FAILURE, validation-status)', () => {
  const withMeans = (patch: Record<string, unknown>) => {
    const t = flight().transport;
    return { ...t, activeBorderTransportMeans: { ...t.activeBorderTransportMeans, ...patch } };
  };

  it('a road border office is not an office of first entry by air (A14); an unknown office is one A14', async () => {
    const svinesund = { ...flight().transport, customsOfficeOfFirstEntry: { referenceNumber: 'NO371001' } };
    expect(asyncErrors(await air.submit('transport', svinesund))).toEqual([
      { description: A14, path: 'customsOfficeOfFirstEntry.referenceNumber' },
    ]);
    const nowhere = { ...flight().transport, customsOfficeOfFirstEntry: { referenceNumber: 'NO999999' } };
    expect(asyncErrors(await air.submit('transport', nowhere))).toEqual([
      { description: A14, path: 'customsOfficeOfFirstEntry.referenceNumber' },
    ]);
    for (const airport of ['NO351001', 'NO343001', 'NO333001']) {
      const ok = { ...flight().transport, customsOfficeOfFirstEntry: { referenceNumber: airport } };
      expect(asyncErrors(await air.submit('transport', ok)), airport).toEqual([]);
    }
  });

  it('mode of transport must be 4 (CL018 air)', async () => {
    const byTruck = withMeans({
      modeOfTransportCode: '3',
      typeOfIdentification: '30',
      conveyanceReferenceNumber: undefined,
    });
    expect(asyncErrors(await air.submit('transport', byTruck))).toEqual([
      { description: MODE_A1, path: 'activeBorderTransportMeans.modeOfTransportCode' },
    ]);
  });

  it('the aircraft is identified by its registration (CL750 41) and the flight number is required', async () => {
    expect(asyncErrors(await air.submit('transport', withMeans({ typeOfIdentification: '30' })))).toEqual([
      { description: TYPE_41, path: 'transport.activeBorderTransportMeans.typeOfIdentification' },
    ]);
    expect(
      asyncErrors(await air.submit('transport', withMeans({ conveyanceReferenceNumber: undefined }))),
    ).toEqual([
      {
        description: FLIGHT_REQUIRED,
        path: 'transport.activeBorderTransportMeans.conveyanceReferenceNumber',
      },
    ]);
    for (const bad of ['SK 4321', '157-12345675', 'SK12345', '12345', 'sk4321']) {
      expect(
        asyncErrors(await air.submit('transport', withMeans({ conveyanceReferenceNumber: bad }))),
        bad,
      ).toEqual([
        {
          description: FLIGHT_FORMAT,
          path: 'transport.activeBorderTransportMeans.conveyanceReferenceNumber',
        },
      ]);
    }
  });

  const voecHouse = (patch: Record<string, unknown>, importProcedure?: Record<string, unknown>) => {
    const h = flight().house;
    const level = h.consignmentHouseLevel;
    return {
      ...h,
      consignmentHouseLevel: {
        ...level,
        ...patch,
        importProcedure: importProcedure ?? level.importProcedure,
      },
    };
  };

  it('VOEC by air is variant 7: no previous documents, no export from the EU, no outgoing procedure', async () => {
    const transit = voecHouse({
      previousDocuments: [{ typeOfReference: 'N820', referenceNumber: '24SE000000000000T1' }],
    });
    expect(asyncErrors(await air.submit('house-consignment', transit))).toEqual([
      { description: A15_VOEC, path: 'consignmentHouseLevel.previousDocuments' },
    ]);
    // An export id the road API would look up in AES ("INVALID" = not found, A4): AES is road-only, so by
    // air only the variant-7 rule fires.
    const exported = voecHouse({
      exportFromEU: [{ exportId: '24SEINVALID0000000', typeOfExport: 'AES_EXPORT' }],
    });
    expect(asyncErrors(await air.submit('house-consignment', exported))).toEqual([
      { description: A15_VOEC, path: 'consignmentHouseLevel.exportFromEU' },
    ]);
    const outgoing = voecHouse(
      {},
      { importProcedure: 'IMMEDIATE_RELEASE_VOEC', outgoingProcedure: 'TRA', hasOutgoingProcedure: true },
    );
    expect(asyncErrors(await air.submit('house-consignment', outgoing))).toEqual([
      { description: A15_VOEC, path: 'consignmentHouseLevel.importProcedure.outgoingProcedure' },
      { description: HAS_OUTGOING_FALSE, path: 'consignmentHouseLevel.importProcedure.hasOutgoingProcedure' },
    ]);
    // hasOutgoingProcedure defaults to true (§4.3): variant 7 must send false.
    const omitted = voecHouse({}, { importProcedure: 'IMMEDIATE_RELEASE_VOEC' });
    expect(asyncErrors(await air.submit('house-consignment', omitted))).toEqual([
      { description: HAS_OUTGOING_FALSE, path: 'consignmentHouseLevel.importProcedure.hasOutgoingProcedure' },
    ]);
  });

  it('the same export reference by road still goes to AES (A4: road transport only)', async () => {
    const house = exampleHouse({ documentNumber: unique('AES') });
    const level = house.consignmentHouseLevel;
    const roadVoec = {
      ...house,
      consignmentHouseLevel: {
        ...level,
        importProcedure: {
          importProcedure: 'IMMEDIATE_RELEASE_VOEC',
          outgoingProcedure: 'EXP',
          hasOutgoingProcedure: true,
        },
        exportFromEU: [{ exportId: '24SEINVALID0000000', typeOfExport: 'AES_EXPORT' }],
      },
    };
    expect(asyncErrors(await road.submit('house-consignment', roadVoec))).toEqual([
      {
        description: 'Export of type AES_EXPORT is not found or has wrong status in AES.',
        path: 'consignmentHouseLevel.exportFromEU[0].exportId',
      },
    ]);
  });

  it('waybill types: N740/N741 and the other CL754 types are accepted, others are A1', async () => {
    const cmr = voecHouse({ transportDocumentHouseLevel: { documentNumber: unique('CMR'), type: 'N730' } });
    expect(asyncErrors(await air.submit('house-consignment', cmr))).toEqual([]);
    const bogus = voecHouse({ transportDocumentHouseLevel: { documentNumber: unique('BOG'), type: 'N999' } });
    expect(asyncErrors(await air.submit('house-consignment', bogus))).toEqual([
      { description: CL754_A1, path: 'consignmentHouseLevel.transportDocumentHouseLevel.type' },
    ]);
  });

  it('other air procedures keep their own rules (variant 15, COLLECTIVE_RELEASE, is accepted)', async () => {
    const collective = voecHouse(
      { goodsItem: undefined },
      { importProcedure: 'COLLECTIVE_RELEASE', hasOutgoingProcedure: false },
    );
    const result = await air.submit('house-consignment', collective);
    expect(result).toMatchObject({ status: 'SUCCESS', documentStatus: 'SUCCESS', validationErrorList: [] });
  });
});

describe('rate limits per API and faults on air', () => {
  it('air submission, air query and road submission each have their own bucket', async () => {
    const limited = await startDigitollSimulator({ processingDelayMs: 5, rateLimitPerSecond: 3 });
    try {
      const client = await limited.createClient({ scopes: [ROAD_SCOPE, AIR_SCOPE] });
      const token = await limited.tokenFor(client, { scope: `${ROAD_SCOPE} ${AIR_SCOPE}` });
      const get = (path: string) => request(limited.url, 'GET', path, { token });
      const burst = await Promise.all(Array.from({ length: 8 }, () => get(`${AIR_PATHS.submit}/test-auth`)));
      const refused = burst.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The air submission bucket is empty; the others are full.
      expect((await get(`${AIR_PATHS.status}/transport/validation-status/none`)).status).toBe(404);
      expect((await get(`${ROAD_PATHS.submit}/test-auth`)).status).toBe(200);
      expect((await get(`${ROAD_PATHS.status}/transport/validation-status/none`)).status).toBe(404);
      expect(
        limited
          .received()
          .filter((r) => r.outcome.status === 429)
          .every((r) => r.api === 'air'),
      ).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('faults apply to air: 500 stores nothing; a dropped answer was processed and the lookup finds it', async () => {
    const f = flight();
    sim.setFaults({ errorRate: 1 });
    const failed = await air.call('POST', `${AIR_PATHS.submit}/house-consignment`, f.house);
    expect(failed.status).toBe(500);
    expect(sim.received().at(-1)).toMatchObject({ api: 'air', outcome: { status: 500, fault: 'error' } });
    expect(sim.messages().filter((m) => JSON.stringify(m.body).includes(f.houseDoc))).toEqual([]);

    sim.setFaults({ dropResponseRate: 1 });
    await expect(air.call('POST', `${AIR_PATHS.submit}/house-consignment`, f.house)).rejects.toThrow();
    expect(sim.received().at(-1)).toMatchObject({ api: 'air', outcome: { dropped: true, fault: 'drop' } });
    sim.setFaults({});
    const found = await air.getWhenReady(lookup(AIR_PATHS, 'house', f.houseDoc, 'N740'));
    expect(found.body).toMatchObject({ documentNumber: f.houseDoc, messageStatus: 'ACTIVE' });
  });
});
