/**
 * Customs' routing signals (issue #10): what one signal does to a shipment (lib/domain/routing.ts), and the
 * poller's exactly-once rules (lib/domain/routing-poller.ts) against in-memory fakes. Expected values are
 * written from the issue and §9.2: TO_ENTRY releases, TO_CONTROL raises CONTROL_ORDERED with the location,
 * ENTRY_PENDING / ENTRY_DENIED raise their own flags, a later TO_ENTRY clears them, the latest signal wins.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigitollHttpClient } from '../../lib/adapters/digitoll/client.ts';
import { DigitollRoutingFeed, signalFromWire } from '../../lib/adapters/digitoll/routing-feed.ts';
import { listAlerts } from '../../lib/domain/border-queries.ts';
import { buildIntake } from '../../lib/domain/intake.ts';
import type { ShipmentRecord } from '../../lib/domain/records.ts';
import {
  applyRoutingSignal,
  borderOutcomeOf,
  type RoutingDecision,
  type RoutingSignal,
} from '../../lib/domain/routing.ts';
import {
  DEFAULT_ROUTING_SETTINGS,
  type MarkerLease,
  pollRouting,
  type RoutingChange,
  type RoutingFeed,
  type RoutingMarkerStore,
  type RoutingPollerDeps,
  type RoutingStore,
} from '../../lib/domain/routing-poller.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';
import { FakeClock, sequentialIds } from './fakes.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);
const NOW = new Date('2026-12-01T14:00:00.000Z');

function acceptedShipments(): ShipmentRecord[] {
  const { records } = buildIntake(
    { partnerId: 'p', manifestId: 'm1', receivedAt: '2026-12-01T06:00:00.000Z' },
    example,
  );
  return records.map((r) => ({ ...r, status: 'ACCEPTED' as const, mrn: `26NO${r.shipmentNumber}` }));
}
const first = () => acceptedShipments()[0] as ShipmentRecord;

let nextId = 0;
function signal(
  routing: string,
  options: { controlLocation?: string; at?: string; id?: string; waybill?: string } = {},
): RoutingSignal {
  const id = options.id ?? `sig-${++nextId}`;
  return {
    id,
    waybill: { number: options.waybill ?? 'RR123456785SE', type: 'N730' },
    routing,
    ...(options.controlLocation ? { controlLocation: options.controlLocation } : {}),
    ...(options.at ? { publishedAt: options.at } : {}),
    verbatim: { routingResult: { id, routing, routingControlLocation: options.controlLocation } },
  };
}

/** Applies a decision the way the store does (status, flags, border, version + 1). */
function applied(shipment: ShipmentRecord, decision: RoutingDecision): ShipmentRecord {
  if (decision.kind === 'duplicate') return shipment;
  return {
    ...shipment,
    status: decision.status,
    flags: decision.flags,
    border: decision.border,
    version: shipment.version + 1,
  };
}
const codes = (s: ShipmentRecord) => s.flags.map((f) => f.code).sort();

