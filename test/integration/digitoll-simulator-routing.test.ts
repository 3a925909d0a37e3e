/**
 * The simulator's arrivals and routing API over real HTTP (`digitoll-road-v2.md` §9.2, Tolletaten's
 * vei-fly-EN): nothing before arrival, TO_ENTRY for every house at arrival, per-waybill decisions before and
 * after arrival (the latest signal wins), paging with markers, who sees what (vei-fly example 1), unknown
 * markers, scopes, rate limit, faults, the knobs' validation, and arrival stopping the 72-hour auto-cancel.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RoutingPage, type RoutingSignal } from '../../lib/digitoll/routing-schemas.ts';
import {
  type DigitollSimulator,
  exampleAirHouse,
  exampleAirMaster,
  exampleAirTransport,
  exampleHouse,
  exampleMaster,
  exampleTransport,
  startDigitollSimulator,
} from '../../local/digitoll-simulator/index.ts';
import {
  AIR_PATHS,
  type HttpAnswer,
  ROAD_PATHS,
  request,
  SimulatorApiClient,
} from './support/simulator-http.ts';

const ROUTING = '/api/movement/routing/v1/house-consignment';
const ROAD = 'toll:movement/road/v2';
const AIR = 'toll:movement/air';
const ENTRY = 'toll:movement/entry';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UNKNOWN_MARKER = {
  validationErrors: [
    { field: 'marker', error: 'marker does not refer to a routing result available to the caller' },
  ],
};

interface Party {
  road: SimulatorApiClient;
  air: SimulatorApiClient;
  entryToken: string;
}

let sim: DigitollSimulator;
const parties: Record<string, Party> = {};
let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid}${++seq}`;

/** A client of its own organisation, with a movement token per API and a routing token. */
async function party(name: string, orgNo: string): Promise<Party> {
  const client = await sim.createClient({ clientId: name, orgNo, scopes: [ROAD, AIR, ENTRY] });
  return {
    road: new SimulatorApiClient(sim.url, ROAD_PATHS, await sim.tokenFor(client, { scope: ROAD })),
    air: new SimulatorApiClient(sim.url, AIR_PATHS, await sim.tokenFor(client, { scope: AIR })),
    entryToken: await sim.tokenFor(client, { scope: ENTRY }),
  };
}

const who = (name: string): Party => {
  const found = parties[name];
  if (!found) throw new Error(`no party ${name}`);
  return found;
};

beforeAll(async () => {
  sim = await startDigitollSimulator({ processingDelayMs: 5, rateLimitPerSecond: 0, routingPageSize: 2 });
  // vei-fly example 1: the carrier sends the transport, two forwarders a master each, a shop its houses.
  parties.carrier = await party('norsk-transport', '911111111');
  parties.forwarderA = await party('speditor-1', '922222222');
  parties.forwarderB = await party('speditor-2', '933333333');
  parties.shop = await party('webshop', '944444444');
  // Named as customs representative on the transport (exampleTransport: NO999888777), sent nothing.
  parties.representative = await party('grensespedisjon', '999888777');
  parties.outsider = await party('someone-else', '955555555');
});
beforeEach(() => {
  sim.setFaults({});
  sim.reset();
});
afterAll(async () => {
  await sim.close();
});

const routingGet = (token: string, marker?: string): Promise<HttpAnswer> =>
  request(
    sim.url,
    'GET',
    marker === undefined ? ROUTING : `${ROUTING}?marker=${encodeURIComponent(marker)}`,
    {
      token,
    },
  );

async function page(name: string, marker?: string): Promise<RoutingSignal[]> {
  const answer = await routingGet(who(name).entryToken, marker);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return RoutingPage.parse(answer.body);
}

