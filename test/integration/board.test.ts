/**
 * The border board and the operator's reads (issue #11) on the local stack: the bundled functions,
 * DynamoDB Local, fauxqs and the Digitoll simulator over real HTTP. Two partners and an operator:
 * GET /v1/manifests (order, crossed, counts, pagination, bad limits and cursors), a partner never
 * seeing another's manifest, an operator reading any (read-only), and one manifest's copy of a
 * shipment with Customs' border outcome. Every answer is checked against the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';

const SLOW = 240_000;
const unique = () => randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase();
const keys = {
  alpha: `vb_${randomUUID().replaceAll('-', '')}`,
  beta: `vb_${randomUUID().replaceAll('-', '')}`,
  desk: `vb_${randomUUID().replaceAll('-', '')}`,
};
let full: FullStack;

beforeAll(async () => {
  full = await startTestStack(
    'board',
    { partnerId: 'board-alpha', key: keys.alpha },
    {
      partnerKeys: [
        { partnerId: 'board-alpha', key: keys.alpha },
        { partnerId: 'board-beta', key: keys.beta },
        { partnerId: 'desk', key: keys.desk, role: 'operator' },
      ],
    },
  );
}, SLOW);

afterAll(async () => {
  await full?.stop();
});

async function api(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${full.stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 90_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const minutesFromNow = (minutes: number) => {
  const at = new Date(Date.now() + minutes * 60_000);
  at.setUTCSeconds(0, 0);
  return at.toISOString();
};

/** The road example under fresh numbers, arriving at `eta`. */
function road(eta: string, plate: string): ManifestRequest {
  const m = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as ManifestRequest;
  const tag = unique();
  m.reference = `BOARD-${tag}`;
  if (m.transport.mode === 'AIR') throw new Error('fixture changed');
  m.transport.estimatedArrival = eta;
  m.transport.vehicleRegistration = plate;
  if (m.masterConsignment) m.masterConsignment.waybill.number = `CMR-${tag}`;
  delete m.transit;
  m.shipments = m.shipments.map((s, index) => ({ ...s, shipmentNumber: `BD${tag}${index}SE` }));
  return m;
}

/** The air example under fresh numbers, arriving at `eta`. */
function air(eta: string, flightNumber: string): ManifestRequest {
  const m = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.air.example.json', import.meta.url), 'utf8'),
  ) as ManifestRequest;
  const tag = unique();
  if (m.transport.mode !== 'AIR' || !m.masterConsignment) throw new Error('fixture changed');
  m.reference = `BOARD-AIR-${tag}`;
  m.transport.flightNumber = flightNumber;
  m.transport.scheduledArrival = eta;
  m.transport.estimatedArrival = eta;
  const serial = Number.parseInt(tag.slice(0, 6), 16) % 10_000_000;
  m.masterConsignment.waybill.number = `157-${String(serial).padStart(7, '0')}${serial % 7}`;
  m.shipments = m.shipments.map((s, index) => ({ ...s, shipmentNumber: `BA${tag}${index}SE` }));
  return m;
}

async function post(key: string, m: ManifestRequest): Promise<string> {
  const reply = await api(key, 'POST', '/v1/manifests', m);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return reply.body.manifestId as string;
}

const settled = (status: string) => status === 'ACCEPTED' || status === 'FAILED';

async function settle(key: string, m: ManifestRequest): Promise<void> {
  await until('every house settled', async () => {
    const statuses = await Promise.all(
      m.shipments.map(async (s) => (await api(key, 'GET', `/v1/shipments/${s.shipmentNumber}`)).body.status),
    );
    return statuses.every(settled) ? true : undefined;
  });
}

