/**
 * DynamoDB side of the border board (lib/domain/board.ts): manifests from the sparse board index
 * (one partition per partner, sorted by ETA then manifest id), merged across partners for an
 * operator; the counts snapshots beside each manifest; the manifest directory (whose manifest an id is).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../../concurrency.ts';
import type { BoardCounts, BoardPosition, BoardReads } from '../../domain/board.ts';
import { ManifestRecord, type ShipmentSummary } from '../../domain/records.ts';
import { ShipmentStatus } from '../../domain/shipment.ts';
import type { Item, Table } from './table.ts';
import { BOARD_INDEX, keys, MANIFEST_INDEX, MANIFEST_INDEX_SHARDS } from './table-design.ts';

/** Sort before and after every ETA-and-id sort key of the board index (key values cannot be empty). */
const BEFORE_ALL = '0';
const AFTER_ALL = '~';

export class DynamoBoardReads implements BoardReads {
  constructor(private readonly table: Table) {}

  async manifestsByArrival(
    partnerIds: readonly string[],
    range: { from?: string; to?: string; after?: BoardPosition; limit: number },
  ): Promise<{ manifests: ManifestRecord[]; more: boolean }> {
    // The range in sort-key terms: [low, high], the position after which to start excluded.
    const afterSk = range.after
      ? keys.boardEntry('', range.after.manifestId, range.after.estimatedArrival).boardSk
      : undefined;
    const fromSk = range.from ? new Date(range.from).toISOString() : BEFORE_ALL;
    const low = afterSk && afterSk > fromSk ? afterSk : fromSk;
    // `to` is exclusive: every sort key of an earlier instant sorts before the bare instant.
    const high = range.to ? new Date(range.to).toISOString() : AFTER_ALL;
    if (low >= high) return { manifests: [], more: false };
    const perPartner = await mapBounded(partnerIds, this.table.ioConcurrency, (partnerId) =>
      this.partnerPage(partnerId, low, high, afterSk, range.limit + 1),
    );
    const rows = perPartner.flat().sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    const page = rows.slice(0, range.limit);
    return { manifests: page.map((row) => row.manifest), more: rows.length > range.limit };
  }

  /** One partner's manifests with a board key in [low, high), after `afterSk`, at most `limit`. */
  private async partnerPage(
    partnerId: string,
    low: string,
    high: string,
    afterSk: string | undefined,
    limit: number,
  ): Promise<Array<{ sk: string; manifest: ManifestRecord }>> {
    const found: Array<{ sk: string; manifest: ManifestRecord }> = [];
    let startKey: Item | undefined;
    do {
      const result = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: BOARD_INDEX.name,
          KeyConditionExpression: `${BOARD_INDEX.partitionKey} = :p AND ${BOARD_INDEX.sortKey} BETWEEN :low AND :high`,
          ExpressionAttributeValues: { ':p': keys.boardPartition(partnerId), ':low': low, ':high': high },
          // One more than asked for: the item at `afterSk` itself may come first.
          Limit: limit + 1 - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        const sk = String(item[BOARD_INDEX.sortKey]);
        // BETWEEN is inclusive at both ends: drop the cursor's own item and the exclusive upper end.
        if (sk === afterSk || sk >= high) continue;
        found.push({ sk, manifest: ManifestRecord.parse(item) });
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey && found.length < limit);
    return found.slice(0, limit);
  }

  async savedCounts(
    manifests: ReadonlyArray<Pick<ManifestRecord, 'partnerId' | 'manifestId'>>,
  ): Promise<Map<string, BoardCounts>> {
    const items = await this.table.batchGet(
      manifests.map((manifest) => keys.boardCounts(manifest.partnerId, manifest.manifestId)),
    );
    return new Map(
      items.map((item) => [
        String(item.manifestId),
        {
          shipmentCount: Number(item.shipmentCount),
          counts: (item.counts ?? {}) as BoardCounts['counts'],
          openFlags: (item.openFlags ?? {}) as BoardCounts['openFlags'],
          border: (item.border ?? {}) as BoardCounts['border'],
          countedAt: String(item.countedAt),
        },
      ]),
    );
  }

  /** Every shipment of the manifest as index rows, the index's shards read side by side. */
  async summarizeShipments(manifestId: string): Promise<ShipmentSummary[]> {
    const shards = Array.from({ length: MANIFEST_INDEX_SHARDS }, (_, shard) => shard);
    const perShard = await Promise.all(
      shards.map((shard) =>
        this.table.queryAll({
          IndexName: MANIFEST_INDEX.name,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': keys.manifestIndexPartition(manifestId, shard) },
        }),
      ),
    );
    return perShard.flat().map((item) => ({
      shipmentNumber: String(item.shipmentNumber),
      status: ShipmentStatus.parse(item.status),
      flagCodes: Array.isArray(item.flagCodes) ? item.flagCodes.map(String) : [],
    }));
  }

  async saveCounts(
    manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'transport'>,
    counts: BoardCounts,
  ): Promise<void> {
    // A snapshot computed later wins; an older one that arrives late is dropped.
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.boardCounts(manifest.partnerId, manifest.manifestId),
            kind: 'BOARD_COUNTS',
            partnerId: manifest.partnerId,
            manifestId: manifest.manifestId,
            ...counts,
            ...this.table.ttl(manifest.transport.estimatedArrival),
          },
          ConditionExpression: 'attribute_not_exists(countedAt) OR countedAt < :at',
          ExpressionAttributeValues: { ':at': counts.countedAt },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Whose manifest this id is (undefined: unknown, or stored before the directory existed). */
  async ownerOf(manifestId: string): Promise<string | undefined> {
    const item = await this.table.get(keys.manifestDirectory(manifestId), { consistent: false });
    return item ? String(item.partnerId) : undefined;
  }
}
