/**
 * Reads of manifests and shipments that several adapters share (intake, changes, queries, the
 * reporter and the sweep each read the same items).
 */
import {
  IdempotencyRecord,
  ManifestRecord,
  ShipmentRecord,
  type ShipmentSummary,
} from '../../domain/records.ts';
import { ShipmentStatus } from '../../domain/shipment.ts';
import type { Table } from './table.ts';
import { keys, MANIFEST_INDEX, MANIFEST_INDEX_SHARDS } from './table-design.ts';

export async function getManifest(
  table: Table,
  partnerId: string,
  manifestId: string,
): Promise<ManifestRecord | undefined> {
  const item = await table.get(keys.manifest(partnerId, manifestId));
  return item ? ManifestRecord.parse(item) : undefined;
}

export async function getIdempotency(
  table: Table,
  partnerId: string,
  reference: string,
): Promise<IdempotencyRecord | undefined> {
  const item = await table.get(keys.idempotency(partnerId, reference));
  return item ? IdempotencyRecord.parse(item) : undefined;
}

/** The shipments of one manifest with these numbers (those that exist). */
export async function getShipments(
  table: Table,
  partnerId: string,
  manifestId: string,
  shipmentNumbers: readonly string[],
): Promise<ShipmentRecord[]> {
  const items = await table.batchGet(
    [...new Set(shipmentNumbers)].map((number) => keys.shipment(partnerId, number, manifestId)),
    { consistent: true },
  );
  return items.map((item) => ShipmentRecord.parse(item));
}

/** Every shipment of the manifest, as index rows (for counts and fan-out completion). */
export async function summarizeShipments(table: Table, manifestId: string): Promise<ShipmentSummary[]> {
  const summaries: ShipmentSummary[] = [];
  for (let shard = 0; shard < MANIFEST_INDEX_SHARDS; shard++) {
    const items = await table.queryAll({
      IndexName: MANIFEST_INDEX.name,
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': keys.manifestIndexPartition(manifestId, shard) },
    });
    for (const item of items) {
      summaries.push({
        shipmentNumber: String(item.shipmentNumber),
        status: ShipmentStatus.parse(item.status),
        flagCodes: Array.isArray(item.flagCodes) ? item.flagCodes.map(String) : [],
      });
    }
  }
  return summaries;
}

/**
 * The shipments carrying this number (one per manifest that carried it), latest manifest first,
 * and the partition's other items (the shipments' events).
 */
export async function shipmentPartition(
  table: Table,
  partnerId: string,
  shipmentNumber: string,
): Promise<{ shipments: ShipmentRecord[]; others: Array<Record<string, unknown>> }> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.shipmentPartition(partnerId, shipmentNumber) },
    ConsistentRead: true,
  });
  const shipments = items
    .filter((item) => item.kind === 'SHIPMENT')
    .map((item) => ShipmentRecord.parse(item));
  // Manifest ids are time-ordered: the latest manifest carrying this number comes first.
  shipments.sort((a, b) => (a.manifestId < b.manifestId ? 1 : -1));
  return { shipments, others: items.filter((item) => item.kind !== 'SHIPMENT') };
}
