/**
 * The single-table design: attribute names, indexes and key builders, in one place.
 * CDK, the local runtime and the integration tests all create the table from this.
 *
 * Items (pk / sk):
 *   partner key    KEY#<sha256>                         / KEY
 *   key listing    PARTNER_KEYS                         / <partnerId>#<keyId>   (for `npm run partner -- list`)
 *   idempotency    PARTNER#<p>#REF#<reference>          / IDEMPOTENCY
 *   manifest       PARTNER#<p>#MANIFEST#<m>             / MANIFEST
 *   shipment       PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>
 *   event          PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>#EVENT#<iso time>#<id>
 *   due marker     PARTNER#<p>#MANIFEST#<m>             / DUE#<kind>   (the only items in the deadline index)
 *
 * Shipments are keyed by partner + shipment number, not by manifest, so a 10,000-shipment
 * intake spreads its writes over many partitions (one partition takes ~1,000 WCU/s).
 * The manifest index (GSI1) is sharded for the same reason; listing walks its shards in order.
 * The deadline index (GSI2) is sparse: only small per-manifest marker items carry its keys (one per
 * kind of deadline), so the scheduled function reads what is due, never the table, and moving a
 * deadline (an ETA change) rewrites one item, not one per shipment.
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
  dueMarker: (partnerId: string, manifestId: string, kind: DueKind) => ({
    pk: `PARTNER#${partnerId}#MANIFEST#${manifestId}`,
    sk: `DUE#${kind}`,
  }),
  /**
   * `dueSk` is the kind, then the time: `dueSk BETWEEN <kind># AND <kind>#<now>~` selects what of
   * one kind is due, so each reader reads only its own due items.
   */
  deadline: (dueAt: string, kind: DueKind, ref: string) => ({
    duePk: `DUE#${shardOf(ref, DEADLINE_INDEX_SHARDS)}`,
    dueSk: `${kind}#${dueAt}#${ref}`,
  }),
};

/**
 * FANOUT: an intake to complete (its lease end). BORDER: the transport's next border deadline.
 * NOTIFY: a partner notification waiting in the outbox.
 */
export type DueKind = 'FANOUT' | 'BORDER' | 'NOTIFY';

/** The `dueSk` range of everything of one kind due at `at` or before. */
export const dueRange = (kind: DueKind, at: string) => ({ from: `${kind}#`, to: `${kind}#${at}#~` });

export function manifestIndexPartition(manifestId: string, shard: number): string {
  return `MANIFEST#${manifestId}#${shard}`;
}

/** A partner notification waiting in the outbox (written in the same transaction as its change). */
export function outboxItem(
  note: { id: string; partnerId: string; at: string; type: string; data: Record<string, unknown> },
  expiresAt: number,
): Record<string, unknown> {
  return {
    pk: `PARTNER#${note.partnerId}#OUTBOX`,
    sk: `NOTE#${note.id}`,
    ...keys.deadline(note.at, 'NOTIFY', note.id),
    kind: 'NOTIFICATION',
    notification: note,
    [TTL_ATTRIBUTE]: expiresAt,
  };
}
