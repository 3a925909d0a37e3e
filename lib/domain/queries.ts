/**
 * Read side of the partner API: manifests, their shipments, one shipment with its timeline.
 * Everything is scoped to the calling partner: another partner's id is simply not found.
 */
import { NotFound } from './errors.ts';
import { countByStatus } from './intake.ts';
import { currentShipment } from './one-house.ts';
import type { Page } from './ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord, ShipmentSummary } from './records.ts';
import { type BorderOutcome, borderOutcomeOf } from './routing.ts';
import { FlagCode, type ShipmentStatus } from './shipment.ts';

export interface ShipmentFilter {
  status?: ShipmentStatus;
  flag?: FlagCode;
}

/** What the queries read. */
export interface ManifestReads {
  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined>;
  summarizeShipments(manifestId: string): Promise<ShipmentSummary[]>;
  listShipments(
    partnerId: string,
    manifestId: string,
    options: { limit: number; cursor?: string; filter: ShipmentFilter },
  ): Promise<Page<ShipmentRecord>>;
  /**
   * The shipment with this number the partner means (`currentShipment`: the latest that holds a
   * house at Digitoll, else the latest), with its events, or undefined.
   */
  shipmentHistory(
    partnerId: string,
    shipmentNumber: string,
  ): Promise<{ shipment: ShipmentRecord; events: ShipmentEvent[]; otherManifestIds: string[] } | undefined>;
  /** The shipment with this number on this manifest (whichever is live), with its events, or undefined. */
  shipmentOnManifest(
    partnerId: string,
    manifestId: string,
    shipmentNumber: string,
  ): Promise<{ shipment: ShipmentRecord; events: ShipmentEvent[]; otherManifestIds: string[] } | undefined>;
}

export interface ManifestOverview {
  manifest: ManifestRecord;
  shipmentCount: number;
  counts: Partial<Record<ShipmentStatus, number>>;
  openFlags: Partial<Record<FlagCode, number>>;
  /** Shipments by Customs' latest routing (from status and flags). */
  borderCounts: Partial<Record<BorderOutcome, number>>;
}

export async function manifestOverview(
  reads: Pick<ManifestReads, 'getManifest' | 'summarizeShipments'>,
  partnerId: string,
  manifestId: string,
): Promise<ManifestOverview> {
  const manifest = await reads.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const summaries = await reads.summarizeShipments(manifestId);
  const openFlags: Partial<Record<FlagCode, number>> = {};
  const borderCounts: Partial<Record<BorderOutcome, number>> = {};
  for (const summary of summaries) {
    const outcome = borderOutcomeOf(summary);
    if (outcome) borderCounts[outcome] = (borderCounts[outcome] ?? 0) + 1;
    for (const code of summary.flagCodes) {
      const flag = FlagCode.safeParse(code);
      if (flag.success) openFlags[flag.data] = (openFlags[flag.data] ?? 0) + 1;
    }
  }
  return {
    manifest,
    shipmentCount: summaries.length,
    counts: countByStatus(summaries),
    openFlags,
    borderCounts,
  };
}

export interface ShipmentListing {
  page: Page<ShipmentRecord>;
  /** The transport's current ETA (a transport update moves it; shipments keep their intake copy). */
  estimatedArrival: string;
}

export async function listManifestShipments(
  reads: Pick<ManifestReads, 'getManifest' | 'listShipments'>,
  partnerId: string,
  manifestId: string,
  query: { limit: number; cursor?: string | undefined } & ShipmentFilter,
): Promise<ShipmentListing> {
  const manifest = await reads.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const page = await reads.listShipments(partnerId, manifestId, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
    filter: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.flag ? { flag: query.flag } : {}),
    },
  });
  return { page, estimatedArrival: manifest.transport.estimatedArrival };
}

export interface ShipmentHistory {
  shipment: ShipmentRecord;
  /** The transport's current ETA. */
  estimatedArrival: string;
  timeline: ShipmentEvent[];
  /** The other manifests that carried the same shipment number (a live report is never one of them). */
  otherManifestIds: string[];
}

export async function shipmentHistory(
  reads: Pick<ManifestReads, 'getManifest' | 'shipmentHistory'>,
  partnerId: string,
  shipmentNumber: string,
): Promise<ShipmentHistory> {
  const found = await reads.shipmentHistory(partnerId, shipmentNumber);
  if (!found) throw new NotFound('shipment', shipmentNumber);
  const manifest = await reads.getManifest(partnerId, found.shipment.manifestId);
  return {
    shipment: found.shipment,
    estimatedArrival: manifest?.transport.estimatedArrival ?? found.shipment.estimatedArrival,
    timeline: timeline(found.shipment, found.events),
    otherManifestIds: found.otherManifestIds,
  };
}

/**
 * The shipment with this number as a reader with these partners' data means it: a partner's own
 * (`shipmentHistory`); an operator's of every partner, the one that holds the house at Digitoll
 * (one live house per waybill, whoever sent it), else the latest (`currentShipment`).
 */
export async function readableShipmentHistory(
  reads: Pick<ManifestReads, 'getManifest' | 'shipmentHistory'>,
  partnerIds: readonly string[],
  shipmentNumber: string,
): Promise<ShipmentHistory> {
  const [only] = partnerIds;
  if (partnerIds.length === 1 && only !== undefined) return shipmentHistory(reads, only, shipmentNumber);
  const found = [];
  for (const partnerId of partnerIds) {
    const history = await reads.shipmentHistory(partnerId, shipmentNumber);
    if (history) found.push(history);
  }
  found.sort((a, b) => (a.shipment.manifestId < b.shipment.manifestId ? 1 : -1));
  const chosen = currentShipment(found.map((history) => history.shipment))?.current;
  const history = found.find((candidate) => candidate.shipment === chosen);
  if (!history) throw new NotFound('shipment', shipmentNumber);
  return shipmentHistory(reads, history.shipment.partnerId, shipmentNumber);
}

/**
 * One manifest's copy of a shipment: unambiguous where the shipment number was carried by several
 * manifests (and for operators, who read every partner's).
 */
export async function manifestShipmentHistory(
  reads: Pick<ManifestReads, 'getManifest' | 'shipmentOnManifest'>,
  partnerId: string,
  manifestId: string,
  shipmentNumber: string,
): Promise<ShipmentHistory> {
  const manifest = await reads.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  const found = await reads.shipmentOnManifest(partnerId, manifestId, shipmentNumber);
  if (!found) throw new NotFound('shipment', shipmentNumber);
  return {
    shipment: found.shipment,
    estimatedArrival: manifest.transport.estimatedArrival,
    timeline: timeline(found.shipment, found.events),
    otherManifestIds: found.otherManifestIds,
  };
}

/** The intake outcome is the first event (stored on the shipment itself); later events are items of their own. */
function timeline(record: ShipmentRecord, events: ShipmentEvent[]): ShipmentEvent[] {
  const intake: ShipmentEvent = {
    at: record.receivedAt,
    type: record.intake.status,
    actor: 'intake',
    detail:
      record.intake.status === 'REJECTED'
        ? `Rejected at intake: ${record.intake.rejections.map((r) => r.rule).join(', ')}`
        : 'Received, validated and queued for reporting to Digitoll',
    data: {
      flags: record.intake.flags.map((flag) => flag.code),
      ...(record.intake.rejections.length ? { rejections: record.intake.rejections } : {}),
    },
  };
  return [intake, ...[...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))];
}
