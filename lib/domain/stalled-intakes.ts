/**
 * Completes intakes that stopped part-way (the function died, or the partner never retried a 5xx).
 * Run by the scheduled border function. It can finish only what was stored: if every shipment of
 * the first request is in the table, it (re-)queues them and marks the manifest COMPLETE; if some
 * are missing, only the partner's retry (which carries the body) can add them, so it waits.
 */
import { isMixedTransit } from '../rules/index.ts';
import { type IntakeDeps, reportMessagesFor } from './intake.ts';

/** How long to wait before looking again at an intake that only the partner can complete. */
export const WAIT_FOR_PARTNER_MS = 15 * 60_000;

export interface StalledIntakeReport {
  completed: string[];
  waitingForPartner: string[];
}

export async function completeStalledIntakes(deps: IntakeDeps, limit = 50): Promise<StalledIntakeReport> {
  const report: StalledIntakeReport = { completed: [], waitingForPartner: [] };
  const now = deps.clock.now();
  for (const stalled of await deps.repository.stalledIntakes(now.toISOString(), limit)) {
    const claim = await deps.repository.getIdempotency(stalled.partnerId, stalled.reference);
    if (claim?.state !== 'IN_PROGRESS' || claim.leaseUntil > now.toISOString()) continue;
    const manifest = await deps.repository.getManifest(claim.partnerId, claim.manifestId);
    if (!manifest) continue;
    const summaries = await deps.repository.summarizeShipments(claim.manifestId);
    if (summaries.length < manifest.initialShipmentCount) {
      const later = new Date(now.getTime() + WAIT_FOR_PARTNER_MS).toISOString();
      await deps.repository.rescheduleStalledIntake(claim, later);
      report.waitingForPartner.push(claim.manifestId);
      continue;
    }
    const leaseUntil = new Date(now.getTime() + 60_000).toISOString();
    if (!(await deps.repository.takeOverLease(claim, claim.leaseUntil, leaseUntil))) continue;
    await deps.queue.send(reportMessagesFor(manifest, summaries));
    const verdict = manifest.transit ? isMixedTransit(summaries) : { mixed: false as const };
    await deps.repository.completeIntake({
      ...manifest,
      intake: 'COMPLETE',
      ...(verdict.mixed
        ? {
            mixedTransit: {
              reason: verdict.reason,
              ineligibleShipmentNumbers: verdict.ineligibleShipmentNumbers,
              recordedAt: now.toISOString(),
            },
          }
        : {}),
    });
    report.completed.push(claim.manifestId);
  }
  return report;
}