/** Every signal after `marker`, paging until the empty list; returns the pages' sizes too. */
async function drain(name: string, marker?: string): Promise<{ signals: RoutingSignal[]; sizes: number[] }> {
  const signals: RoutingSignal[] = [];
  const sizes: number[] = [];
  let next = marker;
  for (;;) {
    const items = await page(name, next);
    sizes.push(items.length);
    if (items.length === 0) return { signals, sizes };
    signals.push(...items);
    next = items.at(-1)?.routingResult.id;
  }
}

const brief = (signals: RoutingSignal[]) =>
  signals.map((s) => [s.referenceNumber, s.routingResult.routing, s.routingResult.routingControlLocation]);

const admin = async (method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
  request(sim.url, method, path, { body });

/** vei-fly example 1 by road: masters A (forwarder 1) and B (forwarder 2) on the carrier's truck. */
async function roadTrip() {
  const [masterA, masterB] = [unique('MA'), unique('MB')];
  const [a1, a2, b1] = [unique('A1-'), unique('A2-'), unique('B1-')];
  const transportMrn = await who('carrier').road.accepted(
    'transport',
    exampleTransport({ masterDocumentNumbers: [masterA, masterB] }),
  );
  await who('forwarderA').road.accepted('master-consignment', exampleMaster({ documentNumber: masterA }));
  await who('forwarderB').road.accepted('master-consignment', exampleMaster({ documentNumber: masterB }));
  for (const house of [a1, a2]) {
    await who('shop').road.accepted(
      'house-consignment',
      exampleHouse({ documentNumber: house, masterDocumentNumber: masterA }),
    );
  }
  await who('forwarderB').road.accepted(
    'house-consignment',
    exampleHouse({ documentNumber: b1, masterDocumentNumber: masterB }),
  );
  return { transportMrn, a1, a2, b1 };
}

const arrive = (transportMrn: string) => admin('POST', '/__sim/arrivals', { transportMrn });
const decide = (body: unknown) => admin('POST', '/__sim/routing', body);

describe('arrival and paging', () => {
  it('nothing before arrival; at arrival TO_ENTRY for every house, in pages of 2 with markers', async () => {
    const trip = await roadTrip();
    expect(await page('carrier')).toEqual([]);

    const arrived = await arrive(trip.transportMrn);
    expect(arrived.status).toBe(200);
    expect(arrived.body).toMatchObject({
      ok: true,
      arrival: { api: 'road', transportMrn: trip.transportMrn },
      alreadyArrived: false,
    });
    expect((arrived.body as { published: unknown[] }).published).toHaveLength(3);

    const first = await page('carrier');
    expect(first.map((s) => s.referenceNumber)).toEqual([trip.a1, trip.a2]);
    for (const signal of first) {
      expect(signal).toEqual({
        referenceNumber: signal.referenceNumber,
        type: 'N730',
        routingResult: {
          id: expect.stringMatching(UUID),
          routing: 'TO_ENTRY',
          timestamp: expect.stringMatching(INSTANT),
        },
      });
    }
    const second = await page('carrier', first[1]?.routingResult.id);
    expect(brief(second)).toEqual([[trip.b1, 'TO_ENTRY', undefined]]);
    expect(await page('carrier', second[0]?.routingResult.id)).toEqual([]);

    // The camera seeing the truck again publishes nothing new.
    const again = await arrive(trip.transportMrn);
    expect(again.body).toMatchObject({ ok: true, alreadyArrived: true, published: [] });
    expect(await page('carrier', second[0]?.routingResult.id)).toEqual([]);
  });

  it('an empty marker= reads from the beginning', async () => {
    const trip = await roadTrip();
    await arrive(trip.transportMrn);
    const answer = await request(sim.url, 'GET', `${ROUTING}?marker=`, { token: who('carrier').entryToken });
    expect(RoutingPage.parse(answer.body).map((s) => s.referenceNumber)).toEqual([trip.a1, trip.a2]);
  });
});

describe('who sees what (vei-fly: transport, master and house submitters, and the representative)', () => {
  it('each organisation gets the houses of its own messages', async () => {
    const trip = await roadTrip();
    await arrive(trip.transportMrn);
    const seen = async (name: string) => (await drain(name)).signals.map((s) => s.referenceNumber);
    expect(await seen('carrier')).toEqual([trip.a1, trip.a2, trip.b1]);
    expect(await seen('forwarderA')).toEqual([trip.a1, trip.a2]);
    expect(await seen('forwarderB')).toEqual([trip.b1]);
    expect(await seen('shop')).toEqual([trip.a1, trip.a2]);
    expect(await seen('representative')).toEqual([trip.a1, trip.a2, trip.b1]);
    expect(await seen('outsider')).toEqual([]);
    expect((await drain('carrier')).sizes).toEqual([2, 1, 0]);
  });

  it('a marker the caller may not see, or that does not exist, is a 400', async () => {
    const trip = await roadTrip();
    await arrive(trip.transportMrn);
    const all = (await drain('carrier')).signals;
    const b1 = all.find((s) => s.referenceNumber === trip.b1)?.routingResult.id;
    const notTheirs = await routingGet(who('forwarderA').entryToken, b1);
    expect(notTheirs.status).toBe(400);
    expect(notTheirs.body).toEqual(UNKNOWN_MARKER);
    const unknown = await routingGet(who('carrier').entryToken, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(UNKNOWN_MARKER);
    expect((await routingGet(who('carrier').entryToken, 'not-a-marker')).body).toEqual(UNKNOWN_MARKER);
  });
});

describe('per-waybill decisions (POST /__sim/routing)', () => {
  it('before arrival they set what arrival publishes; after arrival they publish at once; the latest wins', async () => {
    const trip = await roadTrip();
    const toControl = await decide({ waybill: trip.a2, routing: 'TO_CONTROL' });
    expect(toControl.status).toBe(200);
    expect(toControl.body).toEqual({
      waybill: trip.a2,
      routing: 'TO_CONTROL',
      controlLocation: 'ON_ENTRY',
      published: [],
    });
    expect((await decide({ waybill: trip.b1, routing: 'ENTRY_DENIED' })).status).toBe(200);
    expect(await page('carrier')).toEqual([]); // still not arrived

    await arrive(trip.transportMrn);
    const atArrival = await drain('carrier');
    expect(brief(atArrival.signals)).toEqual([
      [trip.a1, 'TO_ENTRY', undefined],
      [trip.a2, 'TO_CONTROL', 'ON_ENTRY'],
      [trip.b1, 'ENTRY_DENIED', undefined],
    ]);
    const marker = atArrival.signals.at(-1)?.routingResult.id;
    const forwarderBMarker = (await drain('forwarderB')).signals.at(-1)?.routingResult.id;

    const pending = await decide({
      waybill: trip.a1,
      routing: 'ENTRY_PENDING',
      controlLocation: 'AFTER_ENTRY',
    });
    expect((pending.body as { published: unknown[] }).published).toHaveLength(1);
    await decide({ waybill: trip.a1, routing: 'TO_ENTRY' });
    const after = await drain('carrier', marker);
    expect(brief(after.signals)).toEqual([
      [trip.a1, 'ENTRY_PENDING', 'AFTER_ENTRY'],
      [trip.a1, 'TO_ENTRY', undefined],
    ]);
    expect(new Set([...atArrival.signals, ...after.signals].map((s) => s.routingResult.id)).size).toBe(5);
    // The shop sees the new signals for its house; forwarder 2 has nothing new.
    expect(brief((await drain('shop')).signals).slice(-2)).toEqual(brief(after.signals));
    expect(await page('forwarderB', forwarderBMarker)).toEqual([]);

    const snapshot = (await admin('GET', '/__sim/routing')).body as {
      arrivals: unknown[];
      decisions: unknown[];
      signals: Array<{ houseMrn: string; transportMrn: string; api: string; audience: string[] }>;
    };
    expect(snapshot.arrivals).toEqual([
      { api: 'road', transportMrn: trip.transportMrn, arrivedAt: expect.any(String) },
    ]);
    expect(snapshot.decisions).toHaveLength(3);
    expect(snapshot.signals).toHaveLength(5);
    expect(snapshot.signals[0]).toMatchObject({ api: 'road', transportMrn: trip.transportMrn });
    expect(snapshot.signals[0]?.audience.sort()).toEqual([
      '911111111',
      '922222222',
      '944444444',
      '999888777',
    ]);
  });

  it('by air: Avinor registers the flight and its air waybills are routed (N740)', async () => {
    const masterDoc = unique('157-');
    const houseDoc = unique('SBX');
    const carrier = who('carrier').air;
    const transportMrn = await carrier.accepted(
      'transport',
      exampleAirTransport({ masterDocumentNumbers: [masterDoc] }),
    );
    await carrier.accepted('master-consignment', exampleAirMaster({ documentNumber: masterDoc }));
    await carrier.accepted(
      'house-consignment',
      exampleAirHouse({ documentNumber: houseDoc, masterDocumentNumber: masterDoc }),
    );
    // A road house with the same number is another document: it is on no arrived transport.
    await who('carrier').road.accepted('house-consignment', exampleHouse({ documentNumber: houseDoc }));
    await decide({ waybill: houseDoc, routing: 'TO_CONTROL', controlLocation: 'AFTER_ENTRY' });

    const arrived = await arrive(transportMrn);
    expect(arrived.body).toMatchObject({ ok: true, arrival: { api: 'air', transportMrn } });
    const signals = (await drain('carrier')).signals;
    expect(signals).toEqual([
      {
        referenceNumber: houseDoc,
        type: 'N740',
        routingResult: {
          id: expect.stringMatching(UUID),
          routing: 'TO_CONTROL',
          routingControlLocation: 'AFTER_ENTRY',
          timestamp: expect.stringMatching(INSTANT),
        },
      },
    ]);
  });
});

describe('the knobs refuse bad input (400 with the reason)', () => {
  it('POST /__sim/routing', async () => {
    const bad = async (body: unknown, reason: RegExp) => {
      const answer = await decide(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body as { error: string }).error).toMatch(reason);
    };
    await bad({ waybill: 'W1', routing: 'GREEN' }, /^routing: /);
    await bad({ routing: 'TO_ENTRY' }, /^waybill: /);
    await bad({ waybill: '', routing: 'TO_ENTRY' }, /^waybill: /);
    await bad({ waybill: 'W1', routing: 'TO_CONTROL', controlLocation: 'SOMEWHERE' }, /^controlLocation: /);
    await bad(
      { waybill: 'W1', routing: 'TO_ENTRY', controlLocation: 'ON_ENTRY' },
      /controlLocation: controlLocation is only for routing TO_CONTROL or ENTRY_PENDING/,
    );
    await bad({ waybill: 'W1', routing: 'ENTRY_DENIED', controlLocation: 'AFTER_ENTRY' }, /controlLocation/);
    await bad({ waybill: 'W1', routing: 'TO_ENTRY', colour: 'green' }, /colour/);
    const malformed = await fetch(`${sim.url}/__sim/routing`, { method: 'POST', body: '{"waybill":' });
    expect(malformed.status).toBe(400);
    expect(sim.routing().decisions).toEqual([]);
  });

  it('POST /__sim/arrivals: bad body 400, unknown MRN 404, a cancelled transport 409', async () => {
    const missing = await arrive('');
    expect(missing.status).toBe(400);
    expect((missing.body as { error: string }).error).toMatch(/^transportMrn: /);
    expect((await admin('POST', '/__sim/arrivals', { mrn: 'x' })).status).toBe(400);
    const unknown = await arrive('26NO0000000000UNKN');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: 'no road or air transport with MRN 26NO0000000000UNKN (or its result is not ready yet)',
    });

    const carrier = who('carrier').road;
    const mrn = await carrier.accepted(
      'transport',
      exampleTransport({ masterDocumentNumbers: [unique('MC')] }),
    );
    await carrier.submit('transport', undefined, { method: 'DELETE', mrn });
    const cancelled = await arrive(mrn);
    expect(cancelled.status).toBe(409);
    expect(sim.routing().arrivals).toEqual([]);
  });
});

