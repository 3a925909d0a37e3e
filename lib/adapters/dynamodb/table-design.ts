/**
 * The single-table design: attribute names, indexes and EVERY key, in one place. CDK, the local
 * runtime and the integration tests create the table from this; every adapter builds and reads
 * keys only through `keys` (test/unit/table-keys.test.ts fails if anything else spells one).
 *
 * Items (pk / sk):
 *   partner key     KEY#<sha256>                         / KEY
 *   key listing     PARTNER_KEYS                         / <partnerId>#<keyId>   (for `npm run partner -- list`)
 *   idempotency     PARTNER#<p>#REF#<reference>          / IDEMPOTENCY
 *   manifest        PARTNER#<p>#MANIFEST#<m>             / MANIFEST   (in the board index: BOARD#<p> / <ETA>#<m>)
 *   board counts    PARTNER#<p>#MANIFEST#<m>             / BOARD   (the manifest's counts as the board last saw them)
 *   directory       DIRECTORY#MANIFEST#<m>               / DIRECTORY   (whose manifest it is: operators read by it)
 *   manifest event  PARTNER#<p>#MANIFEST#<m>             / EVENT#<iso time>#<id>   (transport and master)
 *   due marker      PARTNER#<p>#MANIFEST#<m>             / DUE#<kind>   (the only items in the deadline index)
 *   TVINN draft     PARTNER#<p>#MANIFEST#<m>             / TVINN#<draftId>
 *   shipment        PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>
 *   shipment event  PARTNER#<p>#SHIPMENT#<number>        / MANIFEST#<m>#EVENT#<iso time>#<id>
 *   transit         PARTNER#<p>#TRANSIT#<mrn>            / TRANSIT
 *   NCTS hand-over  PARTNER#<p>#TRANSIT#<mrn>            / NCTS#CC007C
 *   alert           PARTNER#<p>#ALERTS                   / ALERT#<m>#<shipment>#<flag>   (one per open border flag)
 *   statement line  PARTNER#<p>#STATEMENT#<quarter>      / LINE#<voec>#<m>#<shipment>   (one per accepted house)
 *   notification    PARTNER#<p>#OUTBOX                   / NOTE#<id>   (in the deadline index until queued)
 *   webhook         PARTNER#<p>                          / WEBHOOK#<id>
 *   delivery        PARTNER#<p>#DELIVERY                 / <notification id>#<webhook id>
 *   house claim     HOUSE#<carrier>#<waybill type>#<number> / HOUSE   (any partner's: the Digitoll house key)
 *   rate budget     RATE#<api>                           / RATE   (the reporters' shared Digitoll budget)
 *   house waybill   WAYBILL#<type>#<number>              / PARTNER#<p>#MANIFEST#<m>   (written when the house is ACCEPTED: routing finds it by key)
 *   routing marker  ROUTING#HOUSE_CONSIGNMENT            / MARKER   (the last routing signal applied, with the poller's lease)
 *
 * Shipments are keyed by partner + shipment number, not by manifest, so a 10,000-shipment
 * intake spreads its writes over many partitions (one partition takes ~1,000 WCU/s).
 * The manifest index (GSI1) is sharded for the same reason; listing walks its shards in order.
 * The deadline index (GSI2) is sparse: only small per-manifest marker items carry its keys (one per
 * kind of deadline), so the scheduled function reads what is due, never the table, and moving a
 * deadline (an ETA change) rewrites one item, not one per shipment.
 * The board index (GSI3) is sparse too: only manifest items carry its keys, one partition per partner,
 * sorted by the transport's ETA (UTC) then manifest id, so "not crossed" is a sort-key range (no
 * Scan, no state to clear when a transport crosses). A partition holds one small item per transport
 * of one partner: hundreds to thousands open at a time are a few 1 MB pages, and it is written once
 * per intake and per ETA change, far below a partition's 1,000 writes a second. An operator's board
 * reads each partner's partition (a Query each) and merges them by ETA.
 */
