/**
 * Completes intakes that stopped part-way (the function died, or the partner never retried a 5xx).
 * Run by the scheduled border function. It can finish only what was stored: if every shipment of
 * the first request is in the table, it (re-)queues them and marks the manifest COMPLETE; if some
 * are missing, only the partner's retry (which carries the body) can add them, so it waits.
 */
import {
  firstBorderCheckAt,
  INTAKE_LEASE_MS,
  type IntakeStore,
  mixedTransitOf,
  reportMessagesFor,
} from './intake.ts';
import type { Clock, ReportQueue } from './ports.ts';
import type { IdempotencyRecord } from './records.ts';

/** How long to wait before looking again at an intake that only the partner can complete. */
export const WAIT_FOR_PARTNER_MS = 15 * 60_000;

export interface StalledIntakeStore
  extends Pick<IntakeStore, 'takeOverLease' | 'completeIntake' | 'getManifest' | 'summarizeShipments'> {
  /** Intakes still IN_PROGRESS whose lease (or re-check time) ended before `before`. */
  stalledIntakes(before: string, limit: number): Promise<Array<{ partnerId: string; reference: string }>>;
  getIdempotency(partnerId: string, reference: string): Promise<IdempotencyRecord | undefined>;
  /** Looks at a stalled intake again at `dueAt`, leaving its lease as it is (the partner may retry any time). */
  rescheduleStalledIntake(
    record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId'>,
    dueAt: string,
  ): Promise<void>;
}

export interface StalledIntakeDeps {
  store: StalledIntakeStore;
  queue: ReportQueue;
  clock: Clock;
}

export interface StalledIntakeReport {
  completed: string[];
  waitingForPartner: string[];
}

export async function completeStalledIntakes(
  deps: StalledIntakeDeps,
  limit = 50,
): Promise<StalledIntakeReport> {
  const report: StalledIntakeReport = { completed: [], waitingForPartner: [] };
  const now = deps.clock.now();
  for (const stalled of await deps.store.stalledIntakes(now.toISOString(), limit)) {
    const claim = await deps.store.getIdempotency(stalled.partnerId, stalled.reference);
    if (claim?.state !== 'IN_PROGRESS' || claim.leaseUntil > now.toISOString()) continue;
    const manifest = await deps.store.getManifest(claim.partnerId, claim.manifestId);
    if (!manifest) continue;
    const summaries = await deps.store.summarizeShipments(claim.manifestId);
    if (summaries.length < manifest.initialShipmentCount) {
      const later = new Date(now.getTime() + WAIT_FOR_PARTNER_MS).toISOString();
      await deps.store.rescheduleStalledIntake(claim, later);
      report.waitingForPartner.push(claim.manifestId);
      continue;
    }
    const leaseUntil = new Date(now.getTime() + INTAKE_LEASE_MS).toISOString();
    if (!(await deps.store.takeOverLease(claim, claim.leaseUntil, leaseUntil))) continue;
    await deps.queue.send(reportMessagesFor(manifest, summaries));
    const mixedTransit = manifest.transit ? mixedTransitOf(summaries, now.toISOString()) : undefined;
    const complete = { ...manifest, intake: 'COMPLETE' as const, ...(mixedTransit ? { mixedTransit } : {}) };
    // A REJECTED shipment may have been refused because its number was in use: replays read them.
    const refusals = summaries.some((row) => row.status === 'REJECTED');
    await deps.store.completeIntake(
      complete,
      firstBorderCheckAt(complete),
      refusals ? { answerFromStore: true } : {},
    );
    report.completed.push(claim.manifestId);
  }
  return report;
}
