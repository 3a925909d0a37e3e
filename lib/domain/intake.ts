/**
 * Manifest intake: validate against the VOEC rules, store, fan out to the report queue.
 *
 * Exactly-once, crash-safe design:
 * 1. claim the partner's reference and create the manifest in one transaction (IN_PROGRESS,
 *    with a lease); a concurrent duplicate loses the condition and never creates a second manifest;
 * 2. write the shipments (batched; overwriting is harmless because they are rebuilt identically
 *    from the same body, manifest id and receipt time), each one to be reported together with the
 *    claim of its house key; one whose key another manifest's live shipment holds is stored REJECTED
 *    (SHIPMENT_NUMBER_IN_USE, see one-house.ts), and the claim says so for replays;
 * 3. send one message per Digitoll message (batched);
 * 4. mark the reference and the manifest COMPLETE.
 * A failure in 2–3 releases the lease; the partner's retry of the same body re-runs 2–4 with the
 * original manifest id and receipt time. Messages sent twice by such a retry are the same
 * messages (same key), and the reporter acts on a message only while the shipment still needs it.
 */

import type { ManifestRequest, ShipmentInput } from '../manifest/schema.ts';
import { LIMITS } from '../manifest/schema.ts';
import { evaluateShipment, isMixedTransit } from '../rules/index.ts';
import { reportingDeadline } from './deadlines.ts';
import { LimitExceeded, NotFound } from './errors.ts';
import { contentHash } from './ids.ts';
import { claimsHouse, type HeldElsewhere, refusedInUse, wasRefusedInUse } from './one-house.ts';
import type { Conflicted, Intake } from './outcomes.ts';
import type { Clock, IdGenerator, ReportQueue } from './ports.ts';
import type { IdempotencyRecord, ManifestRecord, ShipmentRecord, ShipmentSummary } from './records.ts';
import type { ReportMessage } from './report-message.ts';
import type { ShipmentStatus } from './shipment.ts';

export type ClaimOutcome = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/** What intake (a new manifest, or shipments added to one) needs from storage. */
export interface IntakeStore {
  /**
   * Atomically records the partner's reference and creates the manifest (IN_PROGRESS), unless
   * the reference exists, in which case the existing record is returned.
   */
  claimReference(record: IdempotencyRecord, manifest: ManifestRecord): Promise<ClaimOutcome>;
  /** Moves the lease of an IN_PROGRESS claim from `expectedLeaseUntil` to `leaseUntil`; false if someone else did. */
  takeOverLease(record: IdempotencyRecord, expectedLeaseUntil: string, leaseUntil: string): Promise<boolean>;
  /** Ends the lease at once (after a failure), so the partner's retry need not wait. */
  releaseLease(partnerId: string, reference: string, at: string): Promise<void>;
  /** Writes shipments in batches (overwriting: callers write only new or identical ones), claiming nothing. */
  putShipments(shipments: ShipmentRecord[]): Promise<void>;
  /**
   * Writes the manifest's shipments (overwriting: callers write only new or identical ones); each one
   * to be reported (`claimsHouse`) only together with the claim of its house key (carrier, waybill
   * type, number), taking over a claim whose holder no longer `holdsHouse`. Those whose key another
   * manifest's live shipment holds are not written: they are returned.
   */
  storeShipments(manifest: ManifestRecord, shipments: ShipmentRecord[]): Promise<HeldElsewhere[]>;
  /** Of these shipment numbers, those whose house key another manifest's live shipment holds now (reads only). */
  heldElsewhere(manifest: ManifestRecord, shipmentNumbers: string[]): Promise<HeldElsewhere[]>;
  /**
   * Marks the reference and the manifest COMPLETE (with the mixed-transit record if any) and has the
   * border sweep look at the transport first at `firstBorderCheckAt`. `answerFromStore`: some
   * shipments were refused (their number was in use), so a replay reads them rather than rebuilding.
   */
  completeIntake(
    manifest: ManifestRecord,
    firstBorderCheckAt: string,
    options?: { answerFromStore?: boolean },
  ): Promise<void>;
  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined>;
  getShipments(partnerId: string, manifestId: string, shipmentNumbers: string[]): Promise<ShipmentRecord[]>;
  /** Every shipment of the manifest, as index rows (for counts and fan-out completion). */
  summarizeShipments(manifestId: string): Promise<ShipmentSummary[]>;
  setMixedTransit(manifest: ManifestRecord): Promise<void>;
}

export interface IntakeDeps {
  store: IntakeStore;
  queue: ReportQueue;
  clock: Clock;
  ids: IdGenerator;
}