describe('the routing API is an API: scope, method, faults, its own rate limit', () => {
  it('needs toll:movement/entry; a movement token is 403 there and an entry token 403 on movement', async () => {
    const roadOnly = await sim.createClient({ orgNo: '966666666', scopes: [ROAD] });
    const roadToken = await sim.tokenFor(roadOnly);
    const forbidden = await routingGet(roadToken);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ message: 'Token lacks scope toll:movement/entry' });
    const entryOnMovement = await request(sim.url, 'POST', `${ROAD_PATHS.submit}/house-consignment`, {
      token: who('carrier').entryToken,
      body: exampleHouse(),
    });
    expect(entryOnMovement.status).toBe(403);
    expect((await request(sim.url, 'GET', ROUTING)).status).toBe(401);
    const post = await request(sim.url, 'POST', ROUTING, { token: who('carrier').entryToken, body: {} });
    expect(post.status).toBe(405);
    expect(sim.received().at(-1)).toMatchObject({ api: 'routing', outcome: { status: 405 } });
  });

  it('faults apply to the routing API, and it has its own rate-limit bucket', async () => {
    sim.setFaults({ errorRate: 1 });
    expect((await routingGet(who('carrier').entryToken)).status).toBe(500);
    expect(sim.received().at(-1)).toMatchObject({ api: 'routing', outcome: { status: 500, fault: 'error' } });
    sim.setFaults({});

    const limited = await startDigitollSimulator({ processingDelayMs: 5, rateLimitPerSecond: 3 });
    try {
      const client = await limited.createClient({ scopes: [ROAD, ENTRY] });
      const token = await limited.tokenFor(client, { scope: `${ROAD} ${ENTRY}` });
      const burst = await Promise.all(
        Array.from({ length: 8 }, () => request(limited.url, 'GET', ROUTING, { token })),
      );
      const refused = burst.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(burst.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect((await request(limited.url, 'GET', `${ROAD_PATHS.submit}/test-auth`, { token })).status).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('arrival and auto-cancel', () => {
  it('a transport whose arrival is registered is not cancelled 72 hours after its ETA; one without is', async () => {
    let now = new Date();
    const clocked = await startDigitollSimulator({
      processingDelayMs: 5,
      rateLimitPerSecond: 0,
      clock: () => now,
    });
    try {
      const client = await clocked.createClient();
      const api = new SimulatorApiClient(clocked.url, ROAD_PATHS, await clocked.tokenFor(client));
      const arrivedMrn = await api.accepted(
        'transport',
        exampleTransport({ now, etaInHours: 2, masterDocumentNumbers: [unique('M')] }),
      );
      const lateMrn = await api.accepted(
        'transport',
        exampleTransport({ now, etaInHours: 2, masterDocumentNumbers: [unique('M')] }),
      );
      expect(clocked.arrive(arrivedMrn)).toMatchObject({ ok: true, published: [] });
      now = new Date(now.getTime() + 75 * 3_600_000);
      const status = (mrn: string) => clocked.messages().find((m) => m.mrn === mrn);
      expect(status(arrivedMrn)).toMatchObject({ status: 'ACTIVE', arrivedAt: expect.any(String) });
      expect(status(lateMrn)).toMatchObject({ status: 'CANCELLED', cancelReason: 'AUTO_72H_AFTER_ETA' });
    } finally {
      await clocked.close();
    }
  });
});
