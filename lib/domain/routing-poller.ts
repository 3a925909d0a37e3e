/**
 * The routing poller (issue #10): pulls Customs' routing signals page by page after the saved marker
 * until the feed is empty, and applies each to the shipment with its waybill (`routing.ts`).
 *
 * Exactly once, by two mechanisms:
 * - The marker has a lease and a version. A run takes the lease (conditional write: free or expired), and
 *   every page's marker is saved conditionally on the version it read and on still holding the lease. A
 *   second poller that finds the lease held does nothing; one whose lease was taken over stops at its
 *   next save.
 * - Applying is idempotent per signal (`routingResult.id` is remembered by the shipment), so a crash
 *   between applying a page and saving its marker re-applies that page next time and changes nothing twice.
 *
 * A signal whose waybill we never had ACCEPTED (not ours, or reported by other means) is counted and ignored.
 */

import type { PartnerNotification } from './notifications.ts';
import type { Clock, IdGenerator } from './ports.ts';
import type { ShipmentEvent, ShipmentRecord } from './records.ts';
import { applyRoutingSignal, type BorderState, type RoutingSignal } from './routing.ts';
import type { Flag, ShipmentStatus } from './shipment.ts';

export type RoutingFeedPage = { ok: true; signals: RoutingSignal[] } | { ok: false; reason: string };

/** Customs' routing feed: the signals after `marker` (from the beginning without one), oldest first. */
export interface RoutingFeed {
  page(marker: string | undefined): Promise<RoutingFeedPage>;
}

export interface MarkerLease {
  /** The last signal id applied and saved; undefined before the first. */
  marker: string | undefined;
  version: number;
}

export interface RoutingMarkerStore {
  /** Takes the lease if it is free or expired; undefined if another run holds it. */
  acquire(owner: string, now: string, leaseUntil: string): Promise<MarkerLease | undefined>;
  /** Saves the next marker if the version is still `lease.version` and `owner` holds the lease; false otherwise. */
  advance(owner: string, lease: MarkerLease, marker: string, leaseUntil: string): Promise<boolean>;
  /** Gives the lease back (no-op if it is no longer ours). */
  release(owner: string, lease: MarkerLease): Promise<void>;
}

export interface RoutingChange {
  status: ShipmentStatus;
  flags: Flag[];
  border: BorderState;
  events: ShipmentEvent[];
  notifications: PartnerNotification[];
  /** The signal, for deterministic event ids. */
  signalId: string;
}

export interface RoutingStore {
  /** The shipments we had ACCEPTED with this house waybill (a keyed read, never a scan). */
  shipmentsByWaybill(waybill: RoutingSignal['waybill']): Promise<ShipmentRecord[]>;
  /** Re-reads one shipment (after a conflict). */
  shipment(shipment: ShipmentRecord): Promise<ShipmentRecord | undefined>;
  /** Conditional on `shipment.version`; false if it changed meanwhile. */
  applyRouting(shipment: ShipmentRecord, change: RoutingChange): Promise<boolean>;
}

export interface RoutingPollerDeps {
  feed: RoutingFeed;
  markers: RoutingMarkerStore;
  store: RoutingStore;
  clock: Clock;
  ids: IdGenerator;
  settings: {
    /** How long a run's lease lasts (longer than the function may run). */
    leaseMs: number;
    /** No new page is started after this long (the function's timeout must leave room for one page). */
    runBudgetMs: number;
    /** Waybills of one page applied at once (signals of one waybill always in order). */
    concurrency: number;
  };
}

export const DEFAULT_ROUTING_SETTINGS: RoutingPollerDeps['settings'] = {
  leaseMs: 120_000,
  runBudgetMs: 40_000,
  concurrency: 16,
};

