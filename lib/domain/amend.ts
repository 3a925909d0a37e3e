/**
 * Changes before the border: amend a shipment (PUT), withdraw it (DELETE), or update the
 * transport (PATCH). Each stores the change with its timeline event and queues the report; the
 * reporter sends the PUT or DELETE by MRN (or replaces a report not yet sent).
 */
import { z } from 'zod';
import { type ShipmentInput, Transport, type TransportInput } from '../manifest/schema.ts';
import { evaluateShipment } from '../rules/index.ts';
import { ConflictError, NotFoundError, UnprocessableError } from './errors.ts';
import { contentHash } from './ids.ts';
import { type IntakeDeps, reportMessagesFor } from './intake.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from './records.ts';
import type { ReportMessage } from './report-message.ts';

export const TransportPatch = z
  .strictObject({
    estimatedArrival: Transport.shape.estimatedArrival.optional(),
    vehicleRegistration: Transport.shape.vehicleRegistration.optional(),
    vehicleCountry: Transport.shape.vehicleCountry.optional(),
    vehicleType: Transport.shape.vehicleType,
    driver: Transport.shape.driver.optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message:
      'must change at least one of estimatedArrival, vehicleRegistration, vehicleCountry, vehicleType, driver',
  });
export type TransportPatch = z.infer<typeof TransportPatch>;

export interface Amended<T> {
  httpStatus: 200 | 202;
  body: T;
}

function event(at: string, type: string, detail: string, data?: Record<string, unknown>): ShipmentEvent {
  return { at, type, actor: 'partner', detail, ...(data ? { data } : {}) };
}

async function openShipment(deps: IntakeDeps, partnerId: string, shipmentNumber: string) {
  const found = await deps.repository.getLatestShipment(partnerId, shipmentNumber);
  if (!found) throw new NotFoundError(`Shipment ${shipmentNumber} was not found.`);
  const manifest = await deps.repository.getManifest(partnerId, found.shipment.manifestId);
  if (!manifest) throw new NotFoundError(`Shipment ${shipmentNumber} was not found.`);
  return { shipment: found.shipment, manifest };
}

function assertBeforeBorder(manifest: ManifestRecord, now: Date, what: string): void {
  if (Date.parse(manifest.transport.estimatedArrival) <= now.getTime()) {
    throw new ConflictError(
      `The transport was due at the border at ${manifest.transport.estimatedArrival}; ${what} is no longer possible. Update the ETA first if it has not crossed.`,
      { slug: 'transport-crossed', title: 'Transport already at the border' },
    );
  }
}

/** PUT /v1/shipments/{shipmentNumber}: full replacement of the shipment. */
export async function amendShipment(
  deps: IntakeDeps,
  partnerId: string,
  shipmentNumber: string,
  input: ShipmentInput,
): Promise<Amended<ShipmentRecord>> {
  if (input.shipmentNumber !== shipmentNumber) {
    throw new ConflictError(
      `The shipment number is the house waybill number at Digitoll, which cannot be changed (${shipmentNumber} → ${input.shipmentNumber}). Withdraw this shipment and submit the new one.`,
      {
        slug: 'immutable-key',
        title: 'Waybill numbers cannot be amended',
        errors: [{ path: '/shipmentNumber', code: 'immutable', message: `must be ${shipmentNumber}` }],
      },
    );
  }
  const { shipment, manifest } = await openShipment(deps, partnerId, shipmentNumber);
  const now = deps.clock.now();
  if (shipment.status === 'CANCELLED' || shipment.withdrawalRequestedAt) {
    throw new ConflictError(
      `Shipment ${shipmentNumber} was withdrawn; submit it again in a manifest instead.`,
      {
        slug: 'withdrawn',
        title: 'Shipment withdrawn',
      },
    );
  }
  assertBeforeBorder(manifest, now, 'amending it');
  const hash = contentHash(input);
  if (hash === shipment.inputHash) return { httpStatus: 200, body: shipment };

  const at = now.toISOString();
  const evaluation = evaluateShipment(input, {
    receivedAt: now,
    estimatedArrival: new Date(manifest.transport.estimatedArrival),
  });
  if (evaluation.status === 'REJECTED') {
    throw new UnprocessableError(
      `The amended shipment breaks ${evaluation.violations.length} VOEC rule(s); nothing was changed.`,
      evaluation.violations.map((violation) => ({
        path: violation.path,
        code: violation.rule,
        message: violation.message,
      })),
    );
  }
  // Flags about the content are recomputed; when it was first received stays what it was.
  const late = shipment.flags.filter((flag) => flag.code === 'LATE_SUBMISSION');
  const flags = [
    ...late,
    ...evaluation.flags
      .filter((flag) => flag.code !== 'LATE_SUBMISSION')
      .map((flag) => ({ ...flag, raisedAt: at })),
  ];
  const next: ShipmentRecord = {
    ...shipment,
    input,
    inputHash: hash,
    voecNumber: evaluation.voecNumber,
    flags,
    rejections: [],
    status: shipment.status === 'REJECTED' ? 'RECEIVED' : shipment.status,
    updatedAt: at,
    version: shipment.version + 1,
  };
  await deps.repository.replaceShipment(
    shipment,
    next,
    event(
      at,
      'AMENDED',
      shipment.mrn ? `Amended; Digitoll is updated by MRN ${shipment.mrn}` : 'Amended before reporting',
    ),
  );
  const messages: ReportMessage[] =
    shipment.status === 'REJECTED'
      ? reportMessagesFor(manifest, [next])
      : [{ v: 1, partnerId, manifestId: manifest.manifestId, kind: 'HOUSE', shipmentNumber }];
  await deps.queue.send(messages);
  return { httpStatus: 202, body: next };
}

