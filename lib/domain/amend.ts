/**
 * Changes before the border: amend a shipment (full replacement), withdraw it, or update the
 * transport. Each stores the change with its timeline event and queues the report; the reporter
 * sends the update or deletion by MRN (or replaces a report not yet sent).
 */
import type { ShipmentInput, TransportInput, TransportPatch } from '../manifest/schema.ts';
import { evaluateShipment } from '../rules/index.ts';
import { InvalidInput, NotFound } from './errors.ts';
import { contentHash } from './ids.ts';
import { reportMessagesFor } from './intake.ts';
import { type HeldElsewhere, wasRefusedInUse } from './one-house.ts';
import type { Conflict, Conflicted, Refused } from './outcomes.ts';
import type { Clock, ReportQueue } from './ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from './records.ts';
import type { ReportMessage } from './report-message.ts';

/** Whether a conditional write went through, or someone changed the record first. */
export type WriteOutcome = 'saved' | 'changed-meanwhile';

/** What changing shipments and transports needs from storage. */
export interface ChangeStore {
  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined>;
  /**
   * The shipment with this number the partner means (`currentShipment`: the latest one that holds a
   * house at Digitoll, else the latest), or undefined.
   */
  currentShipment(partnerId: string, shipmentNumber: string): Promise<ShipmentRecord | undefined>;
  /** Replaces a shipment if it is still at `previous.version`, with its event. */
  replaceShipment(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
  ): Promise<WriteOutcome>;
  /**
   * Replaces a shipment that is to be reported, as `replaceShipment`, together with the claim of its
   * house key on `manifest`'s carrier (taking over a claim whose holder no longer holds a house);
   * when another manifest's live shipment holds the key, nothing is written and that is returned.
   */
  replaceClaimingHouse(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
    manifest: ManifestRecord,
  ): Promise<WriteOutcome | HeldElsewhere>;
  /**
   * Replaces the manifest's transport if nobody changed it meanwhile, with its event, and has the
   * border sweep look at the transport again at `borderCheckAt` (its deadlines follow the new ETA).
   */
  replaceTransport(
    previous: ManifestRecord,
    next: ManifestRecord,
    event: ShipmentEvent,
    borderCheckAt: string,
  ): Promise<WriteOutcome>;
}

export interface ChangeDeps {
  store: ChangeStore;
  queue: ReportQueue;
  clock: Clock;
}

export type ShipmentChange =
  /** Stored; Digitoll is updated (or the report replaced) by the reporter. */
  | { outcome: 'amended'; shipment: ShipmentRecord }
  /** The same content as stored: nothing to do. */
  | { outcome: 'unchanged'; shipment: ShipmentRecord }
  /** The reporter deletes it at Digitoll, then it is CANCELLED. */
  | { outcome: 'withdrawal-requested'; shipment: ShipmentRecord }
  /** Never reported (rejected at intake): cancelled at once. */
  | { outcome: 'cancelled'; shipment: ShipmentRecord }
  | { outcome: 'already-withdrawn'; shipment: ShipmentRecord }
  | Conflicted
  | Refused;

export type TransportChange =
  | { outcome: 'updated'; manifest: ManifestRecord }
  | { outcome: 'unchanged'; manifest: ManifestRecord }
  | Conflicted
  | Refused;

function event(at: string, type: string, detail: string, data?: Record<string, unknown>): ShipmentEvent {
  return { at, type, actor: 'partner', detail, ...(data ? { data } : {}) };
}

const conflict = (value: Conflict): Conflicted => ({ outcome: 'conflict', conflict: value });

async function openShipment(deps: ChangeDeps, partnerId: string, shipmentNumber: string) {
  const shipment = await deps.store.currentShipment(partnerId, shipmentNumber);
  if (!shipment) throw new NotFound('shipment', shipmentNumber);
  const manifest = await deps.store.getManifest(partnerId, shipment.manifestId);
  if (!manifest) throw new NotFound('shipment', shipmentNumber);
  return { shipment, manifest };
}