/** Every page of the board, following the cursor. */
async function wholeBoard(key: string, query: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const reply = await api(key, 'GET', `/v1/manifests?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    items.push(...reply.body.items);
    cursor = reply.body.cursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

const scene = {
  etas: {
    soon: minutesFromNow(150),
    air: minutesFromNow(200),
    later: minutesFromNow(300),
    beta: minutesFromNow(240),
  },
  crossedEta: minutesFromNow(-240),
  betaTransit: `26SE${randomUUID().replaceAll('-', '').slice(0, 13).toUpperCase()}0`,
  ids: {} as Record<'soon' | 'air' | 'later' | 'crossed' | 'beta', string>,
  manifests: {} as Record<'soon' | 'air' | 'later' | 'crossed' | 'beta', ManifestRequest>,
};

describe('the border board (GET /v1/manifests)', () => {
  beforeAll(async () => {
    scene.manifests = {
      later: road(scene.etas.later, 'LATE01'),
      soon: road(scene.etas.soon, 'SOON02'),
      air: air(scene.etas.air, 'QR4711'),
      crossed: road(scene.crossedEta, 'GONE03'),
      beta: road(scene.etas.beta, 'BETA04'),
    };
    scene.manifests.beta.transit = { mrn: scene.betaTransit };
    const [refused] = scene.manifests.soon.shipments;
    if (!refused) throw new Error('fixture changed');
    refused.voecNumber = '1234567'; // not in the simulator's VOEC register: Digitoll refuses the house
    for (const name of ['later', 'soon', 'air', 'crossed'] as const) {
      scene.ids[name] = await post(keys.alpha, scene.manifests[name]);
    }
    scene.ids.beta = await post(keys.beta, scene.manifests.beta);
    await Promise.all([
      settle(keys.alpha, scene.manifests.soon),
      settle(keys.alpha, scene.manifests.later),
      settle(keys.alpha, scene.manifests.air),
      settle(keys.beta, scene.manifests.beta),
    ]);
  }, SLOW);

  it('lists a partner’s own transports not yet crossed, soonest ETA first, with counts and the cut-off', async () => {
    const reply = await api(keys.alpha, 'GET', '/v1/manifests');
    expect(reply.status).toBe(200);
    expect(reply.body.cursor).toBeUndefined();
    const items = reply.body.items as any[];
    expect(items.map((item) => item.manifestId)).toEqual([scene.ids.soon, scene.ids.air, scene.ids.later]);
    const [soon, flight, later] = items;
    expect(soon).toMatchObject({
      manifestId: scene.ids.soon,
      partnerId: 'board-alpha',
      reference: scene.manifests.soon.reference,
      transport: {
        mode: 'ROAD',
        vehicleRegistration: 'SOON02',
        vehicleCountry: 'SE',
        borderCrossing: 'NO371001',
        estimatedArrival: scene.etas.soon,
      },
      reportingCutoff: new Date(Date.parse(scene.etas.soon) - 2 * 3_600_000).toISOString(),
      masterConsignment: { waybill: { type: 'N730' } },
      shipmentCount: 3,
      counts: { ACCEPTED: 2, FAILED: 1 },
    });
    expect(soon.transport.flightNumber).toBeUndefined();
    expect(flight).toMatchObject({
      transport: { mode: 'AIR', flightNumber: 'QR4711', borderCrossing: 'NO351001' },
      shipmentCount: 2,
      counts: { ACCEPTED: 2 },
      masterConsignment: { waybill: { type: 'N741' } },
    });
    expect(flight.transport.vehicleRegistration).toBeUndefined();
    expect(later).toMatchObject({ counts: { ACCEPTED: 3 }, openFlags: {} });
    // The transport's own report: accepted with its MRN once Digitoll took it.
    expect(later.transport.digitollStatus).toMatch(/^(PENDING|IN_FLIGHT|SUBMITTED|ACCEPTED)$/);
  });

  it('shows transports that crossed (ETA more than 3 h ago) only with crossed=true', async () => {
    const reply = await api(keys.alpha, 'GET', '/v1/manifests?crossed=true');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((item: any) => item.manifestId)).toEqual([scene.ids.crossed]);
    expect(reply.body.items[0].transport.estimatedArrival).toBe(scene.crossedEta);
  });

  it('pages with the cursor, in the same order, nothing twice', async () => {
    const paged = await wholeBoard(keys.alpha, 'limit=1');
    expect(paged.pages).toBe(3);
    expect(paged.items.map((item) => item.manifestId)).toEqual([
      scene.ids.soon,
      scene.ids.air,
      scene.ids.later,
    ]);
    const two = await api(keys.alpha, 'GET', '/v1/manifests?limit=2');
    expect(two.body.items).toHaveLength(2);
    expect(typeof two.body.cursor).toBe('string');
  });

  it('refuses a bad limit, crossed value or cursor with a problem document pointing at it', async () => {
    for (const [query, path, code] of [
      ['limit=0', '/limit', 'too_small'],
      ['limit=501', '/limit', 'too_big'],
      ['limit=ten', '/limit', 'invalid_type'],
      ['crossed=maybe', '/crossed', 'invalid_value'],
      ['cursor=bm90LWEtY3Vyc29y', '/cursor', 'invalid_cursor'],
      ['cursor=%21%21', '/cursor', 'invalid_format'],
    ] as const) {
      const reply = await api(keys.alpha, 'GET', `/v1/manifests?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errors, query).toEqual([expect.objectContaining({ path, code })]);
    }
    // A cursor of the not-crossed board is no cursor of the crossed one.
    const first = await api(keys.alpha, 'GET', '/v1/manifests?limit=1');
    const mixed = await api(keys.alpha, 'GET', `/v1/manifests?crossed=true&cursor=${first.body.cursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ path: '/cursor', code: 'invalid_cursor' })]);
  });

  it('an operator sees every partner’s transports merged by ETA, each with its partner', async () => {
    const { items } = await wholeBoard(keys.desk, 'limit=2');
    const mine = items.filter((item) => Object.values(scene.ids).includes(item.manifestId));
    expect(mine.map((item) => [item.partnerId, item.manifestId])).toEqual([
      ['board-alpha', scene.ids.soon],
      ['board-alpha', scene.ids.air],
      ['board-beta', scene.ids.beta],
      ['board-alpha', scene.ids.later],
    ]);
    // Every item in board order (other tests' manifests are not in this stack's table).
    const etas = items.map((item) => Date.parse(item.transport.estimatedArrival));
    expect(etas).toEqual([...etas].sort((a, b) => a - b));
  });

  it('moves a transport on the board when its ETA changes (PATCH)', async () => {
    const sooner = minutesFromNow(130);
    const patched = await api(keys.alpha, 'PATCH', `/v1/manifests/${scene.ids.air}/transport`, {
      estimatedArrival: sooner,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(202);
    const reply = await api(keys.alpha, 'GET', '/v1/manifests');
    expect(reply.body.items.map((item: any) => item.manifestId)).toEqual([
      scene.ids.air,
      scene.ids.soon,
      scene.ids.later,
    ]);
    expect(reply.body.items[0].transport.estimatedArrival).toBe(sooner);
    expect(reply.body.items[0].reportingCutoff).toBe(
      new Date(Date.parse(sooner) - 2 * 3_600_000).toISOString(),
    );
  });

  it('a partner never sees another partner’s transports', async () => {
    const beta = await api(keys.beta, 'GET', '/v1/manifests');
    expect(beta.body.items.map((item: any) => item.manifestId)).toEqual([scene.ids.beta]);
  });
});

describe('operators read any partner’s manifest; partners only their own', () => {
  const paths = (id: string, number: string) => [
    `/v1/manifests/${id}`,
    `/v1/manifests/${id}/shipments`,
    `/v1/manifests/${id}/tvinn-declarations`,
    `/v1/manifests/${id}/driver-list`,
    `/v1/manifests/${id}/shipments/${number}`,
  ];

  it('answers the operator every manifest read of another partner’s manifest', async () => {
    const number = scene.manifests.beta.shipments[0]?.shipmentNumber ?? '';
    for (const path of paths(scene.ids.beta, number)) {
      const reply = await api(keys.desk, 'GET', path);
      expect(reply.status, path).toBe(200);
    }
    const view = await api(keys.desk, 'GET', `/v1/manifests/${scene.ids.beta}`);
    expect(view.body).toMatchObject({ manifestId: scene.ids.beta, shipmentCount: 3 });
    const page = await api(keys.desk, 'GET', `/v1/manifests/${scene.ids.beta}/shipments`);
    expect(page.body.items.map((s: any) => s.shipmentNumber).sort()).toEqual(
      scene.manifests.beta.shipments.map((s) => s.shipmentNumber).sort(),
    );
    const list = await api(keys.desk, 'GET', `/v1/manifests/${scene.ids.beta}/driver-list`);
    expect(list.body.transport.vehicleRegistration).toBe('BETA04');
    // The manifest's transit too (the console's manifest page reads it): the operator's, not alpha's.
    const transit = await api(keys.desk, 'GET', `/v1/transits/${scene.betaTransit}`);
    expect(transit.status).toBe(200);
    expect(transit.body.mrn).toBe(scene.betaTransit);
    expect((await api(keys.alpha, 'GET', `/v1/transits/${scene.betaTransit}`)).status).toBe(404);
    // "Find shipment" by number alone: the operator finds beta's, alpha does not.
    const byNumber = await api(keys.desk, 'GET', `/v1/shipments/${number}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body).toMatchObject({ shipmentNumber: number, manifestId: scene.ids.beta });
    expect((await api(keys.alpha, 'GET', `/v1/shipments/${number}`)).status).toBe(404);
  });

  it('answers another partner 404 on every one of them, as for an unknown manifest', async () => {
    const number = scene.manifests.beta.shipments[0]?.shipmentNumber ?? '';
    for (const path of paths(scene.ids.beta, number)) {
      const reply = await api(keys.alpha, 'GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.type, path).toBe('https://voec-border.dev/problems/not-found');
    }
    for (const path of paths('00000000000000000000000000', number)) {
      const reply = await api(keys.desk, 'GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.type, path).toBe('https://voec-border.dev/problems/not-found');
    }
  });

  it('keeps the operator read-only: no manifest submitted with an operator key', async () => {
    const reply = await api(keys.desk, 'POST', '/v1/manifests', road(minutesFromNow(400), 'DESK05'));
    expect(reply.status).toBe(403);
  });
});

