/**
 * How domain records become items (and back), for the items more than one adapter writes.
 * Keys come from `table-design.ts`, expiry from `Table.ttl`.
 */
import type { PartnerNotification } from '../../domain/notifications.ts';
import type {
  IdempotencyRecord,
  ManifestRecord,
  ShipmentEvent,
  ShipmentRecord,
} from '../../domain/records.ts';
import type { Item, Table } from './table.ts';
import { keys } from './table-design.ts';

export function manifestItem(table: Table, manifest: ManifestRecord): Item {
  return {
    ...keys.manifest(manifest.partnerId, manifest.manifestId),
    ...keys.boardEntry(manifest.partnerId, manifest.manifestId, manifest.transport.estimatedArrival),
    kind: 'MANIFEST',
    ...manifest,
    ...table.ttl(manifest.transport.estimatedArrival),
  };
}

/** Whose manifest this is, by its id alone (an operator opens any partner's manifest by id). */
export function manifestDirectoryItem(table: Table, manifest: ManifestRecord): Item {
  return {
    ...keys.manifestDirectory(manifest.manifestId),
    kind: 'DIRECTORY',
    partnerId: manifest.partnerId,
    manifestId: manifest.manifestId,
    ...table.ttl(manifest.transport.estimatedArrival),
  };
}

export function shipmentItem(table: Table, record: ShipmentRecord): Item {
  return {
    ...keys.shipment(record.partnerId, record.shipmentNumber, record.manifestId),
    ...keys.manifestIndex(record.manifestId, record.shipmentNumber),
    kind: 'SHIPMENT',
    ...record,
    flagCodes: record.flags.map((flag) => flag.code),
    ...table.ttl(record.estimatedArrival),
  };
}

/** An event on a shipment's own timeline. */
export function shipmentEventItem(
  table: Table,
  shipment: Pick<ShipmentRecord, 'partnerId' | 'shipmentNumber' | 'manifestId' | 'estimatedArrival'>,
  event: ShipmentEvent,
  id: string,
): Item {
  return {
    ...keys.event(shipment.partnerId, shipment.shipmentNumber, shipment.manifestId, event.at, id),
    kind: 'EVENT',
    subject: 'HOUSE',
    ...event,
    ...table.ttl(shipment.estimatedArrival),
  };
}

/** An event about the transport or the master (on every shipment's timeline). */
export function manifestEventItem(
  table: Table,
  manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'transport'>,
  subject: 'TRANSPORT' | 'MASTER',
  event: ShipmentEvent,
  id: string,
): Item {
  return {
    ...keys.manifestEvent(manifest.partnerId, manifest.manifestId, event.at, id),
    kind: 'EVENT',
    subject,
    ...event,
    ...table.ttl(manifest.transport.estimatedArrival),
  };
}

/** The marker that has the border sweep look at this transport at `dueAt`. */
export function borderMarker(
  table: Table,
  manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'transport'>,
  dueAt: string,
): Item {
  return {
    ...keys.dueMarker(manifest.partnerId, manifest.manifestId, 'BORDER'),
    ...keys.deadline(dueAt, 'BORDER', manifest.manifestId),
    kind: 'DUE',
    dueKind: 'BORDER',
    partnerId: manifest.partnerId,
    manifestId: manifest.manifestId,
    ...table.ttl(manifest.transport.estimatedArrival),
  };
}

/** The marker that has the schedule complete an intake whose lease ends at `dueAt`. */
export function fanoutMarker(
  record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId' | 'reference'>,
  dueAt: string,
): Item {
  return {
    ...keys.dueMarker(record.partnerId, record.manifestId, 'FANOUT'),
    ...keys.deadline(dueAt, 'FANOUT', record.manifestId),
    kind: 'DUE',
    dueKind: 'FANOUT',
    partnerId: record.partnerId,
    manifestId: record.manifestId,
    reference: record.reference,
  };
}

/** A partner notification waiting in the outbox (written in the same transaction as its change). */
export function outboxItem(note: PartnerNotification, ttl: Item): Item {
  return {
    ...keys.outbox(note.partnerId, note.id),
    ...keys.deadline(note.at, 'NOTIFY', note.id),
    kind: 'NOTIFICATION',
    notification: note,
    ...ttl,
  };
}
