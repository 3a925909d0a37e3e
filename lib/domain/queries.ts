/**
 * Read side of the partner API: manifests, their shipments, one shipment with its timeline.
 * Everything is scoped to the calling partner: another partner's id is simply not found.
 */
import { z } from 'zod';
import type { ManifestView, ShipmentView } from '../manifest/responses.ts';
import { NotFoundError } from './errors.ts';
import { countByStatus } from './intake.ts';
import type { ManifestRepository, Page } from './ports.ts';
import type { ShipmentEvent, ShipmentRecord } from './records.ts';
import { FlagCode, ShipmentStatus } from './shipment.ts';

export const ShipmentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
  status: ShipmentStatus.optional(),
  flag: FlagCode.optional(),
});
export type ShipmentListQuery = z.infer<typeof ShipmentListQuery>;

export async function getManifestView(
  repository: ManifestRepository,
  partnerId: string,
  manifestId: string,
): Promise<ManifestView> {
  const manifest = await repository.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFoundError(`Manifest ${manifestId} was not found.`);
  const summaries = await repository.summarizeShipments(manifestId);
  const openFlags: Partial<Record<FlagCode, number>> = {};
  for (const summary of summaries) {
    for (const code of summary.flagCodes) {
      const flag = FlagCode.safeParse(code);
      if (flag.success) openFlags[flag.data] = (openFlags[flag.data] ?? 0) + 1;
    }
  }
  return {
    manifestId: manifest.manifestId,
    reference: manifest.reference,
    receivedAt: manifest.receivedAt,
    intake: manifest.intake,
    transport: {
      ...manifest.transport,
      digitollStatus: manifest.transportReport?.phase ?? 'PENDING',
      ...(manifest.transportReport?.mrn ? { mrn: manifest.transportReport.mrn } : {}),
      ...(manifest.transportReport?.errors?.length
        ? { digitollErrors: manifest.transportReport.errors }
        : {}),
    },
    ...(manifest.masterConsignment
      ? {
          masterReport: {
            digitollStatus: manifest.masterReport?.phase ?? 'PENDING',
            ...(manifest.masterReport?.mrn ? { mrn: manifest.masterReport.mrn } : {}),
            ...(manifest.masterReport?.errors?.length
              ? { digitollErrors: manifest.masterReport.errors }
              : {}),
          },
        }
      : {}),
    ...(manifest.transit
      ? {
          transit: {
            ...manifest.transit,
            mixed: manifest.mixedTransit !== undefined,
            ...(manifest.mixedTransit ? { mixedTransit: manifest.mixedTransit } : {}),
          },
        }
      : {}),
    ...(manifest.masterConsignment ? { masterConsignment: manifest.masterConsignment } : {}),
    shipmentCount: summaries.length,
    counts: countByStatus(summaries),
    openFlags,
  };
}

export async function listManifestShipments(
  repository: ManifestRepository,
  partnerId: string,
  manifestId: string,
  query: ShipmentListQuery,
): Promise<Page<ShipmentView>> {
  const manifest = await repository.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFoundError(`Manifest ${manifestId} was not found.`);
  const page = await repository.listShipments(partnerId, manifestId, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
    filter: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.flag ? { flag: query.flag } : {}),
    },
  });
  const eta = manifest.transport.estimatedArrival;
  return {
    items: page.items.map((record) => shipmentView(record, eta)),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export async function getShipmentDetail(
  repository: ManifestRepository,
  partnerId: string,
  shipmentNumber: string,
) {
  const found = await repository.getLatestShipment(partnerId, shipmentNumber);
  if (!found) throw new NotFoundError(`Shipment ${shipmentNumber} was not found.`);
  const manifest = await repository.getManifest(partnerId, found.shipment.manifestId);
  return {
    ...shipmentView(found.shipment, manifest?.transport.estimatedArrival),
    timeline: timeline(found.shipment, found.events),
    otherManifestIds: found.otherManifestIds,
  };
}

/** `estimatedArrival` is the transport's current ETA (a PATCH moves it; the shipment keeps its intake copy). */
export function shipmentView(
  record: ShipmentRecord,
  estimatedArrival = record.estimatedArrival,
): ShipmentView {
  const report = record.report;
  return {
    shipmentNumber: record.shipmentNumber,
    manifestId: record.manifestId,
    status: record.status,
    voecNumber: record.voecNumber,
    ...(record.mrn ? { mrn: record.mrn } : {}),
    flags: record.flags,
    rejections: record.rejections,
    ...(report?.errors?.length ? { digitollErrors: report.errors } : {}),
    ...(report?.lastError && record.status === 'FAILED' ? { failureReason: report.lastError } : {}),
    ...(record.withdrawalRequestedAt ? { withdrawalRequestedAt: record.withdrawalRequestedAt } : {}),
    receivedAt: record.receivedAt,
    updatedAt: record.updatedAt,
    estimatedArrival,
    shipment: record.input,
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
