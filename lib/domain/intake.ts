/**
 * Manifest intake: validate against the VOEC rules, store, fan out to the report queue.
 *
 * Exactly-once, crash-safe design:
 * 1. claim the partner's reference and create the manifest in one transaction (IN_PROGRESS,
 *    with a lease); a concurrent duplicate loses the condition and never creates a second manifest;
 * 2. write the shipments (batched; overwriting is harmless because they are rebuilt identically
 *    from the same body, manifest id and receipt time);
 * 3. send one message per Digitoll message (batched);
 * 4. mark the reference and the manifest COMPLETE.
 * A failure in 2–3 releases the lease; the partner's retry of the same body re-runs 2–4 with the
 * original manifest id and receipt time. Messages sent twice by such a retry are the same
 * messages (same key), and the reporter acts on a message only while the shipment still needs it.
 */

import type { IntakeResponse, ShipmentOutcome } from '../manifest/responses.ts';
import type { ManifestRequest, ShipmentInput } from '../manifest/schema.ts';
import { LIMITS } from '../manifest/schema.ts';
import { evaluateShipment, isMixedTransit } from '../rules/index.ts';
import { ConflictError, NotFoundError, PayloadTooLargeError } from './errors.ts';
import { contentHash } from './ids.ts';
import type { Clock, IdGenerator, ManifestRepository, ReportQueue } from './ports.ts';
import type { IdempotencyRecord, ManifestRecord, ShipmentRecord, ShipmentSummary } from './records.ts';
import type { ReportMessage } from './report-message.ts';
import type { ShipmentStatus } from './shipment.ts';

export interface IntakeDeps {
  repository: ManifestRepository;
  queue: ReportQueue;
  clock: Clock;
  ids: IdGenerator;
}

/** Longer than the intake function's timeout, so a live request never loses its lease. */
export const INTAKE_LEASE_MS = 60_000;

export interface IntakeResult {
  /** 202 for a new manifest or new shipments; 200 when the request repeats one already done. */
  httpStatus: 200 | 202;
  body: IntakeResponse;
}

export async function submitManifest(
  deps: IntakeDeps,
  partnerId: string,
  request: ManifestRequest,
): Promise<IntakeResult> {
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
  const outcome = await deps.repository.claimReference(claim, manifestFromRequest(claim, request));
  if (outcome.claimed) {
    return { httpStatus: 202, body: await completeIntake(deps, claim, request) };
  }

  const existing = outcome.existing;
  if (existing.bodyHash !== bodyHash) {
    throw new ConflictError(
      `Reference "${request.reference}" was already used for manifest ${existing.manifestId} with a different body. ` +
        'Use a new reference for a new manifest, POST /v1/manifests/{manifestId}/shipments to add shipments, ' +
        'or PUT /v1/shipments/{shipmentNumber} to amend one.',
      { slug: 'reference-reused', title: 'Reference already used with a different body' },
    );
  }
  if (existing.state === 'COMPLETE') {
    return { httpStatus: 200, body: buildIntake(existing, request).response };
  }
  if (existing.leaseUntil > now.toISOString()) {
    throw new ConflictError(
      `Manifest ${existing.manifestId} with this reference is being accepted by another request right now; retry shortly.`,
      { slug: 'in-progress', title: 'Same manifest in progress', retryAfterSeconds: 2 },
    );
  }
  const leaseUntil = new Date(now.getTime() + INTAKE_LEASE_MS).toISOString();
  if (!(await deps.repository.takeOverLease(existing, existing.leaseUntil, leaseUntil))) {
    throw new ConflictError('Another request took over this manifest a moment ago; retry shortly.', {
      slug: 'in-progress',
      title: 'Same manifest in progress',
      retryAfterSeconds: 2,
    });
  }
  await completeIntake(deps, { ...existing, leaseUntil }, request);
  return { httpStatus: 202, body: buildIntake(existing, request).response };
}

async function completeIntake(
  deps: IntakeDeps,
  claim: IdempotencyRecord,
  request: ManifestRequest,
): Promise<IntakeResponse> {
  const { manifest, records, response } = buildIntake(claim, request);
  try {
    await deps.repository.putShipments(records);
    await deps.queue.send(reportMessagesFor(manifest, records));
  } catch (error) {
    await deps.repository
      .releaseLease(claim.partnerId, claim.reference, deps.clock.now().toISOString())
      .catch(() => undefined);
    throw error;
  }
  await deps.repository.completeIntake({ ...manifest, intake: 'COMPLETE' });
  return response;
}