import { createHash } from 'node:crypto';

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const MANIFEST_INDEX = { name: 'byManifest', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
export const DEADLINE_INDEX = { name: 'byDeadline', partitionKey: 'duePk', sortKey: 'dueSk' } as const;
export const BOARD_INDEX = { name: 'byArrival', partitionKey: 'boardPk', sortKey: 'boardSk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';
/** Attributes projected into the manifest index besides the keys: enough to filter and count. */
export const MANIFEST_INDEX_PROJECTION = ['status', 'flagCodes', 'shipmentNumber'] as const;

export const MANIFEST_INDEX_SHARDS = 16;
export const DEADLINE_INDEX_SHARDS = 16;

export function shardOf(value: string, shards: number): number {
  return createHash('sha1').update(value).digest().readUInt32BE(0) % shards;
}

/**
 * FANOUT: an intake to complete (its lease end). BORDER: the transport's next border deadline.
 * NOTIFY: a partner notification waiting in the outbox.
 */
export type DueKind = 'FANOUT' | 'BORDER' | 'NOTIFY';

export type TableKey = {
  pk: string;
  sk: string;
};

const partner = (partnerId: string) => `PARTNER#${partnerId}`;
const manifestPartition = (partnerId: string, manifestId: string) =>
  `${partner(partnerId)}#MANIFEST#${manifestId}`;
const shipmentPartition = (partnerId: string, shipmentNumber: string) =>
  `${partner(partnerId)}#SHIPMENT#${shipmentNumber}`;
const transitPartition = (partnerId: string, mrn: string) => `${partner(partnerId)}#TRANSIT#${mrn}`;
const alertsPartition = (partnerId: string) => `${partner(partnerId)}#ALERTS`;
const PARTNER_KEY_LISTING = 'PARTNER_KEYS';

export const keys = {
  /** The Digitoll rate budget every reporter instance shares, one per API (rate-budget.ts). */
  rateBudget: (api: string): TableKey => ({ pk: `RATE#${api}`, sk: 'RATE' }),
  partnerKey: (keyHash: string): TableKey => ({ pk: `KEY#${keyHash}`, sk: 'KEY' }),
  /** The listing item of a partner key (one small partition, read only by operators). */
  partnerKeyListing: (partnerId: string, keyId: string): TableKey => ({
    pk: PARTNER_KEY_LISTING,
    sk: `${partnerId}#${keyId}`,
  }),
  /** Query every listing item, or one partner's (`skPrefix`). */
  partnerKeyListings: (partnerId?: string) => ({
    pk: PARTNER_KEY_LISTING,
    ...(partnerId ? { skPrefix: `${partnerId}#` } : {}),
  }),

  idempotency: (partnerId: string, reference: string): TableKey => ({
    pk: `${partner(partnerId)}#REF#${reference}`,
    sk: 'IDEMPOTENCY',
  }),
  manifest: (partnerId: string, manifestId: string): TableKey => ({
    pk: manifestPartition(partnerId, manifestId),
    sk: 'MANIFEST',
  }),
  /** An event about the transport or the master: it belongs to every shipment of the manifest. */
  manifestEvent: (partnerId: string, manifestId: string, at: string, id: string): TableKey => ({
    pk: manifestPartition(partnerId, manifestId),
    sk: `EVENT#${at}#${id}`,
  }),
  manifestEvents: (partnerId: string, manifestId: string) => ({
    pk: manifestPartition(partnerId, manifestId),
    skPrefix: 'EVENT#',
  }),
  tvinnDraft: (partnerId: string, manifestId: string, draftId: string): TableKey => ({
    pk: manifestPartition(partnerId, manifestId),
    sk: `TVINN#${draftId}`,
  }),
  tvinnDrafts: (partnerId: string, manifestId: string) => ({
    pk: manifestPartition(partnerId, manifestId),
    skPrefix: 'TVINN#',
  }),

  shipment: (partnerId: string, shipmentNumber: string, manifestId: string): TableKey => ({
    pk: shipmentPartition(partnerId, shipmentNumber),
    sk: `MANIFEST#${manifestId}`,
  }),
  /** Every item under one shipment number: the shipment on each manifest that carried it, and events. */
  shipmentPartition: (partnerId: string, shipmentNumber: string): string =>
    shipmentPartition(partnerId, shipmentNumber),
  event: (
    partnerId: string,
    shipmentNumber: string,
    manifestId: string,
    at: string,
    id: string,
  ): TableKey => ({
    pk: shipmentPartition(partnerId, shipmentNumber),
    sk: `MANIFEST#${manifestId}#EVENT#${at}#${id}`,
  }),
  /** Whether an item of a shipment partition is an event of the shipment on this manifest. */
  isEventOf: (sk: unknown, manifestId: string): boolean =>
    typeof sk === 'string' && sk.startsWith(`MANIFEST#${manifestId}#EVENT#`),

  manifestIndex: (manifestId: string, shipmentNumber: string) => ({
    gsi1pk: manifestIndexPartition(manifestId, shardOf(shipmentNumber, MANIFEST_INDEX_SHARDS)),
    gsi1sk: shipmentNumber,
  }),
  manifestIndexPartition: (manifestId: string, shard: number) => manifestIndexPartition(manifestId, shard),

  /** The manifest item's place on its partner's border board: by ETA (UTC, one format), then id. */
  boardEntry: (partnerId: string, manifestId: string, estimatedArrival: string) => ({
    boardPk: boardPartition(partnerId),
    boardSk: `${new Date(estimatedArrival).toISOString()}#${manifestId}`,
  }),
  boardPartition: (partnerId: string) => boardPartition(partnerId),
  /** The board's sort key of a manifest item read from the index, split back. */
  boardPositionOf: (boardSk: unknown): { estimatedArrival: string; manifestId: string } => {
    const [estimatedArrival = '', manifestId = ''] = String(boardSk).split('#');
    return { estimatedArrival, manifestId };
  },
  /** The manifest's counts as the board last computed them (board.ts: refreshed when stale). */
  boardCounts: (partnerId: string, manifestId: string): TableKey => ({
    pk: manifestPartition(partnerId, manifestId),
    sk: 'BOARD',
  }),
  /** Whose manifest this is: written with the manifest, read when an operator opens it by id. */
  manifestDirectory: (manifestId: string): TableKey => ({
    pk: `DIRECTORY#MANIFEST#${manifestId}`,
    sk: 'DIRECTORY',
  }),

  dueMarker: (partnerId: string, manifestId: string, kind: DueKind): TableKey => ({
    pk: manifestPartition(partnerId, manifestId),
    sk: `DUE#${kind}`,
  }),
  /** The manifest a due marker (or any manifest-partition item) belongs to, from its pk. */
  manifestOf: (pk: unknown): { partnerId: string; manifestId: string } => {
    const [, partnerId = '', , manifestId = ''] = String(pk).split('#');
    return { partnerId, manifestId };
  },
  /**
   * `dueSk` is the kind, then the time: `dueSk BETWEEN <kind># AND <kind>#<now>~` selects what of
   * one kind is due, so each reader reads only its own due items.
   */
  deadline: (dueAt: string, kind: DueKind, ref: string) => ({
    duePk: deadlinePartition(shardOf(ref, DEADLINE_INDEX_SHARDS)),
    dueSk: `${kind}#${dueAt}#${ref}`,
  }),
  deadlinePartition: (shard: number) => deadlinePartition(shard),
  /** The `dueSk` range of everything of one kind due at `at` or before. */
  dueRange: (kind: DueKind, at: string) => ({ from: `${kind}#`, to: `${kind}#${at}#~` }),

  transit: (partnerId: string, mrn: string): TableKey => ({
    pk: transitPartition(partnerId, mrn),
    sk: 'TRANSIT',
  }),
  nctsHandOver: (partnerId: string, mrn: string): TableKey => ({
    pk: transitPartition(partnerId, mrn),
    sk: 'NCTS#CC007C',
  }),

  alert: (partnerId: string, manifestId: string, shipmentNumber: string, flag: string): TableKey => ({
    pk: alertsPartition(partnerId),
    sk: `ALERT#${manifestId}#${shipmentNumber}#${flag}`,
  }),
  alerts: (partnerId: string) => ({ pk: alertsPartition(partnerId), skPrefix: 'ALERT#' }),

  /** A house Digitoll accepted, in the seller statement of the quarter it was accepted in. */
  statementLine: (
    partnerId: string,
    quarter: string,
    voecNumber: string,
    manifestId: string,
    shipmentNumber: string,
  ): TableKey => ({
    pk: `${partner(partnerId)}#STATEMENT#${quarter}`,
    sk: `LINE#${voecNumber}#${manifestId}#${shipmentNumber}`,
  }),
  /** A partner's statement lines of a quarter, of one VOEC number when given. */
  statementLines: (partnerId: string, quarter: string, voecNumber?: string) => ({
    pk: `${partner(partnerId)}#STATEMENT#${quarter}`,
    skPrefix: voecNumber ? `LINE#${voecNumber}#` : 'LINE#',
  }),

  outbox: (partnerId: string, notificationId: string): TableKey => ({
    pk: `${partner(partnerId)}#OUTBOX`,
    sk: `${OUTBOX_SORT_KEY_PREFIX}${notificationId}`,
  }),

  webhook: (partnerId: string, webhookId: string): TableKey => ({
    pk: partner(partnerId),
    sk: `WEBHOOK#${webhookId}`,
  }),
  webhooks: (partnerId: string) => ({ pk: partner(partnerId), skPrefix: 'WEBHOOK#' }),
  /**
   * The claim of one house waybill at Digitoll (carrier, waybill type, number), held by the one live
   * shipment that reports it (lib/domain/one-house.ts). Not partner-scoped: Digitoll knows only the
   * waybill, whoever of our partners sent it. The carrier id is URI-encoded so no `#` in it can
   * make two keys alike.
   */
  houseClaim: (carrierId: string, waybillType: string, documentNumber: string): TableKey => ({
    pk: `HOUSE#${encodeURIComponent(carrierId)}#${waybillType}#${documentNumber}`,
    sk: 'HOUSE',
  }),
  /** A house we had ACCEPTED, under its Digitoll waybill key (what a routing signal names). */
  houseWaybill: (
    waybill: { type: string; number: string },
    partnerId: string,
    manifestId: string,
  ): TableKey => ({
    pk: houseWaybillPartition(waybill),
    sk: `${partner(partnerId)}#MANIFEST#${manifestId}`,
  }),
  houseWaybills: (waybill: { type: string; number: string }) => ({
    pk: houseWaybillPartition(waybill),
    skPrefix: 'PARTNER#',
  }),
  routingMarker: (): TableKey => ({ pk: 'ROUTING#HOUSE_CONSIGNMENT', sk: 'MARKER' }),

  delivery: (partnerId: string, notificationId: string, webhookId: string): TableKey => ({
    pk: `${partner(partnerId)}#DELIVERY`,
    sk: `${notificationId}#${webhookId}`,
  }),

  /** A bulk upload (POST /v1/manifest-uploads) and its processing checkpoint. */
  upload: (partnerId: string, uploadId: string): TableKey => ({
    pk: `${partner(partnerId)}#UPLOAD#${uploadId}`,
    sk: 'UPLOAD',
  }),
};

/**
 * The sort-key prefix of outbox items and of nothing else: the table stream's event filter
 * (cdk/constructs/webhooks.ts) matches new items by it.
 */
export const OUTBOX_SORT_KEY_PREFIX = 'NOTE#';
function houseWaybillPartition(waybill: { type: string; number: string }): string {
  return `WAYBILL#${waybill.type}#${waybill.number}`;
}

function manifestIndexPartition(manifestId: string, shard: number): string {
  return `MANIFEST#${manifestId}#${shard}`;
}

function boardPartition(partnerId: string): string {
  return `BOARD#${partnerId}`;
}

function deadlinePartition(shard: number): string {
  return `DUE#${shard}`;
}
