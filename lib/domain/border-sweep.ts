/**
 * The border sweep: for each transport whose border deadline is due (read from the sparse
 * deadline index, never a scan), raise or clear the shipments' border flags, prepare the TVINN
 * backup drafts once the ETA has passed, and close (or prepare the closing of) the NCTS transit.
 *
 * Safe to run twice or concurrently: flag changes are conditional on the shipment's version (the
 * loser re-reads and finds nothing to do), drafts and transit records have deterministic keys,
 * and the deadline marker moves only if nobody moved it meanwhile. A run that dies half-way left
 * the marker where it was, so the next run does the rest.
 */
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../concurrency.ts';
import { REPORTING_LEAD_MS } from './deadlines.ts';
import {
  type ArrivalNotification,
  decideTransitClosure,
  type TransitRecord,
  type TransitState,
} from './ncts.ts';
import { flagNotification, type PartnerNotification, transitClosureNotification } from './notifications.ts';
import type { Clock } from './ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from './records.ts';
import { type Flag, type FlagCode, isAcceptedByDigitoll } from './shipment.ts';
import { type TvinnDeclarationDraft, tvinnDrafts } from './tvinn.ts';

export interface BorderCheck {
  partnerId: string;
  manifestId: string;
  /** The marker's current sort key: it moves only if still this. */
  dueSk: string;
}

export interface SweepStore {
  dueBorderChecks(now: string, limit: number): Promise<BorderCheck[]>;
  manifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined>;
  shipments(partnerId: string, manifestId: string): Promise<ShipmentRecord[]>;
  shipment(
    partnerId: string,
    manifestId: string,
    shipmentNumber: string,
  ): Promise<ShipmentRecord | undefined>;
  /** Conditional on `shipment.version`; false if it changed meanwhile. */
  updateFlags(
    shipment: ShipmentRecord,
    flags: Flag[],
    events: ShipmentEvent[],
    notifications: PartnerNotification[],
  ): Promise<boolean>;
  /** Makes the manifest's drafts exactly these (writes new or changed ones, deletes the rest). */
  saveTvinnDrafts(manifest: ManifestRecord, drafts: TvinnDeclarationDraft[]): Promise<void>;
  transit(partnerId: string, mrn: string): Promise<TransitRecord | undefined>;
  /** Creates (expectedVersion undefined) or updates a transit record; false if it changed meanwhile. */
  saveTransit(
    record: TransitRecord,
    expectedVersion: number | undefined,
    notification?: PartnerNotification,
  ): Promise<boolean>;
  /** Moves the marker to `nextDueAt`, or removes it; no-op if someone moved it meanwhile. */
  advanceBorderCheck(check: BorderCheck, nextDueAt: string | undefined): Promise<void>;
}

/** Where arrival notifications go (NCTS phase 5). Locally, and until a carrier plugs in its NCTS client, it records them. */
export interface NctsGateway {
  readonly name: string;
  handOver(partnerId: string, notification: ArrivalNotification): Promise<{ reference: string }>;
}

export interface SweepDeps {
  store: SweepStore;
  ncts: NctsGateway;
  clock: Clock;
  settings: {
    /** How often a transport in its border window is looked at again. */
    recheckMs: number;
    /** How long after the ETA late acceptances are still looked for (then the marker is removed). */
    lateGraceMs: number;
    /** Transports per run. */
    batchSize: number;
    /** Shipments of a transport reconciled at once (each one conditional transaction at most). */
    concurrency: number;
  };
}

export const DEFAULT_SWEEP_SETTINGS: SweepDeps['settings'] = {
  recheckMs: 5 * 60_000,
  lateGraceMs: 6 * 3_600_000,
  batchSize: 200,
  concurrency: DEFAULT_IO_CONCURRENCY,
};

export interface SweepReport {
  transports: number;
  flagsRaised: number;
  /** Raised flags by code (NOTIFICATION_MISSING is alarmed on). */
  raised: Partial<Record<FlagCode, number>>;
  flagsCleared: number;
  tvinnDrafts: number;
  transits: Partial<Record<TransitState, number>>;
  conflicts: number;
}

const SWEEP_FLAGS: readonly FlagCode[] = ['NOTIFICATION_MISSING', 'DECLARE_IN_TVINN'];

