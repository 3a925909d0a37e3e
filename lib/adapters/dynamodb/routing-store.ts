/**
 * DynamoDB side of the routing poller: the house-waybill items (written with the ACCEPTED transition, read by
 * key when a signal names the waybill, never a scan), the shipment change one signal makes (one transaction:
 * the conditional shipment update, its timeline events, alert items and outbox notifications), and the
 * routing marker with its lease.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ShipmentRecord } from '../../domain/records.ts';
import type { RoutingSignal } from '../../domain/routing.ts';
import type {
  MarkerLease,
  RoutingChange,
  RoutingMarkerStore,
  RoutingStore,
} from '../../domain/routing-poller.ts';
import { alertWrites } from './border-store.ts';
import { isConditionFailure } from './conditions.ts';
import { outboxItem, shipmentEventItem } from './items.ts';
import { getShipments } from './reads.ts';
import type { Item, ReadCounter, Table } from './table.ts';
import { keys } from './table-design.ts';

/** The item that lets a routing signal find the house by its Digitoll waybill key. */
export function houseWaybillItem(
  table: Table,
  waybill: { type: string; number: string },
  shipment: Pick<ShipmentRecord, 'partnerId' | 'manifestId' | 'shipmentNumber' | 'estimatedArrival'>,
): Item {
  return {
    ...keys.houseWaybill(waybill, shipment.partnerId, shipment.manifestId),
    kind: 'HOUSE_WAYBILL',
    partnerId: shipment.partnerId,
    manifestId: shipment.manifestId,
    shipmentNumber: shipment.shipmentNumber,
    ...table.ttl(shipment.estimatedArrival),
  };
}

export class DynamoRoutingStore implements RoutingStore {
  /** Requests and items read, for the cost benchmark. */
  readonly counters: ReadCounter & { requests: number } = { itemsRead: 0, requests: 0 };

  constructor(private readonly table: Table) {}

  async shipmentsByWaybill(waybill: RoutingSignal['waybill']): Promise<ShipmentRecord[]> {
    const rows = await this.table.queryPrefix(keys.houseWaybills(waybill), this.counters);
    this.counters.requests++;
    const records: ShipmentRecord[] = [];
    for (const row of rows) {
      const found = await getShipments(this.table, String(row.partnerId), String(row.manifestId), [
        String(row.shipmentNumber),
      ]);
      this.counters.requests++;
      this.counters.itemsRead += found.length;
      records.push(...found);
    }
    return records;
  }

  async shipment(shipment: ShipmentRecord): Promise<ShipmentRecord | undefined> {
    const [record] = await getShipments(this.table, shipment.partnerId, shipment.manifestId, [
      shipment.shipmentNumber,
    ]);
    this.counters.requests++;
    this.counters.itemsRead++;
    return record;
  }

  applyRouting(shipment: ShipmentRecord, change: RoutingChange): Promise<boolean> {
    this.counters.requests++;
    const ttl = this.table.ttl(shipment.estimatedArrival);
    return this.table.transact([
      {
        Update: {
          TableName: this.table.name,
          Key: keys.shipment(shipment.partnerId, shipment.shipmentNumber, shipment.manifestId),
          UpdateExpression:
            'SET #status = :status, flags = :flags, flagCodes = :codes, border = :border, version = version + :one, updatedAt = :now',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': change.status,
            ':flags': change.flags,
            ':codes': change.flags.map((f) => f.code),
            ':border': change.border,
            ':one': 1,
            ':now': change.events[0]?.at ?? change.border.at,
            ':version': shipment.version,
          },
        },
      },
      ...change.events.map((event, index) => ({
        Put: {
          TableName: this.table.name,
          // One id per signal and position: a signal applied again writes the same items.
          Item: shipmentEventItem(this.table, shipment, event, `ROUTING-${change.signalId}-${index}`),
        },
      })),
      ...alertWrites(this.table, shipment, change.flags),
      ...change.notifications.map((note) => ({
        Put: { TableName: this.table.name, Item: outboxItem(note, ttl) },
      })),
    ]);
  }
}

/** The routing marker: `marker` (last signal id saved), `version`, and the lease (`leaseOwner`, `leaseUntil`). */
export class DynamoRoutingMarkers implements RoutingMarkerStore {
  readonly counters = { requests: 0 };

  constructor(private readonly table: Table) {}

  async acquire(owner: string, now: string, leaseUntil: string): Promise<MarkerLease | undefined> {
    this.counters.requests++;
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.routingMarker(),
          UpdateExpression:
            'SET leaseOwner = :owner, leaseUntil = :until, version = if_not_exists(version, :zero), #kind = :kind',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': leaseUntil,
            ':now': now,
            ':zero': 0,
            ':kind': 'ROUTING_MARKER',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        marker: typeof Attributes?.marker === 'string' ? Attributes.marker : undefined,
        version: Number(Attributes?.version ?? 0),
      };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async advance(owner: string, lease: MarkerLease, marker: string, leaseUntil: string): Promise<boolean> {
    this.counters.requests++;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.routingMarker(),
          UpdateExpression: 'SET marker = :marker, version = :next, leaseUntil = :until',
          ConditionExpression: 'version = :version AND leaseOwner = :owner',
          ExpressionAttributeValues: {
            ':marker': marker,
            ':next': lease.version + 1,
            ':version': lease.version,
            ':owner': owner,
            ':until': leaseUntil,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(owner: string, lease: MarkerLease): Promise<void> {
    this.counters.requests++;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.routingMarker(),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'version = :version AND leaseOwner = :owner',
          ExpressionAttributeValues: { ':version': lease.version, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The saved marker (for tests and operators). */
  async current(): Promise<{ marker?: string; version: number; leaseUntil?: string } | undefined> {
    const item = await this.table.get(keys.routingMarker());
    if (!item) return undefined;
    return {
      ...(typeof item.marker === 'string' ? { marker: item.marker } : {}),
      version: Number(item.version ?? 0),
      ...(typeof item.leaseUntil === 'string' ? { leaseUntil: item.leaseUntil } : {}),
    };
  }
}