/** Longer than the intake function's timeout, so a live request never loses its lease. */
export const INTAKE_LEASE_MS = 60_000;

export type SubmitResult =
  /** A new manifest (or one whose interrupted intake this request completed). */
  | { outcome: 'created'; intake: Intake }
  /** The same reference and body were accepted before: the original answer. */
  | { outcome: 'replayed'; intake: Intake }
  | Conflicted;

export type AddShipmentsResult =
  | { outcome: 'added'; intake: Intake }
  /** Every shipment was on the manifest already, with the same content. */
  | { outcome: 'replayed'; intake: Intake }
  | Conflicted;

export async function submitManifest(
  deps: IntakeDeps,
  partnerId: string,
  request: ManifestRequest,
): Promise<SubmitResult> {
  const now = deps.clock.now();
  const bodyHash = contentHash(request);
  const claim: IdempotencyRecord = {
    partnerId,
    reference: request.reference,
    manifestId: deps.ids.newId(),
    bodyHash,
    receivedAt: now.toISOString(),
    state: 'IN_PROGRESS',
    leaseUntil: new Date(now.getTime() + INTAKE_LEASE_MS).toISOString(),
  };
  const outcome = await deps.store.claimReference(claim, manifestFromRequest(claim, request));
  if (outcome.claimed) {
    return { outcome: 'created', intake: await completeIntake(deps, claim, request) };
  }

  const existing = outcome.existing;
  if (existing.bodyHash !== bodyHash) {
    return {
      outcome: 'conflict',
      conflict: { reason: 'reference-reused', reference: request.reference, manifestId: existing.manifestId },
    };
  }
  if (existing.state === 'COMPLETE') {
    const built = buildIntake(existing, request);
    return {
      outcome: 'replayed',
      intake: completed(existing.answerFromStore ? await withRefusals(deps, built) : built),
    };
  }
  if (existing.leaseUntil > now.toISOString()) {
    return inProgress(existing.manifestId, 'lease-holder');
  }
  const leaseUntil = new Date(now.getTime() + INTAKE_LEASE_MS).toISOString();
  if (!(await deps.store.takeOverLease(existing, existing.leaseUntil, leaseUntil))) {
    return inProgress(existing.manifestId, 'lease-taker');
  }
  return { outcome: 'created', intake: await completeIntake(deps, { ...existing, leaseUntil }, request) };
}

const inProgress = (manifestId: string, by: 'lease-holder' | 'lease-taker' | 'intake'): Conflicted => ({
  outcome: 'conflict',
  conflict: { reason: 'intake-in-progress', manifestId, by },
});

const completed = ({ manifest, records }: ReturnType<typeof buildIntake>): Intake => ({
  manifest: { ...manifest, intake: 'COMPLETE' },
  shipments: records,
});

/**
 * The answer of a replay: the shipments refused at intake (number in use) as they were refused then
 * (their intake outcome, which later changes such as an amendment leave as it was).
 */
async function withRefusals(
  deps: IntakeDeps,
  built: ReturnType<typeof buildIntake>,
): Promise<ReturnType<typeof buildIntake>> {
  const { manifest, records } = built;
  const stored = new Map(
    (
      await deps.store.getShipments(
        manifest.partnerId,
        manifest.manifestId,
        records.map((record) => record.shipmentNumber),
      )
    ).map((record) => [record.shipmentNumber, record]),
  );
  return {
    manifest,
    records: records.map((record) => {
      const found = stored.get(record.shipmentNumber);
      return found && wasRefusedInUse(found.intake)
        ? {
            ...record,
            status: found.intake.status,
            rejections: found.intake.rejections,
            intake: found.intake,
          }
        : record;
    }),
  };
}

/**
 * Stores the records, each to be reported with its house claim; those whose number another live
 * shipment holds are stored REJECTED instead. The records as stored, in the same order.
 */
export async function storeClaiming(
  deps: { store: Pick<IntakeStore, 'storeShipments' | 'putShipments'> },
  manifest: ManifestRecord,
  records: ShipmentRecord[],
): Promise<{ records: ShipmentRecord[]; refused: number }> {
  const held = new Map(
    (await deps.store.storeShipments(manifest, records)).map((h) => [h.shipmentNumber, h]),
  );
  if (held.size === 0) return { records, refused: 0 };
  const stored = records.map((record) => {
    const holder = held.get(record.shipmentNumber);
    return holder ? refusedInUse(record, holder) : record;
  });
  await deps.store.putShipments(stored.filter((record) => held.has(record.shipmentNumber)));
  return { records: stored, refused: held.size };
}