/** Deterministic: the same claim and body always give the same records and answer. */
export function buildIntake(
  claim: Pick<IdempotencyRecord, 'partnerId' | 'manifestId' | 'receivedAt'>,
  request: ManifestRequest,
): { manifest: ManifestRecord; records: ShipmentRecord[]; response: IntakeResponse } {
  const manifest = manifestFromRequest(claim, request);
  const records = request.shipments.map((shipment) => shipmentRecord(manifest, shipment, claim.receivedAt));
  const mixed = manifest.transit ? mixedTransitOf(records, claim.receivedAt) : undefined;
  if (mixed) manifest.mixedTransit = mixed;
  return {
    manifest,
    records,
    response: intakeResponse(manifest, records, 0),
  };
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

function shipmentRecord(manifest: ManifestRecord, input: ShipmentInput, receivedAt: string): ShipmentRecord {
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

function mixedTransitOf(
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

function intakeResponse(
  manifest: ManifestRecord,
  records: ShipmentRecord[],
  indexOffset: number,
): IntakeResponse {
  const shipments: ShipmentOutcome[] = records.map((record, index) => ({
    shipmentNumber: record.shipmentNumber,
    status: record.status,
    flags: record.flags,
    rejections: record.rejections.map((violation) => ({
      ...violation,
      path: `/shipments/${index + indexOffset}${violation.path}`,
    })),
  }));
  return {
    manifestId: manifest.manifestId,
    reference: manifest.reference,
    receivedAt: manifest.receivedAt,
    ...(manifest.transit
      ? {
          transit: {
            mrn: manifest.transit.mrn,
            mixed: manifest.mixedTransit !== undefined,
            ...(manifest.mixedTransit ? { mixedTransit: manifest.mixedTransit } : {}),
          },
        }
      : {}),
    counts: countByStatus(records),
    shipments,
  };
}

export function countByStatus(
  rows: ReadonlyArray<{ status: ShipmentStatus }>,
): Partial<Record<ShipmentStatus, number>> {
  const counts: Partial<Record<ShipmentStatus, number>> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

/**
 * POST /v1/manifests/{id}/shipments: adds shipments to a manifest whose transport has not crossed.
 * Safe to retry: shipments already added with the same content are answered as they are (and
 * re-queued while still RECEIVED, in case the first attempt died before queueing them); the
 * same shipment number with different content is a conflict (amend with PUT instead).
 */
export async function addShipments(
  deps: IntakeDeps,
  partnerId: string,
  manifestId: string,
  shipments: ShipmentInput[],
): Promise<IntakeResult> {
  const manifest = await deps.repository.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFoundError(`Manifest ${manifestId} was not found.`);
  const now = deps.clock.now();
  if (new Date(manifest.transport.estimatedArrival) <= now) {
    throw new ConflictError(
      `The transport of manifest ${manifestId} was due at the border at ${manifest.transport.estimatedArrival}; ` +
        'shipments can no longer be added. Update the ETA first if it has not crossed.',
      { slug: 'transport-crossed', title: 'Transport already at the border' },
    );
  }
  if (manifest.intake !== 'COMPLETE') {
    throw new ConflictError(`Manifest ${manifestId} is still being accepted; retry shortly.`, {
      slug: 'in-progress',
      title: 'Manifest in progress',
      retryAfterSeconds: 2,
    });
  }

  const existing = new Map(
    (
      await deps.repository.getShipments(
        partnerId,
        manifestId,
        shipments.map((s) => s.shipmentNumber),
      )
    ).map((record) => [record.shipmentNumber, record]),
  );
  const conflicts = shipments.flatMap((input, index) => {
    const stored = existing.get(input.shipmentNumber);
    return stored && stored.inputHash !== contentHash(input)
      ? [
          {
            path: `/shipments/${index}/shipmentNumber`,
            code: 'already_exists',
            message: `Shipment ${input.shipmentNumber} is already on this manifest with different content; amend it with PUT /v1/shipments/${input.shipmentNumber}.`,
          },
        ]
      : [];
  });
  if (conflicts.length > 0) {
    throw new ConflictError(
      `${conflicts.length} shipment(s) already exist on this manifest with other content.`,
      {
        slug: 'shipment-exists',
        title: 'Shipment already on the manifest',
        errors: conflicts,
      },
    );
  }

  const summaries = await deps.repository.summarizeShipments(manifestId);
  const fresh = shipments.filter((input) => !existing.has(input.shipmentNumber));
  if (summaries.length + fresh.length > LIMITS.shipmentsPerManifest) {
    throw new PayloadTooLargeError(
      `Manifest ${manifestId} holds ${summaries.length} shipments; adding ${fresh.length} would exceed the limit of ${LIMITS.shipmentsPerManifest} per manifest.`,
    );
  }

  const receivedAt = now.toISOString();
  const freshRecords = fresh.map((input) => shipmentRecord(manifest, input, receivedAt));
  const records = shipments.map(
    (input) =>
      existing.get(input.shipmentNumber) ??
      freshRecords.find((record) => record.shipmentNumber === input.shipmentNumber) ??
      shipmentRecord(manifest, input, receivedAt),
  );

  await deps.repository.putShipments(freshRecords);
  await deps.queue.send(reportMessagesFor(manifest, records));

  if (manifest.transit) {
    const all: ShipmentSummary[] = [
      ...summaries.filter((row) => !existing.has(row.shipmentNumber)),
      ...records.map((r) => ({ shipmentNumber: r.shipmentNumber, status: r.status, flagCodes: [] })),
    ];
    const mixed = mixedTransitOf(all, receivedAt);
    if (mixed && !manifest.mixedTransit) {
      manifest.mixedTransit = mixed;
      await deps.repository.setMixedTransit(manifest);
    }
  }
  return {
    httpStatus: freshRecords.length > 0 ? 202 : 200,
    body: intakeResponse(manifest, records, 0),
  };
}
