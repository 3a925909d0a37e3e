/**
 * The driver's list (seed 001: at the border the driver reports to Customs and carries an overview
 * of every VOEC shipment loaded on the vehicle, with its VOEC number; only Svinesund and Ørje are
 * automated, elsewhere the driver stops at the desk). Per transport: the transport, its MRN, the
 * border office and ETA, then every shipment on board with what Customs asks about, and whether
 * Digitoll accepted it — the ones that are not must stand out on paper.
 */
import { NotFound } from './errors.ts';
import type { ManifestReads } from './queries.ts';
import type { ManifestRecord, ShipmentRecord } from './records.ts';
import type { ShipmentStatus } from './shipment.ts';

/** Statuses in which Customs holds an accepted house consignment for the shipment (released ones too). */
const ACCEPTED_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(['ACCEPTED', 'RELEASED']);
/** Withdrawn shipments left the manifest: they are not on the vehicle. */
const OFF_BOARD_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(['CANCELLED']);
/** The largest page the manifest index returns at once. */
const PAGE_SIZE = 500;

export interface DriverListTransport {
  mode: 'ROAD' | 'AIR';
  vehicleRegistration?: string;
  vehicleCountry?: string;
  flightNumber?: string;
  mrn?: string;
  borderCrossing: string;
  estimatedArrival: string;
}

export interface DriverListLine {
  shipmentNumber: string;
  voecNumber: string;
  /** Item lines of the shipment (what Customs calls goods items). */
  itemCount: number;
  mrn?: string;
  status: ShipmentStatus;
  accepted: boolean;
}

export interface DriverList {
  manifestId: string;
  reference: string;
  transport: DriverListTransport;
  shipments: DriverListLine[];
  /** Shipments on board that Digitoll has not accepted (each needs the desk or TVINN). */
  notAcceptedCount: number;
}

export async function driverList(
  reads: Pick<ManifestReads, 'getManifest' | 'listShipments'>,
  partnerId: string,
  manifestId: string,
): Promise<DriverList> {
  const manifest = await reads.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const shipments: DriverListLine[] = [];
  let cursor: string | undefined;
  do {
    const page = await reads.listShipments(partnerId, manifestId, {
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
      filter: {},
    });
    for (const shipment of page.items) {
      if (!OFF_BOARD_STATUSES.has(shipment.status)) shipments.push(lineOf(shipment));
    }
    cursor = page.cursor;
  } while (cursor);
  shipments.sort((a, b) => a.shipmentNumber.localeCompare(b.shipmentNumber));
  return {
    manifestId,
    reference: manifest.reference,
    transport: transportOf(manifest),
    shipments,
    notAcceptedCount: shipments.filter((line) => !line.accepted).length,
  };
}

function lineOf(shipment: ShipmentRecord): DriverListLine {
  return {
    shipmentNumber: shipment.shipmentNumber,
    voecNumber: shipment.voecNumber,
    itemCount: shipment.input.items.length,
    ...(shipment.mrn ? { mrn: shipment.mrn } : {}),
    status: shipment.status,
    accepted: ACCEPTED_STATUSES.has(shipment.status),
  };
}

function transportOf(manifest: ManifestRecord): DriverListTransport {
  const { transport } = manifest;
  const mrn = manifest.transportReport?.mrn;
  const common = {
    ...(mrn ? { mrn } : {}),
    borderCrossing: transport.borderCrossing,
    estimatedArrival: transport.estimatedArrival,
  };
  return transport.mode === 'AIR'
    ? { mode: 'AIR', flightNumber: transport.flightNumber, ...common }
    : {
        mode: 'ROAD',
        vehicleRegistration: transport.vehicleRegistration,
        vehicleCountry: transport.vehicleCountry,
        ...common,
      };
}