async function completeIntake(
  deps: IntakeDeps,
  claim: IdempotencyRecord,
  request: ManifestRequest,
): Promise<Intake> {
  const built = buildIntake(claim, request);
  const { manifest } = built;
  let stored: { records: ShipmentRecord[]; refused: number };
  try {
    stored = await storeClaiming(deps, manifest, built.records);
    await deps.queue.send(reportMessagesFor(manifest, stored.records));
  } catch (error) {
    await deps.store
      .releaseLease(claim.partnerId, claim.reference, deps.clock.now().toISOString())
      .catch(() => undefined);
    throw error;
  }
  const intake = completed({ manifest, records: stored.records });
  await deps.store.completeIntake(
    intake.manifest,
    firstBorderCheckAt(intake.manifest),
    stored.refused > 0 ? { answerFromStore: true } : {},
  );
  return intake;
}

/** From now on the border sweep watches the transport: first at its reporting deadline. */
export function firstBorderCheckAt(manifest: Pick<ManifestRecord, 'transport'>): string {
  return reportingDeadline(manifest.transport.estimatedArrival);
}

/** Deterministic: the same claim and body always give the same records. */
export function buildIntake(
  claim: Pick<IdempotencyRecord, 'partnerId' | 'manifestId' | 'receivedAt'>,
  request: ManifestRequest,
): { manifest: ManifestRecord; records: ShipmentRecord[] } {
  const manifest = manifestFromRequest(claim, request);
  const records = request.shipments.map((shipment) => shipmentRecord(manifest, shipment, claim.receivedAt));
  const mixed = manifest.transit ? mixedTransitOf(records, claim.receivedAt) : undefined;
  if (mixed) manifest.mixedTransit = mixed;
  return { manifest, records };
}

export function manifestFromRequest(
  claim: Pick<IdempotencyRecord, 'partnerId' | 'manifestId' | 'receivedAt'>,
  request: ManifestRequest,
): ManifestRecord {
  return {
    partnerId: claim.partnerId,
    manifestId: claim.manifestId,
    reference: request.reference,
    receivedAt: claim.receivedAt,
    transport: {
      ...request.transport,
      estimatedArrival: new Date(request.transport.estimatedArrival).toISOString(),
    },
    ...(request.transit ? { transit: request.transit } : {}),
    ...(request.masterConsignment ? { masterConsignment: request.masterConsignment } : {}),
    initialShipmentCount: request.shipments.length,
    intake: 'IN_PROGRESS',
    scheduledArrival: new Date(request.transport.estimatedArrival).toISOString(),
  };
}

export function shipmentRecord(
  manifest: ManifestRecord,
  input: ShipmentInput,
  receivedAt: string,
): ShipmentRecord {
  const evaluation = evaluateShipment(input, {
    receivedAt: new Date(receivedAt),
    estimatedArrival: new Date(manifest.transport.estimatedArrival),
  });
  const flags = evaluation.flags.map((finding) => ({ ...finding, raisedAt: receivedAt }));
  return {
    partnerId: manifest.partnerId,
    manifestId: manifest.manifestId,
    shipmentNumber: input.shipmentNumber,
    status: evaluation.status,
    flags,
    rejections: evaluation.violations,
    voecNumber: evaluation.voecNumber,
    input,
    inputHash: contentHash(input),
    receivedAt,
    updatedAt: receivedAt,
    version: 1,
    intake: { status: evaluation.status, flags, rejections: evaluation.violations },
    estimatedArrival: manifest.transport.estimatedArrival,
  };
}

/** The mixed-transit record when a transit carries shipments that are not VOEC-eligible. */
export function mixedTransitOf(
  shipments: ReadonlyArray<{ shipmentNumber: string; status: ShipmentStatus }>,
  at: string,
): ManifestRecord['mixedTransit'] {
  const verdict = isMixedTransit(shipments);
  return verdict.mixed
    ? { reason: verdict.reason, ineligibleShipmentNumbers: verdict.ineligibleShipmentNumbers, recordedAt: at }
    : undefined;
}

/** Transport (and master) first, then one house message per shipment that is to be reported. */
export function reportMessagesFor(
  manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'masterConsignment'>,
  shipments: ReadonlyArray<{ shipmentNumber: string; status: ShipmentStatus }>,
): ReportMessage[] {
  const houses = shipments.filter((shipment) => shipment.status === 'RECEIVED');
  if (houses.length === 0) return [];
  const base = { v: 1, partnerId: manifest.partnerId, manifestId: manifest.manifestId } as const;
  return [
    { ...base, kind: 'TRANSPORT' },
    ...(manifest.masterConsignment ? [{ ...base, kind: 'MASTER' } as const] : []),
    ...houses.map((house) => ({ ...base, kind: 'HOUSE', shipmentNumber: house.shipmentNumber }) as const),
  ];
}

