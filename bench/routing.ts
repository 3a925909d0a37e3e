/**
 * Routing poller benchmarks (issue #10 item 4), on DynamoDB Local with the real adapters:
 * - requests and items read by one poll that finds 10 new signals, when the table holds 1,000 and then
 *   100,000 shipments (each with its house-waybill item, as after ACCEPTED): the two must be equal — a
 *   signal finds its shipment by the waybill key (a keyed Query and a GetItem), never a scan;
 * - signals applied per second: 2,000 signals (1,000 a page, as Digitoll pages) applied by one poll.
 *
 * The feed is an in-memory stand-in serving pages the way the simulator does (marker = last id, 1,000 a
 * page, empty when caught up): these figures are about our side's cost, and the simulator's routing endpoint
 * has its own tests. Counts come from the stores' counters (DynamoDB requests and items read).
 * `BENCH_ROUTING_SHIPMENTS` lowers the large table (default 100,000) on a slow machine.
 */
import { randomUUID } from 'node:crypto';
import { HOUSE_DOCUMENT_TYPE } from '../lib/adapters/digitoll/road-v2/mapping.ts';
import { DynamoIntakeStore } from '../lib/adapters/dynamodb/intake-store.ts';
import {
  DynamoRoutingMarkers,
  DynamoRoutingStore,
  houseWaybillItem,
} from '../lib/adapters/dynamodb/routing-store.ts';
import type { Table } from '../lib/adapters/dynamodb/table.ts';
import { systemClock, timeOrderedIds } from '../lib/domain/ids.ts';
import { buildIntake } from '../lib/domain/intake.ts';
import type { RoutingSignal } from '../lib/domain/routing.ts';
import { DEFAULT_ROUTING_SETTINGS, pollRouting, type RoutingFeed } from '../lib/domain/routing-poller.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { type Figure, figure, progress, round, startTableBench } from './support.ts';

export interface RoutingBenchContext {
  cdkOut: string;
  template: ManifestRequest;
}

const GROUP = 'F routing poller (#10)';
const PAGE = 1_000;

/** Routing signals after a marker, a page at a time (what the simulator serves, in memory). */
class MemoryFeed implements RoutingFeed {
  signals: RoutingSignal[] = [];
  requests = 0;
  async page(marker: string | undefined) {
    this.requests++;
    const from = marker === undefined ? 0 : this.signals.findIndex((s) => s.id === marker) + 1;
    return { ok: true as const, signals: this.signals.slice(from, from + PAGE) };
  }
}

const signalFor = (shipmentNumber: string, routing: string): RoutingSignal => {
  const id = randomUUID();
  return {
    id,
    waybill: { number: shipmentNumber, type: HOUSE_DOCUMENT_TYPE },
    routing,
    ...(routing === 'TO_CONTROL' ? { controlLocation: 'ON_ENTRY' } : {}),
    publishedAt: new Date().toISOString(),
    verbatim: { referenceNumber: shipmentNumber, type: HOUSE_DOCUMENT_TYPE, routingResult: { id, routing } },
  };
};

/** Stores `count` ACCEPTED shipments with their house-waybill items; returns their numbers. */
async function seedAccepted(table: Table, template: ManifestRequest, count: number): Promise<string[]> {
  const [first] = template.shipments;
  if (!first) throw new Error('template has no shipment');
  const repository = new DynamoIntakeStore(table);
  const numbers: string[] = [];
  for (let start = 0; start < count; start += 1_000) {
    const tag = randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase();
    const request: ManifestRequest = {
      ...template,
      reference: `ROUTING-${tag}`,
      transport: { ...template.transport, estimatedArrival: new Date(Date.now() + 86_400_000).toISOString() },
      shipments: Array.from({ length: Math.min(1_000, count - start) }, (_, i) => ({
        ...structuredClone(first),
        shipmentNumber: `${tag}${String(i).padStart(5, '0')}`,
      })),
    };
    const { records } = buildIntake(
      { partnerId: 'bench', manifestId: randomUUID(), receivedAt: new Date().toISOString() },
      request,
    );
    const accepted = records.map((r) => ({
      ...r,
      status: 'ACCEPTED' as const,
      mrn: `26NO${r.shipmentNumber}`,
    }));
    await repository.putShipments(accepted);
    await table.batchWrite(
      accepted.map((r) => ({
        PutRequest: {
          Item: houseWaybillItem(table, { type: HOUSE_DOCUMENT_TYPE, number: r.shipmentNumber }, r),
        },
      })),
    );
    numbers.push(...accepted.map((r) => r.shipmentNumber));
  }
  return numbers;
}