/** DELETE /v1/shipments/{shipmentNumber}: taken off the truck; deleted at Digitoll, then CANCELLED. */
export async function withdrawShipment(
  deps: IntakeDeps,
  partnerId: string,
  shipmentNumber: string,
): Promise<Amended<ShipmentRecord>> {
  const { shipment, manifest } = await openShipment(deps, partnerId, shipmentNumber);
  if (shipment.status === 'CANCELLED' || shipment.withdrawalRequestedAt)
    return { httpStatus: 200, body: shipment };
  const now = deps.clock.now();
  assertBeforeBorder(manifest, now, 'withdrawing it');
  const at = now.toISOString();
  if (shipment.status === 'REJECTED') {
    // Never reported: nothing to delete at Digitoll.
    const next = {
      ...shipment,
      status: 'CANCELLED' as const,
      withdrawalRequestedAt: at,
      updatedAt: at,
      version: shipment.version + 1,
    };
    await deps.repository.replaceShipment(
      shipment,
      next,
      event(at, 'WITHDRAWN', 'Withdrawn; it was never reported'),
    );
    return { httpStatus: 200, body: next };
  }
  const next = { ...shipment, withdrawalRequestedAt: at, updatedAt: at, version: shipment.version + 1 };
  await deps.repository.replaceShipment(
    shipment,
    next,
    event(
      at,
      'WITHDRAWAL_REQUESTED',
      shipment.mrn ? `Deleting MRN ${shipment.mrn} at Digitoll` : 'Withdrawn before it was reported',
    ),
  );
  await deps.queue.send([
    { v: 1, partnerId, manifestId: manifest.manifestId, kind: 'HOUSE', shipmentNumber },
  ]);
  return { httpStatus: 202, body: next };
}

/** PATCH /v1/manifests/{manifestId}/transport: ETA, vehicle or driver, re-reported by a transport PUT. */
export async function updateTransport(
  deps: IntakeDeps,
  partnerId: string,
  manifestId: string,
  patch: TransportPatch,
): Promise<Amended<ManifestRecord>> {
  const manifest = await deps.repository.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFoundError(`Manifest ${manifestId} was not found.`);
  const now = deps.clock.now();
  // A transport whose ETA passed may simply be late: its ETA may still be moved to the future
  // (anything else about it only together with a new ETA).
  const etaPassed = Date.parse(manifest.transport.estimatedArrival) <= now.getTime();
  if (etaPassed && !patch.estimatedArrival)
    assertBeforeBorder(manifest, now, 'changing the transport without a new ETA');
  const reported =
    manifest.transportReport?.mrn !== undefined || manifest.transportReport?.phase === 'SUBMITTED';
  if (
    patch.vehicleRegistration &&
    patch.vehicleRegistration !== manifest.transport.vehicleRegistration &&
    reported
  ) {
    throw new ConflictError(
      'The registration of the vehicle that crosses is a key of the transport at Digitoll and cannot be changed by an update (road v2 §4.5). Submit the shipments again in a new manifest for the new vehicle, then withdraw them here.',
      {
        slug: 'immutable-key',
        title: 'Vehicle registration cannot be amended after reporting',
        errors: [
          {
            path: '/vehicleRegistration',
            code: 'immutable',
            message: `must stay ${manifest.transport.vehicleRegistration}`,
          },
        ],
      },
    );
  }
  if (patch.estimatedArrival && Date.parse(patch.estimatedArrival) <= now.getTime()) {
    throw new UnprocessableError('The new ETA has already passed.', [
      { path: '/estimatedArrival', code: 'in_the_past', message: 'must be in the future' },
    ]);
  }
  const transport: TransportInput = {
    ...manifest.transport,
    ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
  };
  transport.estimatedArrival = new Date(transport.estimatedArrival).toISOString();
  if (contentHash(transport) === contentHash(manifest.transport)) return { httpStatus: 200, body: manifest };
  const at = now.toISOString();
  const next: ManifestRecord = { ...manifest, transport };
  const changed = Object.keys(patch).filter((key) => patch[key as keyof TransportPatch] !== undefined);
  await deps.repository.replaceTransport(manifest, next, {
    at,
    type: 'TRANSPORT_UPDATED',
    actor: 'partner',
    detail: `Transport changed (${changed.join(', ')}); Digitoll is updated by a transport PUT`,
    data: { estimatedArrival: transport.estimatedArrival },
  });
  await deps.queue.send([{ v: 1, partnerId, manifestId, kind: 'TRANSPORT' }]);
  return { httpStatus: 202, body: next };
}