export function countByStatus(
  rows: ReadonlyArray<{ status: ShipmentStatus }>,
): Partial<Record<ShipmentStatus, number>> {
  const counts: Partial<Record<ShipmentStatus, number>> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

/**
 * Adds shipments to a manifest whose transport has not crossed.
 * Safe to retry: shipments already added with the same content are answered as they are (and
 * re-queued while still RECEIVED, in case the first attempt died before queueing them); the
 * same shipment number with different content is a conflict (amend it instead).
 */
export async function addShipments(
  deps: IntakeDeps,
  partnerId: string,
  manifestId: string,
  shipments: ShipmentInput[],
): Promise<AddShipmentsResult> {
  const manifest = await deps.store.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const now = deps.clock.now();
  if (new Date(manifest.transport.estimatedArrival) <= now) {
    return {
      outcome: 'conflict',
      conflict: {
        reason: 'transport-crossed',
        manifestId,
        estimatedArrival: manifest.transport.estimatedArrival,
        attempted: 'adding-shipments',
      },
    };
  }
  if (manifest.intake !== 'COMPLETE') return inProgress(manifestId, 'intake');

  const existing = new Map(
    (
      await deps.store.getShipments(
        partnerId,
        manifestId,
        shipments.map((s) => s.shipmentNumber),
      )
    ).map((record) => [record.shipmentNumber, record]),
  );
  const changed = shipments.flatMap((input, index) => {
    const stored = existing.get(input.shipmentNumber);
    return stored && stored.inputHash !== contentHash(input)
      ? [{ index, shipmentNumber: input.shipmentNumber }]
      : [];
  });
  if (changed.length > 0) {
    return { outcome: 'conflict', conflict: { reason: 'shipment-exists', manifestId, shipments: changed } };
  }

  const summaries = await deps.store.summarizeShipments(manifestId);
  const fresh = shipments.filter((input) => !existing.has(input.shipmentNumber));
  const max = manifest.uploadId ? LIMITS.shipmentsPerUpload : LIMITS.shipmentsPerManifest;
  if (summaries.length + fresh.length > max) {
    throw new LimitExceeded('shipmentsPerManifest', {
      manifestId,
      holds: summaries.length,
      adding: fresh.length,
      max,
    });
  }

  const receivedAt = now.toISOString();
  const built = fresh.map((input) => shipmentRecord(manifest, input, receivedAt));
  // A number another manifest's live shipment holds is refused before anything is written; one
  // claimed by a concurrent request meanwhile is stored REJECTED (as in a new manifest).
  const inUse = await deps.store.heldElsewhere(
    manifest,
    built.filter(claimsHouse).map((record) => record.shipmentNumber),
  );
  if (inUse.length > 0) {
    return {
      outcome: 'conflict',
      conflict: {
        reason: 'shipment-number-in-use',
        shipments: inUse.map((held) => ({
          index: shipments.findIndex((input) => input.shipmentNumber === held.shipmentNumber),
          shipmentNumber: held.shipmentNumber,
          ...(held.holder.partnerId === partnerId ? { manifestId: held.holder.manifestId } : {}),
        })),
      },
    };
  }
  const freshRecords = (await storeClaiming(deps, manifest, built)).records;
  const records = shipments.map(
    (input) =>
      existing.get(input.shipmentNumber) ??
      freshRecords.find((record) => record.shipmentNumber === input.shipmentNumber) ??
      shipmentRecord(manifest, input, receivedAt),
  );

  await deps.queue.send(reportMessagesFor(manifest, records));

  if (manifest.transit) {
    const all: ShipmentSummary[] = [
      ...summaries.filter((row) => !existing.has(row.shipmentNumber)),
      ...records.map((r) => ({ shipmentNumber: r.shipmentNumber, status: r.status, flagCodes: [] })),
    ];
    const mixed = mixedTransitOf(all, receivedAt);
    if (mixed && !manifest.mixedTransit) {
      manifest.mixedTransit = mixed;
      await deps.store.setMixedTransit(manifest);
    }
  }
  const intake: Intake = { manifest, shipments: records };
  return freshRecords.length > 0 ? { outcome: 'added', intake } : { outcome: 'replayed', intake };
}