/** The border flags a shipment should carry now (pure). */
export function borderFlagsFor(shipment: ShipmentRecord, estimatedArrival: string, now: Date): Set<FlagCode> {
  const wanted = new Set<FlagCode>();
  if (
    isAcceptedByDigitoll(shipment.status) ||
    shipment.status === 'REJECTED' ||
    shipment.status === 'CANCELLED'
  )
    return wanted;
  const eta = Date.parse(estimatedArrival);
  if (now.getTime() >= eta - REPORTING_LEAD_MS) wanted.add('NOTIFICATION_MISSING');
  if (now.getTime() >= eta) wanted.add('DECLARE_IN_TVINN');
  return wanted;
}

const FLAG_DETAIL: Record<string, (eta: string) => string> = {
  NOTIFICATION_MISSING: (eta) => `Not accepted by Digitoll 2 hours before the border ETA (${eta})`,
  DECLARE_IN_TVINN: (eta) =>
    `The border ETA (${eta}) passed without Digitoll acceptance: declare it in TVINN (a draft is ready)`,
};

export async function runBorderSweep(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const report: SweepReport = {
    transports: 0,
    flagsRaised: 0,
    raised: {},
    flagsCleared: 0,
    tvinnDrafts: 0,
    transits: {},
    conflicts: 0,
  };
  const due = await deps.store.dueBorderChecks(now.toISOString(), deps.settings.batchSize);
  for (const check of due) {
    report.transports++;
    await sweepTransport(deps, check, now, report);
  }
  return report;
}

async function sweepTransport(
  deps: SweepDeps,
  check: BorderCheck,
  now: Date,
  report: SweepReport,
): Promise<void> {
  const manifest = await deps.store.manifest(check.partnerId, check.manifestId);
  if (!manifest) return deps.store.advanceBorderCheck(check, undefined);
  const eta = manifest.transport.estimatedArrival;
  let shipments = await deps.store.shipments(check.partnerId, check.manifestId);

  // Shipments are independent: reconcile them a few at a time (a big transport must fit the
  // function's timeout), each retried on its own after a concurrent change.
  const reconcile = async (first: ShipmentRecord) => {
    let shipment: ShipmentRecord | undefined = first;
    for (let attempt = 0; attempt < 3 && shipment; attempt++) {
      const changed = await reconcileFlags(deps, manifest, shipment, now, report);
      if (changed !== 'conflict') return;
      report.conflicts++;
      shipment = await deps.store.shipment(check.partnerId, check.manifestId, shipment.shipmentNumber);
    }
  };
  await mapBounded(shipments, deps.settings.concurrency, reconcile);

  const past = now.getTime() >= Date.parse(eta);
  if (past) {
    shipments = await deps.store.shipments(check.partnerId, check.manifestId);
    const drafts = tvinnDrafts(manifest, shipments, now.toISOString());
    await deps.store.saveTvinnDrafts(manifest, drafts);
    report.tvinnDrafts += drafts.length;
    if (manifest.transit) {
      const state = await closeTransit(deps, manifest, shipments, now);
      if (state) report.transits[state] = (report.transits[state] ?? 0) + 1;
    }
  }

  const eligible = shipments.filter((s) => s.status !== 'REJECTED' && s.status !== 'CANCELLED');
  const outstanding = eligible.some((s) => !isAcceptedByDigitoll(s.status));
  const deadline = Date.parse(eta) - REPORTING_LEAD_MS;
  const recheck = now.getTime() + deps.settings.recheckMs;
  let next: number | undefined;
  if (now.getTime() < deadline) next = deadline;
  else if (!past) next = outstanding ? Math.min(recheck, Date.parse(eta)) : Date.parse(eta);
  else if (outstanding && now.getTime() < Date.parse(eta) + deps.settings.lateGraceMs) next = recheck;
  await deps.store.advanceBorderCheck(check, next === undefined ? undefined : new Date(next).toISOString());
}