/** A transport whose ETA has come may have crossed: nothing about it changes any more. */
function crossed(
  manifest: ManifestRecord,
  now: Date,
  attempted: 'amending' | 'withdrawing' | 'changing-transport-without-eta',
): Conflicted | undefined {
  return Date.parse(manifest.transport.estimatedArrival) <= now.getTime()
    ? conflict({
        reason: 'transport-crossed',
        manifestId: manifest.manifestId,
        estimatedArrival: manifest.transport.estimatedArrival,
        attempted,
      })
    : undefined;
}

/** Full replacement of a shipment. */
export async function amendShipment(
  deps: ChangeDeps,
  partnerId: string,
  shipmentNumber: string,
  input: ShipmentInput,
): Promise<ShipmentChange> {
  if (input.shipmentNumber !== shipmentNumber) {
    return conflict({ reason: 'shipment-number-immutable', shipmentNumber, requested: input.shipmentNumber });
  }
  const { shipment, manifest } = await openShipment(deps, partnerId, shipmentNumber);
  const now = deps.clock.now();
  if (shipment.status === 'CANCELLED' || shipment.withdrawalRequestedAt) {
    return conflict({ reason: 'shipment-withdrawn', shipmentNumber });
  }
  const late = crossed(manifest, now, 'amending');
  if (late) return late;
  const hash = contentHash(input);
  // One refused because its number was in use is tried again, even with the same content.
  if (hash === shipment.inputHash && !wasRefusedInUse(shipment)) return { outcome: 'unchanged', shipment };

  const at = now.toISOString();
  const evaluation = evaluateShipment(input, {
    receivedAt: now,
    estimatedArrival: new Date(manifest.transport.estimatedArrival),
  });
  if (evaluation.status === 'REJECTED') {
    return { outcome: 'refused', breach: { reason: 'voec-rules', violations: evaluation.violations } };
  }
  // Flags about the content are recomputed; when it was first received stays what it was.
  const lateFlags = shipment.flags.filter((flag) => flag.code === 'LATE_SUBMISSION');
  const flags = [
    ...lateFlags,
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
  // An amendment reports it (again): it must hold its house key, which a shipment refused at intake
  // (rules, or the number in use) never claimed.
  const saved = await deps.store.replaceClaimingHouse(
    shipment,
    next,
    event(
      at,
      'AMENDED',
      shipment.mrn ? `Amended; Digitoll is updated by MRN ${shipment.mrn}` : 'Amended before reporting',
    ),
    manifest,
  );
  if (saved === 'changed-meanwhile') return conflict({ reason: 'changed-meanwhile', shipmentNumber });
  if (saved !== 'saved') {
    return conflict({
      reason: 'shipment-number-in-use',
      shipments: [
        {
          shipmentNumber,
          ...(saved.holder.partnerId === partnerId ? { manifestId: saved.holder.manifestId } : {}),
        },
      ],
    });
  }
  const messages: ReportMessage[] =
    shipment.status === 'REJECTED'
      ? reportMessagesFor(manifest, [next])
      : [{ v: 1, partnerId, manifestId: manifest.manifestId, kind: 'HOUSE', shipmentNumber }];
  await deps.queue.send(messages);
  return { outcome: 'amended', shipment: next };
}

/** Taken off the truck: deleted at Digitoll, then CANCELLED. */
export async function withdrawShipment(
  deps: ChangeDeps,
  partnerId: string,
  shipmentNumber: string,
): Promise<ShipmentChange> {
  const { shipment, manifest } = await openShipment(deps, partnerId, shipmentNumber);
  if (shipment.status === 'CANCELLED' || shipment.withdrawalRequestedAt) {
    return { outcome: 'already-withdrawn', shipment };
  }
  const now = deps.clock.now();
  const late = crossed(manifest, now, 'withdrawing');
  if (late) return late;
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
    const saved = await deps.store.replaceShipment(
      shipment,
      next,
      event(at, 'WITHDRAWN', 'Withdrawn; it was never reported'),
    );
    if (saved === 'changed-meanwhile') return conflict({ reason: 'changed-meanwhile', shipmentNumber });
    return { outcome: 'cancelled', shipment: next };
  }
  const next = { ...shipment, withdrawalRequestedAt: at, updatedAt: at, version: shipment.version + 1 };
  const saved = await deps.store.replaceShipment(
    shipment,
    next,
    event(
      at,
      'WITHDRAWAL_REQUESTED',
      shipment.mrn ? `Deleting MRN ${shipment.mrn} at Digitoll` : 'Withdrawn before it was reported',
    ),
  );
  if (saved === 'changed-meanwhile') return conflict({ reason: 'changed-meanwhile', shipmentNumber });
  await deps.queue.send([
    { v: 1, partnerId, manifestId: manifest.manifestId, kind: 'HOUSE', shipmentNumber },
  ]);
  return { outcome: 'withdrawal-requested', shipment: next };
}