describe('one routing signal (applyRoutingSignal)', () => {
  it('TO_ENTRY releases an ACCEPTED shipment, notifies shipment.routing and shipment.status', () => {
    const shipment = first();
    const decision = applyRoutingSignal(
      shipment,
      signal('TO_ENTRY', { at: '2026-12-01T13:05:00.000Z' }),
      NOW,
    );
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(decision.status).toBe('RELEASED');
    expect(decision.flags.map((f) => f.code)).toEqual(shipment.flags.map((f) => f.code));
    expect(decision.border).toMatchObject({ routing: 'TO_ENTRY', at: '2026-12-01T13:05:00.000Z' });
    expect(decision.border.controlLocation).toBeUndefined();
    expect(decision.notifications.map((n) => n.type).sort()).toEqual(['shipment.routing', 'shipment.status']);
    expect(decision.events.map((e) => e.type)).toEqual(['ROUTING', 'RELEASED']);
  });

  it('TO_CONTROL raises CONTROL_ORDERED with its location; the event keeps Customs values verbatim', () => {
    const s = signal('TO_CONTROL', { controlLocation: 'ON_ENTRY', at: '2026-12-01T13:05:00.000Z' });
    const decision = applyRoutingSignal(first(), s, NOW);
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(decision.status).toBe('ACCEPTED');
    const flag = decision.flags.find((f) => f.code === 'CONTROL_ORDERED');
    expect(flag?.detail).toContain('ON_ENTRY');
    expect(decision.border).toMatchObject({ routing: 'TO_CONTROL', controlLocation: 'ON_ENTRY' });
    expect(decision.events[0]?.data).toEqual({
      routingResult: { id: s.id, routing: 'TO_CONTROL', routingControlLocation: 'ON_ENTRY' },
    });
    expect(decision.notifications.map((n) => [n.type, n.data.flag ?? n.data.routing])).toEqual([
      ['shipment.routing', 'TO_CONTROL'],
      ['flag.raised', 'CONTROL_ORDERED'],
    ]);
  });

  it('ENTRY_PENDING and ENTRY_DENIED raise flags of their own name; a later TO_ENTRY clears them and releases', () => {
    let shipment = first();
    shipment = applied(
      shipment,
      applyRoutingSignal(shipment, signal('ENTRY_PENDING', { at: '2026-12-01T13:01:00Z' }), NOW),
    );
    expect(codes(shipment)).toContain('ENTRY_PENDING');
    shipment = applied(
      shipment,
      applyRoutingSignal(shipment, signal('ENTRY_DENIED', { at: '2026-12-01T13:02:00Z' }), NOW),
    );
    expect(codes(shipment)).toContain('ENTRY_DENIED');
    expect(codes(shipment)).not.toContain('ENTRY_PENDING');
    const release = applyRoutingSignal(shipment, signal('TO_ENTRY', { at: '2026-12-01T13:03:00Z' }), NOW);
    if (release.kind !== 'apply') throw new Error('expected apply');
    expect(release.flags.map((f) => f.code)).not.toContain('ENTRY_DENIED');
    expect(release.status).toBe('RELEASED');
    expect(release.notifications.map((n) => n.type).sort()).toEqual([
      'flag.cleared',
      'shipment.routing',
      'shipment.status',
    ]);
  });

  it('the same signal twice is a duplicate and changes nothing', () => {
    const s = signal('TO_CONTROL', { controlLocation: 'AFTER_ENTRY' });
    const once = applied(first(), applyRoutingSignal(first(), s, NOW));
    expect(applyRoutingSignal(once, s, NOW)).toEqual({ kind: 'duplicate' });
  });

  it('an older signal arriving late is on the timeline but changes nothing', () => {
    let shipment = first();
    shipment = applied(
      shipment,
      applyRoutingSignal(shipment, signal('TO_ENTRY', { at: '2026-12-01T13:10:00Z' }), NOW),
    );
    const late = applyRoutingSignal(shipment, signal('ENTRY_DENIED', { at: '2026-12-01T13:00:00Z' }), NOW);
    if (late.kind !== 'apply') throw new Error('expected apply');
    expect(late.latest).toBe(false);
    expect(late.status).toBe('RELEASED');
    expect(late.flags).toEqual(shipment.flags);
    expect(late.notifications).toEqual([]);
    expect(late.events[0]?.data).toMatchObject({ superseded: true });
  });

  it('a released shipment that Customs then orders to control is ACCEPTED (not released) again', () => {
    let shipment = first();
    shipment = applied(
      shipment,
      applyRoutingSignal(shipment, signal('TO_ENTRY', { at: '2026-12-01T13:00:00Z' }), NOW),
    );
    const control = applyRoutingSignal(shipment, signal('TO_CONTROL', { at: '2026-12-01T13:05:00Z' }), NOW);
    if (control.kind !== 'apply') throw new Error('expected apply');
    expect(control.status).toBe('ACCEPTED');
  });

  it('a routing code we do not know is kept verbatim and touches no flag or status', () => {
    const shipment = applied(
      first(),
      applyRoutingSignal(first(), signal('ENTRY_PENDING', { at: '2026-12-01T13:00:00Z' }), NOW),
    );
    const decision = applyRoutingSignal(
      shipment,
      signal('TO_SOMEWHERE_NEW', { at: '2026-12-01T13:05:00Z' }),
      NOW,
    );
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(decision.border.routing).toBe('TO_SOMEWHERE_NEW');
    expect(decision.flags).toEqual(shipment.flags);
    expect(decision.status).toBe('ACCEPTED');
  });

  it('border outcome counts come from status and flags', () => {
    expect(borderOutcomeOf({ status: 'RELEASED', flagCodes: [] })).toBe('RELEASED');
    expect(borderOutcomeOf({ status: 'ACCEPTED', flagCodes: ['CONTROL_ORDERED'] })).toBe('TO_CONTROL');
    expect(borderOutcomeOf({ status: 'ACCEPTED', flagCodes: ['ENTRY_DENIED'] })).toBe('ENTRY_DENIED');
    expect(borderOutcomeOf({ status: 'ACCEPTED', flagCodes: [] })).toBeUndefined();
  });

  it('in any order of application, the signal Customs published last wins (property)', () => {
    const routingArb = fc.constantFrom('TO_ENTRY', 'TO_CONTROL', 'ENTRY_PENDING', 'ENTRY_DENIED');
    const flagOf: Record<string, string | undefined> = {
      TO_ENTRY: undefined,
      TO_CONTROL: 'CONTROL_ORDERED',
      ENTRY_PENDING: 'ENTRY_PENDING',
      ENTRY_DENIED: 'ENTRY_DENIED',
    };
    fc.assert(
      fc.property(
        fc
          .array(routingArb, { minLength: 1, maxLength: 8 })
          .chain((routings) =>
            fc.tuple(
              fc.constant(routings),
              fc.shuffledSubarray([...routings.keys()], { minLength: routings.length }),
            ),
          ),
        fc.boolean(),
        ([routings, order], replay) => {
          // Signal i was published at minute i: the last one is the latest.
          const signals = routings.map((routing, i) =>
            signal(routing, {
              id: `s${i}`,
              at: new Date(Date.parse('2026-12-01T13:00:00Z') + i * 60_000).toISOString(),
            }),
          );
          let shipment = first();
          const sequence = replay ? [...order, ...order] : order; // a replayed page changes nothing
          for (const index of sequence) {
            shipment = applied(shipment, applyRoutingSignal(shipment, signals[index] as RoutingSignal, NOW));
          }
          const last = routings.at(-1) as string;
          expect(shipment.border?.routing).toBe(last);
          expect(shipment.status).toBe(last === 'TO_ENTRY' ? 'RELEASED' : 'ACCEPTED');
          const routingFlags = codes(shipment).filter((c) =>
            ['CONTROL_ORDERED', 'ENTRY_PENDING', 'ENTRY_DENIED'].includes(c),
          );
          expect(routingFlags).toEqual(flagOf[last] ? [flagOf[last]] : []);
          expect(shipment.border?.appliedSignalIds.slice().sort()).toEqual(signals.map((s) => s.id).sort());
        },
      ),
    );
  });
});