describe('one manifest’s copy of a shipment (GET /v1/manifests/{manifestId}/shipments/{shipmentNumber})', () => {
  it('answers the shipment with its timeline, 404 for a number not on that manifest', async () => {
    const [first] = scene.manifests.later.shipments;
    if (!first) throw new Error('fixture changed');
    const reply = await api(
      keys.alpha,
      'GET',
      `/v1/manifests/${scene.ids.later}/shipments/${first.shipmentNumber}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      shipmentNumber: first.shipmentNumber,
      manifestId: scene.ids.later,
      status: 'ACCEPTED',
      estimatedArrival: scene.etas.later,
      otherManifestIds: [],
    });
    expect(reply.body.timeline[0]).toMatchObject({ type: 'RECEIVED', actor: 'intake' });
    expect(reply.body.border).toBeUndefined();
    const elsewhere = scene.manifests.soon.shipments[1]?.shipmentNumber ?? '';
    const wrong = await api(keys.alpha, 'GET', `/v1/manifests/${scene.ids.later}/shipments/${elsewhere}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.detail).toContain(elsewhere);
  });

  it(
    'shows Customs’ border outcome once a routing signal was applied, on the board too',
    async () => {
      const [controlled] = scene.manifests.later.shipments;
      if (!controlled) throw new Error('fixture changed');
      const view = await until('the transport accepted with its MRN', async () => {
        const reply = await api(keys.alpha, 'GET', `/v1/manifests/${scene.ids.later}`);
        return reply.body.transport.mrn ? reply.body : undefined;
      });
      const sim = async (path: string, body: unknown) => {
        const response = await fetch(`${full.digitoll.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.ok, `${path}: ${response.status}`).toBe(true);
      };
      await sim('/__sim/routing', {
        waybill: controlled.shipmentNumber,
        routing: 'TO_CONTROL',
        controlLocation: 'ON_ENTRY',
      });
      await sim('/__sim/arrivals', { transportMrn: view.transport.mrn });
      const run = await fetch(`${full.stack.apiUrl}/__local/schedules/run`, { method: 'POST' });
      expect(run.status).toBe(200);
      const shipment = await api(
        keys.desk,
        'GET',
        `/v1/manifests/${scene.ids.later}/shipments/${controlled.shipmentNumber}`,
      );
      expect(shipment.status).toBe(200);
      expect(shipment.body.border).toMatchObject({ routing: 'TO_CONTROL', controlLocation: 'ON_ENTRY' });
      expect(typeof shipment.body.border.at).toBe('string');
      expect(shipment.body.timeline.map((event: any) => event.type)).toContain('ROUTING');
      // The board's counts follow within the snapshot's 30 s.
      const row = await until(
        'the board counting the border outcome',
        async () => {
          const board = await api(keys.alpha, 'GET', '/v1/manifests');
          const found = board.body.items.find((item: any) => item.manifestId === scene.ids.later);
          return found?.border?.CONTROL_ORDERED === 1 ? found : undefined;
        },
        60_000,
      );
      expect(row.border).toEqual({ CONTROL_ORDERED: 1, RELEASED: 2 });
      expect(row.openFlags).toEqual({ CONTROL_ORDERED: 1 });
      expect(row.counts).toEqual({ ACCEPTED: 1, RELEASED: 2 });
    },
    SLOW,
  );
});