/** ETA, vehicle or driver, re-reported by a transport update. */
export async function updateTransport(
  deps: ChangeDeps,
  partnerId: string,
  manifestId: string,
  patch: TransportPatch,
): Promise<TransportChange> {
  const manifest = await deps.store.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const now = deps.clock.now();
  // A transport whose ETA passed may simply be late: its ETA may still be moved to the future
  // (anything else about it only together with a new ETA).
  if (!patch.estimatedArrival) {
    const late = crossed(manifest, now, 'changing-transport-without-eta');
    if (late) return late;
  }
  // A patch changes only what the transport's mode has: a flight has no vehicle or driver, a
  // truck no aircraft; the flight number and scheduled arrival identify the flight and never change.
  const current = manifest.transport;
  const foreign = (
    current.mode === 'AIR'
      ? (['vehicleRegistration', 'vehicleCountry', 'vehicleType', 'driver'] as const)
      : (['aircraftRegistration'] as const)
  ).filter((field) => patch[field] !== undefined);
  if (foreign.length > 0) {
    throw new InvalidInput(
      foreign.map((field) => ({
        path: `/${field}`,
        code: 'not_for_mode',
        message: `is not a field of a ${current.mode === 'AIR' ? 'AIR' : 'ROAD'} transport`,
      })),
    );
  }
  const reported =
    manifest.transportReport?.mrn !== undefined || manifest.transportReport?.phase === 'SUBMITTED';
  if (
    current.mode !== 'AIR' &&
    patch.vehicleRegistration &&
    patch.vehicleRegistration !== current.vehicleRegistration &&
    reported
  ) {
    return conflict({
      reason: 'vehicle-registration-immutable',
      vehicleRegistration: current.vehicleRegistration,
    });
  }
  if (patch.estimatedArrival && Date.parse(patch.estimatedArrival) <= now.getTime()) {
    return {
      outcome: 'refused',
      breach: { reason: 'eta-in-the-past', estimatedArrival: patch.estimatedArrival },
    };
  }
  const transport = {
    ...manifest.transport,
    ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
  } as TransportInput;
  transport.estimatedArrival = new Date(transport.estimatedArrival).toISOString();
  if (contentHash(transport) === contentHash(manifest.transport)) return { outcome: 'unchanged', manifest };
  const at = now.toISOString();
  const next: ManifestRecord = { ...manifest, transport };
  const changed = Object.keys(patch).filter((key) => patch[key as keyof TransportPatch] !== undefined);
  const saved = await deps.store.replaceTransport(
    manifest,
    next,
    {
      at,
      type: 'TRANSPORT_UPDATED',
      actor: 'partner',
      detail: `Transport changed (${changed.join(', ')}); Digitoll is updated by a transport PUT`,
      data: { estimatedArrival: transport.estimatedArrival },
    },
    // The deadlines follow the new ETA: the sweep looks again now (it clears or raises flags and
    // moves the marker on from there).
    at,
  );
  if (saved === 'changed-meanwhile') return conflict({ reason: 'transport-changed-meanwhile', manifestId });
  await deps.queue.send([{ v: 1, partnerId, manifestId, kind: 'TRANSPORT' }]);
  return { outcome: 'updated', manifest: next };
}