describe('alerts', () => {
  it('come with denied and pending first, then by time to the border; ?flag= filters', async () => {
    const row = (shipmentNumber: string, flag: string, eta: string) => ({
      manifestId: 'm1',
      shipmentNumber,
      flag,
      raisedAt: '2026-12-01T12:00:00.000Z',
      detail: flag,
      estimatedArrival: eta,
    });
    const reads = {
      alerts: async () => [
        row('A', 'NOTIFICATION_MISSING', '2026-12-01T13:00:00.000Z'),
        row('B', 'CONTROL_ORDERED', '2026-12-01T12:00:00.000Z'),
        row('C', 'ENTRY_PENDING', '2026-12-01T18:00:00.000Z'),
        row('D', 'ENTRY_DENIED', '2026-12-01T19:00:00.000Z'),
      ],
    };
    const now = new Date('2026-12-01T12:30:00.000Z');
    expect((await listAlerts(reads, ['p'], now)).map((a) => a.shipmentNumber)).toEqual(['D', 'C', 'B', 'A']);
    expect((await listAlerts(reads, ['p'], now, 'CONTROL_ORDERED')).map((a) => a.shipmentNumber)).toEqual([
      'B',
    ]);
  });
});

// --------------------------------------------------------------------------------------------------------
// The poller against fakes
// --------------------------------------------------------------------------------------------------------