async function reconcileFlags(
  deps: SweepDeps,
  manifest: ManifestRecord,
  shipment: ShipmentRecord,
  now: Date,
  report: SweepReport,
): Promise<'unchanged' | 'changed' | 'conflict'> {
  const eta = manifest.transport.estimatedArrival;
  const wanted = borderFlagsFor(shipment, eta, now);
  const current = new Set(shipment.flags.map((f) => f.code));
  const raise = SWEEP_FLAGS.filter((code) => wanted.has(code) && !current.has(code));
  const clear = SWEEP_FLAGS.filter((code) => !wanted.has(code) && current.has(code));
  if (raise.length === 0 && clear.length === 0) return 'unchanged';
  const at = now.toISOString();
  const flags: Flag[] = [
    ...shipment.flags.filter((flag) => !clear.includes(flag.code)),
    ...raise.map((code) => ({ code, raisedAt: at, detail: FLAG_DETAIL[code]?.(eta) ?? code })),
  ];
  const reasonCleared = isAcceptedByDigitoll(shipment.status)
    ? 'accepted by Digitoll'
    : `the border ETA moved to ${eta}`;
  const events: ShipmentEvent[] = [
    ...raise.map((code) => ({
      at,
      type: 'FLAG_RAISED',
      actor: 'border-sweep',
      detail: `${code}: ${FLAG_DETAIL[code]?.(eta)}`,
      data: { flag: code },
    })),
    ...clear.map((code) => ({
      at,
      type: 'FLAG_CLEARED',
      actor: 'border-sweep',
      detail: `${code} no longer applies: ${reasonCleared}`,
      data: { flag: code },
    })),
  ];
  const notifications: PartnerNotification[] = [
    ...raise.map((code) =>
      flagNotification(shipment, 'flag.raised', at, { flag: code, estimatedArrival: eta }),
    ),
    ...clear.map((code) =>
      flagNotification(shipment, 'flag.cleared', at, { flag: code, estimatedArrival: eta }),
    ),
  ];
  if (!(await deps.store.updateFlags(shipment, flags, events, notifications))) return 'conflict';
  report.flagsRaised += raise.length;
  for (const code of raise) report.raised[code] = (report.raised[code] ?? 0) + 1;
  report.flagsCleared += clear.length;
  return 'changed';
}

async function closeTransit(
  deps: SweepDeps,
  manifest: ManifestRecord,
  shipments: readonly ShipmentRecord[],
  now: Date,
): Promise<TransitState | undefined> {
  if (!manifest.transit) return undefined;
  let record = await deps.store.transit(manifest.partnerId, manifest.transit.mrn);
  // A transit can carry the shipments of several manifests: decide on all of them.
  const others = (record?.manifestIds ?? []).filter((id) => id !== manifest.manifestId);
  const all = [...shipments];
  for (const id of others) {
    const other = await deps.store.manifest(manifest.partnerId, id);
    if (other && Date.parse(other.transport.estimatedArrival) > now.getTime()) return undefined; // not all at the border yet
    all.push(...(await deps.store.shipments(manifest.partnerId, id)));
  }
  const decision = decideTransitClosure(manifest, all);
  const at = now.toISOString();
  if (!record || record.state !== decision.state) {
    const next: TransitRecord = {
      partnerId: manifest.partnerId,
      mrn: manifest.transit.mrn,
      manifestIds: [...new Set([...(record?.manifestIds ?? []), manifest.manifestId])],
      state: decision.state,
      reason: decision.reason,
      ...(decision.arrivalNotification ? { arrivalNotification: decision.arrivalNotification } : {}),
      history: [...(record?.history ?? []), { at, state: decision.state, detail: decision.reason }],
      decidedAt: at,
      version: (record?.version ?? 0) + 1,
    };
    const saved = await deps.store.saveTransit(
      next,
      record?.version,
      transitClosureNotification({
        partnerId: manifest.partnerId,
        mrn: manifest.transit.mrn,
        manifestId: manifest.manifestId,
        state: decision.state,
        reason: decision.reason,
        at,
        version: next.version,
      }),
    );
    if (!saved) return undefined; // another run decided it; it will also hand it over
    record = next;
  }
  if (record.state === 'ARRIVAL_NOTIFICATION_PREPARED' && record.arrivalNotification && !record.handedOver) {
    const { reference } = await deps.ncts.handOver(manifest.partnerId, record.arrivalNotification);
    const handed: TransitRecord = {
      ...record,
      handedOver: { at, gateway: deps.ncts.name, reference },
      history: [
        ...record.history,
        {
          at,
          state: record.state,
          detail: `Arrival notification handed to ${deps.ncts.name} (${reference})`,
        },
      ],
      version: record.version + 1,
    };
    await deps.store.saveTransit(handed, record.version);
  }
  return record.state;
}
