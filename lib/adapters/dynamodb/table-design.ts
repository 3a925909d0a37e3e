/**
 * The single-table design: attribute names, indexes and key builders, in one place.
 * CDK, the local runtime and the integration tests all create the table from this.
 *
 * Items (pk / sk):
 *   partner key    KEY#<sha256>                         / KEY
 *   idempotency    PARTNER#<p>#REF#<reference>          / IDEMPOTENCY
 *   manifest       PARTNER#<p>#MANIFEST#<m>             / MANIFEST
 *   shipment       PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>
 *   event          PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>#EVENT#<iso time>#<id>
 *
 * Shipments are keyed by partner + shipment number, not by manifest, so a 10,000-shipment
 * intake spreads its writes over many partitions (one partition takes ~1,000 WCU/s).
 * The manifest index (GSI1) is sharded for the same reason; listing walks its shards in order.
 * The deadline index (GSI2) is sparse: only items with something due carry its keys, so the
 * scheduled function reads what is due, never the table.
 */
import { createHash } from 'node:crypto';

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const MANIFEST_INDEX = { name: 'byManifest', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
export const DEADLINE_INDEX = { name: 'byDeadline', partitionKey: 'duePk', sortKey: 'dueSk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';
/** Attributes projected into the manifest index besides the keys: enough to filter and count. */
export const MANIFEST_INDEX_PROJECTION = ['status', 'flagCodes', 'shipmentNumber'] as const;

export const MANIFEST_INDEX_SHARDS = 16;
export const DEADLINE_INDEX_SHARDS = 16;

export function shardOf(value: string, shards: number): number {
  return createHash('sha1').update(value).digest().readUInt32BE(0) % shards;
}

export const keys = {
  partnerKey: (keyHash: string) => ({ pk: `KEY#${keyHash}`, sk: 'KEY' }),
  idempotency: (partnerId: string, reference: string) => ({
    pk: `PARTNER#${partnerId}#REF#${reference}`,
    sk: 'IDEMPOTENCY',
  }),
  manifest: (partnerId: string, manifestId: string) => ({
    pk: `PARTNER#${partnerId}#MANIFEST#${manifestId}`,
    sk: 'MANIFEST',
  }),
  shipment: (partnerId: string, shipmentNumber: string, manifestId: string) => ({
    pk: `PARTNER#${partnerId}#SHIPMENT#${shipmentNumber}`,
    sk: `MANIFEST#${manifestId}`,
  }),
  shipmentPartition: (partnerId: string, shipmentNumber: string) =>
    `PARTNER#${partnerId}#SHIPMENT#${shipmentNumber}`,
  event: (partnerId: string, shipmentNumber: string, manifestId: string, at: string, id: string) => ({
    pk: `PARTNER#${partnerId}#SHIPMENT#${shipmentNumber}`,
    sk: `MANIFEST#${manifestId}#EVENT#${at}#${id}`,
  }),
  manifestIndex: (manifestId: string, shipmentNumber: string) => ({
    gsi1pk: manifestIndexPartition(manifestId, shardOf(shipmentNumber, MANIFEST_INDEX_SHARDS)),
    gsi1sk: shipmentNumber,
  }),
  /** `dueSk` sorts by time first, so `dueSk <= now` selects what is due. */
  deadline: (dueAt: string, kind: DueKind, ref: string) => ({
    duePk: `DUE#${shardOf(ref, DEADLINE_INDEX_SHARDS)}`,
    dueSk: `${dueAt}#${kind}#${ref}`,
  }),
};

export type DueKind = 'FANOUT' | 'SHIPMENT';

export function manifestIndexPartition(manifestId: string, shard: number): string {
  return `MANIFEST#${manifestId}#${shard}`;
}