class FakeFeed implements RoutingFeed {
  signals: RoutingSignal[] = [];
  requests: Array<string | undefined> = [];
  constructor(private readonly pageSize = 2) {}
  async page(marker: string | undefined) {
    this.requests.push(marker);
    const from = marker === undefined ? 0 : this.signals.findIndex((s) => s.id === marker) + 1;
    return { ok: true as const, signals: this.signals.slice(from, from + this.pageSize) };
  }
}

class FakeMarkers implements RoutingMarkerStore {
  marker: string | undefined;
  version = 0;
  owner: string | undefined;
  until = '';
  failNextAdvance = false;
  async acquire(owner: string, now: string, leaseUntil: string): Promise<MarkerLease | undefined> {
    if (this.owner !== undefined && this.until >= now) return undefined;
    this.owner = owner;
    this.until = leaseUntil;
    return { marker: this.marker, version: this.version };
  }
  async advance(owner: string, lease: MarkerLease, marker: string, leaseUntil: string) {
    if (this.failNextAdvance) {
      this.failNextAdvance = false;
      throw new Error('crash before the marker was saved');
    }
    if (this.version !== lease.version || this.owner !== owner) return false;
    this.marker = marker;
    this.version++;
    this.until = leaseUntil;
    return true;
  }
  async release(owner: string, lease: MarkerLease) {
    if (this.owner === owner && this.version === lease.version) this.owner = undefined;
  }
}

class FakeRoutingStore implements RoutingStore {
  byNumber = new Map<string, ShipmentRecord>();
  notifications: string[] = [];
  constructor(records: ShipmentRecord[]) {
    for (const r of records) this.byNumber.set(r.shipmentNumber, structuredClone(r));
  }
  async shipmentsByWaybill(waybill: { number: string }) {
    const found = this.byNumber.get(waybill.number);
    return found ? [structuredClone(found)] : [];
  }
  async shipment(s: ShipmentRecord) {
    return structuredClone(this.byNumber.get(s.shipmentNumber));
  }
  async applyRouting(s: ShipmentRecord, change: RoutingChange) {
    const current = this.byNumber.get(s.shipmentNumber);
    if (!current || current.version !== s.version) return false;
    this.byNumber.set(s.shipmentNumber, {
      ...current,
      status: change.status,
      flags: change.flags,
      border: change.border,
      version: current.version + 1,
    });
    this.notifications.push(...change.notifications.map((n) => n.id));
    return true;
  }
}

function poller(feed: FakeFeed, markers: FakeMarkers, store: FakeRoutingStore, clock = new FakeClock(NOW)) {
  const deps: RoutingPollerDeps = {
    feed,
    markers,
    store,
    clock,
    ids: sequentialIds(),
    settings: DEFAULT_ROUTING_SETTINGS,
  };
  return deps;
}

