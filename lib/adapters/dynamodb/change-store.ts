/**
 * DynamoDB side of changes before the border: shipment replacements (amend, withdraw) and
 * transport updates, each conditional on what was read and written with its timeline event.
 */
import type { ChangeStore, WriteOutcome } from '../../domain/amend.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../domain/records.ts';
import { borderMarker, manifestEventItem, shipmentEventItem, shipmentItem } from './items.ts';
import { getManifest, shipmentPartition } from './reads.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

export class DynamoChangeStore implements ChangeStore {
  constructor(private readonly table: Table) {}

  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    return getManifest(this.table, partnerId, manifestId);
  }

  async latestShipment(partnerId: string, shipmentNumber: string): Promise<ShipmentRecord | undefined> {
    return (await shipmentPartition(this.table, partnerId, shipmentNumber)).shipments[0];
  }

  async replaceShipment(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
  ): Promise<WriteOutcome> {
    const saved = await this.table.transact([
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
    ]);
    return saved ? 'saved' : 'changed-meanwhile';
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
          UpdateExpression: 'SET transport = :transport, transportRevision = :next',
          ConditionExpression:
            revision === 0 ? 'attribute_not_exists(transportRevision)' : 'transportRevision = :revision',
          ExpressionAttributeValues: {
            ':transport': next.transport,
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