export interface RoutingPollReport {
  /** Another run held the lease: this one did nothing. */
  skipped: boolean;
  pages: number;
  signals: number;
  applied: number;
  /** Applied before (a page seen again after a crash or by a racing run). */
  duplicates: number;
  /** Older than the routing the shipment already had: timeline only. */
  superseded: number;
  /** Signals for waybills we have no ACCEPTED shipment for: counted and ignored. */
  unknownWaybills: number;
  conflicts: number;
  /** The lease was taken over mid-run (this run stopped; the other re-applies idempotently). */
  lostLease: boolean;
  /** Why the run stopped before the feed was empty (the feed failed, or the run budget was spent). */
  stoppedBecause?: string;
  marker?: string;
}

export async function pollRouting(deps: RoutingPollerDeps): Promise<RoutingPollReport> {
  const report: RoutingPollReport = {
    skipped: false,
    pages: 0,
    signals: 0,
    applied: 0,
    duplicates: 0,
    superseded: 0,
    unknownWaybills: 0,
    conflicts: 0,
    lostLease: false,
  };
  const owner = deps.ids.newId();
  const started = deps.clock.now().getTime();
  const leaseUntil = () => new Date(deps.clock.now().getTime() + deps.settings.leaseMs).toISOString();
  let lease = await deps.markers.acquire(owner, deps.clock.now().toISOString(), leaseUntil());
  if (!lease) return { ...report, skipped: true };
  if (lease.marker !== undefined) report.marker = lease.marker;
  for (;;) {
    if (deps.clock.now().getTime() - started > deps.settings.runBudgetMs) {
      report.stoppedBecause = 'run budget spent; the next run continues from the saved marker';
      break;
    }
    const page = await deps.feed.page(lease.marker);
    if (!page.ok) {
      report.stoppedBecause = page.reason;
      break;
    }
    if (page.signals.length === 0) break;
    report.pages++;
    report.signals += page.signals.length;
    await applyPage(deps, page.signals, report);
    const next = page.signals.at(-1)?.id as string;
    if (!(await deps.markers.advance(owner, lease, next, leaseUntil()))) {
      report.lostLease = true;
      return report;
    }
    lease = { marker: next, version: lease.version + 1 };
    report.marker = next;
  }
  // (A run that throws leaves the lease to expire: whoever runs next re-reads from the saved marker.)
  await deps.markers.release(owner, lease);
  return report;
}

/** One page: signals grouped by waybill, each group in feed order, groups a few at a time. */
async function applyPage(
  deps: RoutingPollerDeps,
  signals: RoutingSignal[],
  report: RoutingPollReport,
): Promise<void> {
  const groups = new Map<string, RoutingSignal[]>();
  for (const signal of signals) {
    const key = `${signal.waybill.type}\u0000${signal.waybill.number}`;
    groups.set(key, [...(groups.get(key) ?? []), signal]);
  }
  const work = [...groups.values()];
  for (let start = 0; start < work.length; start += deps.settings.concurrency) {
    await Promise.all(
      work.slice(start, start + deps.settings.concurrency).map(async (group) => {
        for (const signal of group) await applySignal(deps, signal, report);
      }),
    );
  }
}

async function applySignal(deps: RoutingPollerDeps, signal: RoutingSignal, report: RoutingPollReport) {
  const shipments = await deps.store.shipmentsByWaybill(signal.waybill);
  if (shipments.length === 0) {
    report.unknownWaybills++;
    return;
  }
  for (const found of shipments) {
    let shipment: ShipmentRecord | undefined = found;
    for (let attempt = 0; shipment; attempt++) {
      if (attempt >= 5)
        throw new Error(`shipment ${shipment.shipmentNumber} kept changing; retried next run`);
      const decision = applyRoutingSignal(shipment, signal, deps.clock.now());
      if (decision.kind === 'duplicate') {
        report.duplicates++;
        break;
      }
      const saved = await deps.store.applyRouting(shipment, {
        status: decision.status,
        flags: decision.flags,
        border: decision.border,
        events: decision.events,
        notifications: decision.notifications,
        signalId: signal.id,
      });
      if (saved) {
        if (decision.latest) report.applied++;
        else report.superseded++;
        break;
      }
      report.conflicts++;
      shipment = await deps.store.shipment(shipment);
    }
  }
}