describe('the routing poller (fakes)', () => {
  const numbers = acceptedShipments().map((s) => s.shipmentNumber);

  it('pages until the feed is empty, saves the last id, counts unknown waybills', async () => {
    const feed = new FakeFeed(2);
    feed.signals = [
      signal('TO_ENTRY', { waybill: numbers[0] as string }),
      signal('TO_CONTROL', { waybill: numbers[1] as string, controlLocation: 'ON_ENTRY' }),
      signal('TO_ENTRY', { waybill: 'NOT-OURS-1' }),
    ];
    const markers = new FakeMarkers();
    const store = new FakeRoutingStore(acceptedShipments());
    const report = await pollRouting(poller(feed, markers, store));
    expect(report).toMatchObject({ pages: 2, signals: 3, applied: 2, unknownWaybills: 1, skipped: false });
    expect(feed.requests).toEqual([undefined, feed.signals[1]?.id, feed.signals[2]?.id]);
    expect(markers.marker).toBe(feed.signals[2]?.id);
    expect(store.byNumber.get(numbers[0] as string)?.status).toBe('RELEASED');
    expect(markers.owner).toBeUndefined(); // lease given back
  });

  it('a second poller while the lease is held does nothing', async () => {
    const feed = new FakeFeed();
    feed.signals = [signal('TO_ENTRY', { waybill: numbers[0] as string })];
    const markers = new FakeMarkers();
    await markers.acquire('someone-else', NOW.toISOString(), '2026-12-01T14:02:00.000Z');
    const report = await pollRouting(poller(feed, markers, new FakeRoutingStore(acceptedShipments())));
    expect(report.skipped).toBe(true);
    expect(feed.requests).toEqual([]);
  });

  it('a crash between applying a page and saving its marker applies nothing twice on the next run', async () => {
    const feed = new FakeFeed(3);
    feed.signals = numbers.map((n) => signal('TO_ENTRY', { waybill: n }));
    const markers = new FakeMarkers();
    markers.failNextAdvance = true;
    const store = new FakeRoutingStore(acceptedShipments());
    const clock = new FakeClock(NOW);
    await expect(pollRouting(poller(feed, markers, store, clock))).rejects.toThrow('crash');
    expect(markers.marker).toBeUndefined();
    expect(store.notifications).toHaveLength(6); // 3 × (shipment.routing + shipment.status)
    clock.advance(DEFAULT_ROUTING_SETTINGS.leaseMs + 1); // the dead run's lease expires
    const again = await pollRouting(poller(feed, markers, store, clock));
    expect(again).toMatchObject({ applied: 0, duplicates: 3 });
    expect(store.notifications).toHaveLength(6);
    expect(markers.marker).toBe(feed.signals[2]?.id);
  });
});

describe('the routing feed adapter (wire → domain)', () => {
  const wire = {
    referenceNumber: 'RR123456785SE',
    type: 'N730',
    receptacleId: 'NOOSLA12345',
    routingResult: {
      id: 'r-1',
      routing: 'TO_CONTROL',
      routingControlLocation: 'AFTER_ENTRY',
      timestamp: '2026-12-01T13:05:00Z',
    },
  };

  it('keeps Customs values verbatim and names the house by its waybill key', () => {
    expect(signalFromWire(wire)).toEqual({
      id: 'r-1',
      waybill: { number: 'RR123456785SE', type: 'N730' },
      routing: 'TO_CONTROL',
      controlLocation: 'AFTER_ENTRY',
      publishedAt: '2026-12-01T13:05:00.000Z',
      verbatim: wire,
    });
  });

  it('asks the routing API with the marker, reads a page, and retries later on a refused marker', async () => {
    const asked: string[] = [];
    const answers = [JSON.stringify([wire]), '[]', JSON.stringify({ validationErrors: [] })];
    const statuses = [200, 200, 400];
    const client = new DigitollHttpClient({
      baseUrl: 'https://api-test.toll.no',
      tokens: { getToken: async () => 'token', invalidate: () => {} },
      fetch: (async (url: string) => {
        asked.push(String(url));
        const status = statuses.shift() ?? 500;
        return new Response(answers.shift() ?? '', { status });
      }) as typeof fetch,
    });
    const feed = new DigitollRoutingFeed(client);
    expect(await feed.page(undefined)).toEqual({ ok: true, signals: [signalFromWire(wire)] });
    expect(await feed.page('r-1')).toEqual({ ok: true, signals: [] });
    expect(await feed.page('unknown')).toMatchObject({ ok: false });
    expect(asked).toEqual([
      'https://api-test.toll.no/api/movement/routing/v1/house-consignment',
      'https://api-test.toll.no/api/movement/routing/v1/house-consignment?marker=r-1',
      'https://api-test.toll.no/api/movement/routing/v1/house-consignment?marker=unknown',
    ]);
  });
});