export async function routingFigures(context?: RoutingBenchContext): Promise<Figure[]> {
  if (!context) throw new Error('routingFigures needs the bench context');
  const large = Number(process.env.BENCH_ROUTING_SHIPMENTS ?? 100_000);
  const { table, stop } = await startTableBench('routing', context.cdkOut);
  try {
    const feed = new MemoryFeed();

    const poll = async () => {
      const store = new DynamoRoutingStore(table);
      const markers = new DynamoRoutingMarkers(table);
      const requestsBefore = feed.requests;
      const started = performance.now();
      const report = await pollRouting({
        feed,
        markers,
        store,
        clock: systemClock,
        ids: timeOrderedIds(systemClock),
        settings: { ...DEFAULT_ROUTING_SETTINGS, runBudgetMs: 600_000 },
      });
      return {
        report,
        seconds: (performance.now() - started) / 1000,
        dynamoRequests: store.counters.requests + markers.counters.requests,
        itemsRead: store.counters.itemsRead,
        digitollRequests: feed.requests - requestsBefore,
      };
    };
    const tenSignals = async (numbers: string[], label: string) => {
      const picked = Array.from({ length: 10 }, (_, i) => numbers[(i * 97) % numbers.length] as string);
      feed.signals.push(...picked.map((n, i) => signalFor(n, i === 0 ? 'TO_CONTROL' : 'TO_ENTRY')));
      const result = await poll();
      if (result.report.applied !== 10) throw new Error(`applied ${result.report.applied} of 10 signals`);
      progress(
        `  poll with 10 new signals (${label}): ${result.dynamoRequests} DynamoDB requests, ${result.itemsRead} items read, ${result.digitollRequests} routing requests`,
      );
      return result;
    };

    progress('  seeding 1,000 accepted shipments…');
    const small = await seedAccepted(table, context.template, 1_000);
    await poll(); // first poll: marker item created
    const atSmall = await tenSignals(small, '1,000 in the table');
    progress(`  seeding ${(large - 1_000).toLocaleString('en-US')} more accepted shipments…`);
    const more = await seedAccepted(table, context.template, large - 1_000);
    const atLarge = await tenSignals([...small, ...more], `${large.toLocaleString('en-US')} in the table`);

    // Throughput: 2,000 signals (two full pages) on distinct shipments.
    const targets = more.length >= 2_000 ? more.slice(0, 2_000) : [...small, ...more].slice(0, 2_000);
    feed.signals.push(...targets.map((n) => signalFor(n, 'TO_ENTRY')));
    const bulk = await poll();
    const perSecond = round(bulk.report.applied / bulk.seconds, 1);
    progress(`  ${bulk.report.applied} signals applied in ${round(bulk.seconds)} s: ${perSecond}/s`);

    const largeLabel = large.toLocaleString('en-US');
    return [
      figure(
        GROUP,
        'DynamoDB requests per poll, 10 new signals, table of 1,000',
        atSmall.dynamoRequests,
        'requests',
        null,
        'lease + 10 × (waybill Query + shipment read + one transaction) + marker save + release',
      ),
      figure(
        GROUP,
        `DynamoDB requests per poll, 10 new signals, table of ${largeLabel}`,
        atLarge.dynamoRequests,
        'requests',
        null,
        `same poll, ${round(large / 1_000, 0)} times the table`,
      ),
      figure(
        GROUP,
        'Items read per poll, 10 new signals, table of 1,000',
        atSmall.itemsRead,
        'items',
        null,
        'house-waybill items + shipments of the 10 signals',
      ),
      figure(
        GROUP,
        `Items read per poll, 10 new signals, table of ${largeLabel}`,
        atLarge.itemsRead,
        'items',
        null,
        'same',
      ),
      figure(
        GROUP,
        `Difference in items read (${largeLabel} − 1,000 table)`,
        atLarge.itemsRead - atSmall.itemsRead,
        'items',
        { op: '==', bound: 0 },
        'equal: keyed reads by the Digitoll house key, never a scan',
      ),
      figure(
        GROUP,
        'Routing API requests per poll, 10 new signals',
        atLarge.digitollRequests,
        'requests',
        null,
        'one page with the signals, one empty page (caught up)',
      ),
      figure(
        GROUP,
        'Signals applied per second (DynamoDB Local)',
        perSecond,
        'signals/s',
        null,
        `${bulk.report.applied} signals in pages of ${PAGE}, 16 waybills at a time, one conditional transaction each; in-memory feed`,
      ),
    ];
  } finally {
    await stop();
  }
}
