/**
 * DynamoDB side of the partner API's queries: a manifest with counts, its shipments page by page,
 * one shipment with its timeline.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { currentShipment } from '../../domain/one-house.ts';
import type { Page } from '../../domain/ports.ts';
import type { ManifestReads, ShipmentFilter } from '../../domain/queries.ts';
import { type ManifestRecord, ShipmentEvent, type ShipmentRecord } from '../../domain/records.ts';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor.ts';
import { getManifest, getShipments, shipmentPartition, summarizeShipments } from './reads.ts';
import type { Item, Table } from './table.ts';
import { keys, MANIFEST_INDEX, MANIFEST_INDEX_SHARDS, TABLE_KEYS } from './table-design.ts';

export class DynamoManifestReads implements ManifestReads {
  constructor(private readonly table: Table) {}

  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    return getManifest(this.table, partnerId, manifestId);
  }

  summarizeShipments(manifestId: string) {
    return summarizeShipments(this.table, manifestId);
  }

  async listShipments(
    partnerId: string,
    manifestId: string,
    options: { limit: number; cursor?: string; filter: ShipmentFilter },
  ): Promise<Page<ShipmentRecord>> {
    // The cursor walks the index shards in order: { shard, key } of where to go on.
    let position = options.cursor ? decodeCursor(options.cursor) : { shard: 0, key: undefined };
    if (!cursorFits(position, manifestId)) throw invalidCursor();
    const rows: Item[] = [];
    const { filterExpression, values, names } = filterOf(options.filter);
    while (rows.length < options.limit && position.shard < MANIFEST_INDEX_SHARDS) {
      const result = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: MANIFEST_INDEX.name,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: {
            ':p': keys.manifestIndexPartition(manifestId, position.shard),
            ...values,
          },
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ...(filterExpression ? { FilterExpression: filterExpression } : {}),
          Limit: options.limit - rows.length,
          ExclusiveStartKey: position.key,
        }),
      );
      rows.push(...(result.Items ?? []));
      position = result.LastEvaluatedKey
        ? { shard: position.shard, key: result.LastEvaluatedKey }
        : { shard: position.shard + 1, key: undefined };
    }
    // The index holds other partners' manifests too in principle; keys carry the partner, so read by key.
    const records = await getShipments(
      this.table,
      partnerId,
      manifestId,
      rows.map((row) => String(row.shipmentNumber)),
    );
    const byNumber = new Map(records.map((record) => [record.shipmentNumber, record]));
    const items = rows.flatMap((row) => byNumber.get(String(row.shipmentNumber)) ?? []);
    const more = position.shard < MANIFEST_INDEX_SHARDS;
    return more ? { items, cursor: encodeCursor(position) } : { items };
  }

  async shipmentHistory(partnerId: string, shipmentNumber: string) {
    const { shipments, others } = await shipmentPartition(this.table, partnerId, shipmentNumber);
    // The live report, never hidden behind a newer cancelled or refused one (one-house.ts).
    const found = currentShipment(shipments);
    if (!found) return undefined;
    const { current: shipment, others: older } = found;
    // The transport's and master's events belong to every shipment on them.
    const events = await this.eventsOf(partnerId, shipment.manifestId, others);
    return { shipment, events, otherManifestIds: older.map((other) => other.manifestId) };
  }

  async shipmentOnManifest(partnerId: string, manifestId: string, shipmentNumber: string) {
    const { shipments, others } = await shipmentPartition(this.table, partnerId, shipmentNumber);
    const shipment = shipments.find((candidate) => candidate.manifestId === manifestId);
    if (!shipment) return undefined;
    return {
      shipment,
      events: await this.eventsOf(partnerId, manifestId, others),
      otherManifestIds: shipments
        .filter((other) => other.manifestId !== manifestId)
        .map((other) => other.manifestId),
    };
  }

  /** The shipment's own events on this manifest, and the transport's and master's (every shipment's). */
  private async eventsOf(partnerId: string, manifestId: string, partition: Item[]) {
    const manifestEvents = await this.table.queryPrefix(keys.manifestEvents(partnerId, manifestId));
    return [...partition.filter((item) => keys.isEventOf(item.sk, manifestId)), ...manifestEvents].map(
      (item) => ShipmentEvent.parse(item),
    );
  }
}

function filterOf(filter: ShipmentFilter): {
  filterExpression?: string;
  values: Record<string, unknown>;
  names?: Record<string, string>;
} {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  if (filter.status) {
    parts.push('#status = :status');
    values[':status'] = filter.status;
    names['#status'] = 'status';
  }
  if (filter.flag) {
    parts.push('contains(flagCodes, :flag)');
    values[':flag'] = filter.flag;
  }
  return parts.length === 0
    ? { values }
    : { filterExpression: parts.join(' AND '), values, ...(Object.keys(names).length ? { names } : {}) };
}

/** The index's key attributes, which a page's LastEvaluatedKey holds exactly. */
const CURSOR_KEY_ATTRIBUTES = [
  MANIFEST_INDEX.partitionKey,
  MANIFEST_INDEX.sortKey,
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
].sort();

/**
 * A cursor is only ever one this API returned for this manifest: a shard in range and, within it,
 * a start key of exactly the index's attributes in this manifest's partition, each a non-empty key
 * value DynamoDB takes. Anything else (edited or another manifest's) is a 400, never a DynamoDB error.
 */
function cursorFits(
  position: { shard: number; key: Record<string, unknown> | undefined },
  manifestId: string,
) {
  if (position.shard > MANIFEST_INDEX_SHARDS) return false;
  const key = position.key;
  if (key === undefined) return true;
  if (position.shard >= MANIFEST_INDEX_SHARDS) return false;
  const names = Object.keys(key).sort();
  if (
    names.length !== CURSOR_KEY_ATTRIBUTES.length ||
    names.some((name, i) => name !== CURSOR_KEY_ATTRIBUTES[i])
  )
    return false;
  if (key[MANIFEST_INDEX.partitionKey] !== keys.manifestIndexPartition(manifestId, position.shard))
    return false;
  return Object.values(key).every(
    (value) => typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= 1024,
  );
}
