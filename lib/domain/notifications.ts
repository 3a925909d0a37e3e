/**
 * Partner notifications (webhook types `shipment.status`, `flag.raised`, `flag.cleared`,
 * `transit.closure`). Each is decided by the domain step it reports (a report transition, a flag
 * change, a transit decision) and handed to the store with that change, which persists both
 * atomically (the outbox). Ids are deterministic: the same change notified twice has the same id,
 * and receivers de-duplicate on it.
 *
 * Ordering: each notification names its subject (`manifests/<id>/shipments/<number>` or
 * `transits/<mrn>`) and carries `sequence`, the version of the subject's record that the change
 * produced. Every change to a record raises its version under a condition, so within a subject a
 * later change always has a higher sequence (gaps are changes nobody is told about; the events of
 * one change share its number). Partners order by it, and can ignore anything older than what
 * they hold.
 */
import { z } from 'zod';
import type { ShipmentRecord } from './records.ts';
import type { DigitollError } from './report-state.ts';
import type { ShipmentStatus } from './shipment.ts';

export const NotificationType = z.enum([
  'flag.raised',
  'flag.cleared',
  'shipment.status',
  'transit.closure',
  'shipment.routing',
  'manifest-upload.completed',
]);
export type NotificationType = z.infer<typeof NotificationType>;

export const PartnerNotification = z.object({
  id: z.string(),
  partnerId: z.string(),
  type: NotificationType,
  at: z.string(),
  /** What the event is about; `sequence` orders the events of one subject. */
  subject: z.string(),
  sequence: z.number().int().min(1),
  data: z.record(z.string(), z.unknown()),
});
export type PartnerNotification = z.infer<typeof PartnerNotification>;

export function shipmentSubject(manifestId: string, shipmentNumber: string): string {
  return `manifests/${manifestId}/shipments/${shipmentNumber}`;
}

export function transitSubject(mrn: string): string {
  return `transits/${mrn}`;
}

/** A house's partner-visible status changed (the report transition that changed it carries this). */
export function shipmentStatusNotification(input: {
  partnerId: string;
  manifestId: string;
  shipmentNumber: string;
  status: ShipmentStatus;
  at: string;
  /** The report's sequence number after the change: one notification per change. */
  seq: number;
  /** The shipment record's version after the change (the subject's sequence). */
  sequence: number;
  mrn?: string | undefined;
  digitollErrors?: DigitollError[] | undefined;
}): PartnerNotification {
  return {
    id: `${input.manifestId}.${input.shipmentNumber}.shipment.status.${input.status}.v${input.seq}`,
    partnerId: input.partnerId,
    type: 'shipment.status',
    at: input.at,
    subject: shipmentSubject(input.manifestId, input.shipmentNumber),
    sequence: input.sequence,
    data: {
      manifestId: input.manifestId,
      shipmentNumber: input.shipmentNumber,
      status: input.status,
      ...(input.mrn ? { mrn: input.mrn } : {}),
      ...(input.digitollErrors?.length ? { digitollErrors: input.digitollErrors } : {}),
    },
  };
}

/** A border flag was raised on (or cleared from) a shipment, by the change to its next version. */
export function flagNotification(
  shipment: ShipmentRecord,
  type: 'flag.raised' | 'flag.cleared',
  at: string,
  data: { flag: string; estimatedArrival: string },
): PartnerNotification {
  return {
    id: `${shipment.manifestId}.${shipment.shipmentNumber}.${type}.${data.flag}.v${shipment.version + 1}`,
    partnerId: shipment.partnerId,
    type,
    at,
    subject: shipmentSubject(shipment.manifestId, shipment.shipmentNumber),
    sequence: shipment.version + 1,
    data: {
      manifestId: shipment.manifestId,
      shipmentNumber: shipment.shipmentNumber,
      status: shipment.status,
      ...data,
    },
  };
}

/** The closure of a transit was decided (its record's next version). */
export function transitClosureNotification(input: {
  partnerId: string;
  mrn: string;
  manifestId: string;
  state: string;
  reason: string;
  at: string;
  version: number;
}): PartnerNotification {
  return {
    id: `${input.mrn}.transit.${input.state}.v${input.version}`,
    partnerId: input.partnerId,
    type: 'transit.closure',
    at: input.at,
    subject: transitSubject(input.mrn),
    sequence: input.version,
    data: { mrn: input.mrn, manifestId: input.manifestId, state: input.state, reason: input.reason },
  };
}
