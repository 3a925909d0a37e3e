/**
 * Border sweep benchmarks (issue #4):
 * - items read by one sweep with 100 shipments due, when the table holds 10,000 and 100,000 other
 *   shipments (their border deadlines not due): the two must be equal — the cost follows what is
 *   due, not the table (sparse deadline index, never a Scan). Counted by the store (deterministic,
 *   with a fixed clock so nothing else falls due while the table is filled);
 * - sweep time for 10,000 due shipments on the local stack: the bundled scheduled function, fired
 *   through the local runtime, against DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { DynamoBorderStore } from '../lib/adapters/dynamodb/border-store.ts';
import { DynamoIntakeStore } from '../lib/adapters/dynamodb/intake-store.ts';
import { DEFAULT_SWEEP_SETTINGS, type NctsGateway, runBorderSweep } from '../lib/domain/border-sweep.ts';
import { buildIntake, firstBorderCheckAt } from '../lib/domain/intake.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { type Figure, figure, median, progress, round, startTableBench } from './support.ts';

export interface SweepBenchContext {
  cdkOut: string;
  template: ManifestRequest;
}

const GROUP = 'C border sweep (#4)';

/** Writes a complete manifest (claimed, shipments stored, completed: its border marker set). */
async function seedManifest(
  repository: DynamoIntakeStore,
  template: ManifestRequest,
  partnerId: string,
  shipments: number,
  estimatedArrival: Date,
): Promise<string> {
  const [first] = template.shipments;
  if (!first) throw new Error('template has no shipment');
  const reference = `SWEEP-${randomUUID()}`;
  const request: ManifestRequest = {
    ...template,
    reference,
    transport: { ...template.transport, estimatedArrival: estimatedArrival.toISOString() },
    shipments: Array.from({ length: shipments }, (_, i) => ({
      ...structuredClone(first),
      shipmentNumber: `${reference.slice(6, 14)}${String(i).padStart(6, '0')}`,
    })),
  };
  const claim = {
    partnerId,
    reference,
    manifestId: randomUUID(),
    bodyHash: 'bench',
    receivedAt: new Date().toISOString(),
    state: 'IN_PROGRESS' as const,
    leaseUntil: new Date().toISOString(),
  };
  const { manifest, records } = buildIntake(claim, request);
  await repository.claimReference(claim, manifest);
  await repository.putShipments(records);
  await repository.completeIntake({ ...manifest, intake: 'COMPLETE' }, firstBorderCheckAt(manifest));
  return manifest.manifestId;
}

const recordingGateway: NctsGateway = { name: 'bench', handOver: async () => ({ reference: 'bench' }) };

export async function sweepFigures(context?: SweepBenchContext): Promise<Figure[]> {
  if (!context) throw new Error('sweepFigures needs the bench context');
  const { stack, table, stop } = await startTableBench('sweep', context.cdkOut);
  try {
    const repository = new DynamoIntakeStore(table);
    const now = new Date();
    const later = new Date(now.getTime() + 7 * 86_400_000); // not due for a week
    const soon = new Date(now.getTime() + 90 * 60_000); // ETA − 2 h has passed: due now

    const itemsReadWithDue = async (label: string) => {
      await seedManifest(repository, context.template, 'bench', 100, soon);
      const store = new DynamoBorderStore(table);
      // A fixed clock: both runs see the same "now", so nothing else falls due meanwhile.
      const report = await runBorderSweep({
        store,
        ncts: recordingGateway,
        clock: { now: () => now },
        settings: DEFAULT_SWEEP_SETTINGS,
      });
      progress(
        `  sweep with 100 due (${label}): ${store.counters.itemsRead} items read, ${report.flagsRaised} flags raised`,
      );
      return store.counters.itemsRead;
    };

    progress('  seeding 10,000 shipments (not due)…');
    for (let i = 0; i < 10; i++) await seedManifest(repository, context.template, 'bench', 1_000, later);
    const at10k = await itemsReadWithDue('10,000 in the table');
    progress('  seeding 90,000 more shipments (not due)…');
    for (let i = 0; i < 90; i++) await seedManifest(repository, context.template, 'bench', 1_000, later);
    const at100k = await itemsReadWithDue('100,000 in the table');

    // Sweep time for 10,000 due shipments, through the bundled scheduled function.
    const times: number[] = [];
    for (let run = 0; run < 2; run++) {
      for (let i = 0; i < 10; i++) await seedManifest(repository, context.template, `due${run}`, 1_000, soon);
      const started = performance.now();
      const response = await fetch(`${stack.apiUrl}/__local/schedules/run`, { method: 'POST' });
      const body = (await response.json()) as {
        results: Array<{ ok: boolean; result?: { sweep?: { flagsRaised: number } } }>;
      };
      const elapsed = performance.now() - started;
      const raised = body.results[0]?.result?.sweep?.flagsRaised ?? 0;
      progress(`  sweep of 10,000 due shipments: ${round(elapsed / 1000)} s, ${raised} flags raised`);
      if (raised < 10_000) throw new Error(`the sweep raised ${raised} flags, expected 10,000`);
      times.push(elapsed);
    }

    return [
      figure(
        GROUP,
        'Items read per sweep, 100 due, table of 10,000',
        at10k,
        'items',
        null,
        'deadline markers + manifest + index rows + shipments of what is due',
      ),
      figure(
        GROUP,
        'Items read per sweep, 100 due, table of 100,000',
        at100k,
        'items',
        null,
        'same sweep, ten times the table',
      ),
      figure(
        GROUP,
        'Difference (100,000 − 10,000 table)',
        at100k - at10k,
        'items',
        { op: '==', bound: 0 },
        'equal: the cost follows what is due, not the table (sparse deadline index, no Scan)',
      ),
      figure(
        GROUP,
        'Sweep time, 10,000 due shipments (local stack)',
        round(median(times) / 1000),
        's',
        null,
        `median of ${times.length}: bundled scheduled function on DynamoDB Local raising NOTIFICATION_MISSING on 10,000 shipments (one conditional transaction each)`,
      ),
    ];
  } finally {
    await stop();
  }
}
