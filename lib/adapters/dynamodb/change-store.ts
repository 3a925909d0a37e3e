/**
 * DynamoDB side of changes before the border: shipment replacements (amend, withdraw) and
 * transport updates, each conditional on what was read and written with its timeline event.
 */
import type { ChangeStore, WriteOutcome } from '../../domain/amend.ts';
import { systemClock } from '../../domain/ids.ts';
import { currentShipment, type HeldElsewhere } from '../../domain/one-house.ts';
import type { Clock } from '../../domain/ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../domain/records.ts';
import { HouseClaims } from './house-claims.ts';
import { borderMarker, manifestEventItem, shipmentEventItem, shipmentItem } from './items.ts';
import { getManifest, shipmentPartition } from './reads.ts';
import type { Table, TransactItems } from './table.ts';
import { keys } from './table-design.ts';

export class DynamoChangeStore implements ChangeStore {
  private readonly houses: HouseClaims;

  /** `clock` dates the house claims (their lease, lib/domain/one-house.ts). */
  constructor(
    private readonly table: Table,
    clock: Clock = systemClock,
  ) {
    this.houses = new HouseClaims(table, clock);
  }

  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    return getManifest(this.table, partnerId, manifestId);
  }

  async currentShipment(partnerId: string, shipmentNumber: string): Promise<ShipmentRecord | undefined> {
    return currentShipment((await shipmentPartition(this.table, partnerId, shipmentNumber)).shipments)
      ?.current;
  }

  async replaceShipment(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
  ): Promise<WriteOutcome> {
    const saved = await this.table.transact(this.replacement(previous, next, event));
    return saved ? 'saved' : 'changed-meanwhile';
  }

  /** The replacement with its claim (index 2); on a held claim, the holder is looked at (one-house.ts). */
  async replaceClaimingHouse(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
    manifest: ManifestRecord,
  ): Promise<WriteOutcome | HeldElsewhere> {
    const items = this.replacement(previous, next, event);
    for (let round = 1; round <= 8; round++) {
      const result = await this.table.transactEach([...items, this.houses.claim(manifest, next)]);
      if (result.outcome === 'done') return 'saved';
      if (result.outcome === 'conflicted') {
        await this.table.backoff(round);
        continue;
      }
      if (result.failed.includes(0)) return 'changed-meanwhile';
      const found = (await this.houses.holders(manifest, [next.shipmentNumber])).get(next.shipmentNumber);
      if (!found) continue;
      if (found.live) return { shipmentNumber: next.shipmentNumber, holder: found.holder };
      if (await this.houses.takeOver(manifest, next, found, items)) return 'saved';
    }
    throw new Error(`The house claim of shipment ${next.shipmentNumber} did not settle`);
  }

  private replacement(previous: ShipmentRecord, next: ShipmentRecord, event: ShipmentEvent): TransactItems {
    return [
      {
        Put: {
          TableName: this.table.name,
          Item: shipmentItem(this.table, next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      },
      {
        Put: {
          TableName: this.table.name,
          Item: shipmentEventItem(this.table, next, event, `${event.type}-${next.version}`),
        },
      },
    ];
  }

  async replaceTransport(
    previous: ManifestRecord,
    next: ManifestRecord,
    event: ShipmentEvent,
    borderCheckAt: string,
  ): Promise<WriteOutcome> {
    const revision = previous.transportRevision ?? 0;
    const saved = await this.table.transact([
      {
        Update: {
          TableName: this.table.name,
          Key: keys.manifest(previous.partnerId, previous.manifestId),
          // The board follows the ETA (its sort key is the ETA).
          UpdateExpression: 'SET transport = :transport, transportRevision = :next, boardSk = :boardSk',
          ConditionExpression:
            revision === 0 ? 'attribute_not_exists(transportRevision)' : 'transportRevision = :revision',
          ExpressionAttributeValues: {
            ':transport': next.transport,
            ':boardSk': keys.boardEntry(next.partnerId, next.manifestId, next.transport.estimatedArrival)
              .boardSk,
            ':next': revision + 1,
            ...(revision === 0 ? {} : { ':revision': revision }),
          },
        },
      },
      {
        Put: {
          TableName: this.table.name,
          Item: manifestEventItem(this.table, next, 'TRANSPORT', event, `TRANSPORT-UPDATED-${revision + 1}`),
        },
      },
      { Put: { TableName: this.table.name, Item: borderMarker(this.table, next, borderCheckAt) } },
    ]);
    return saved ? 'saved' : 'changed-meanwhile';
  }
}
