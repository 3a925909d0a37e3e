/**
 * DynamoDB side of intake: claiming the reference, storing shipments, completing the intake (and,
 * for the schedule, finding and completing intakes that stopped part-way).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../domain/ids.ts';
import type { ClaimOutcome, IntakeStore } from '../../domain/intake.ts';
import { claimsHouse, type HeldElsewhere } from '../../domain/one-house.ts';
import type { Clock } from '../../domain/ports.ts';
import type { IdempotencyRecord, ManifestRecord, ShipmentRecord } from '../../domain/records.ts';
import type { StalledIntakeStore } from '../../domain/stalled-intakes.ts';
import { isConditionFailure } from './conditions.ts';
import { HouseClaims } from './house-claims.ts';
import { borderMarker, fanoutMarker, manifestDirectoryItem, manifestItem, shipmentItem } from './items.ts';
import { getIdempotency, getManifest, getShipments, summarizeShipments } from './reads.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

export class DynamoIntakeStore implements IntakeStore, StalledIntakeStore {
  private readonly houses: HouseClaims;

  /** `clock` dates the house claims (their lease, lib/domain/one-house.ts). */
  constructor(
    private readonly table: Table,
    clock: Clock = systemClock,
  ) {
    this.houses = new HouseClaims(table, clock);
  }

  async claimReference(record: IdempotencyRecord, manifest: ManifestRecord): Promise<ClaimOutcome> {
    const claimed = await this.table.transact([
      {
        Put: {
          TableName: this.table.name,
          Item: {
            ...keys.idempotency(record.partnerId, record.reference),
            kind: 'IDEMPOTENCY',
            ...record,
            ...this.table.ttl(manifest.transport.estimatedArrival),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table.name,
          Item: manifestItem(this.table, manifest),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.table.name, Item: fanoutMarker(record, record.leaseUntil) } },
      { Put: { TableName: this.table.name, Item: manifestDirectoryItem(this.table, manifest) } },
    ]);
    if (claimed) return { claimed: true };
    const existing = await this.getIdempotency(record.partnerId, record.reference);
    if (!existing) throw new Error(`Reference ${record.reference}: claim refused, but no claim is stored`);
    return { claimed: false, existing };
  }

  getIdempotency(partnerId: string, reference: string): Promise<IdempotencyRecord | undefined> {
    return getIdempotency(this.table, partnerId, reference);
  }

  takeOverLease(record: IdempotencyRecord, expectedLeaseUntil: string, leaseUntil: string): Promise<boolean> {
    return this.table.transact([
      {
        Update: {
          TableName: this.table.name,
          Key: keys.idempotency(record.partnerId, record.reference),
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: '#state = :inProgress AND leaseUntil = :expected',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':expected': expectedLeaseUntil,
            ':inProgress': 'IN_PROGRESS',
          },
        },
      },
      { Put: { TableName: this.table.name, Item: fanoutMarker(record, leaseUntil) } },
    ]);
  }

  async rescheduleStalledIntake(record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId'>, dueAt: string) {
    const due = keys.deadline(dueAt, 'FANOUT', record.manifestId);
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.dueMarker(record.partnerId, record.manifestId, 'FANOUT'),
          UpdateExpression: 'SET duePk = :duePk, dueSk = :dueSk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':duePk': due.duePk, ':dueSk': due.dueSk },
        }),
      );
    } catch (error) {
      // The intake completed meanwhile and its marker is gone: nothing to reschedule.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async releaseLease(partnerId: string, reference: string, at: string): Promise<void> {
    const record = await this.getIdempotency(partnerId, reference);
    if (record?.state !== 'IN_PROGRESS') return;
    await this.takeOverLease(record, record.leaseUntil, at);
  }

  async completeIntake(
    manifest: ManifestRecord,
    firstBorderCheckAt: string,
    options: { answerFromStore?: boolean } = {},
  ): Promise<void> {
    await this.table.transactOrThrow([
      {
        Update: {
          TableName: this.table.name,
          Key: keys.idempotency(manifest.partnerId, manifest.reference),
          UpdateExpression: options.answerFromStore
            ? 'SET #state = :complete, answerFromStore = :true'
            : 'SET #state = :complete',
          ConditionExpression: 'manifestId = :manifestId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':complete': 'COMPLETE',
            ':manifestId': manifest.manifestId,
            ...(options.answerFromStore ? { ':true': true } : {}),
          },
        },
      },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.manifest(manifest.partnerId, manifest.manifestId),
          UpdateExpression: manifest.mixedTransit
            ? 'SET intake = :complete, mixedTransit = :mixed'
            : 'SET intake = :complete',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':complete': 'COMPLETE',
            ...(manifest.mixedTransit ? { ':mixed': manifest.mixedTransit } : {}),
          },
        },
      },
      {
        Delete: {
          TableName: this.table.name,
          Key: keys.dueMarker(manifest.partnerId, manifest.manifestId, 'FANOUT'),
        },
      },
      // The transit it travels under is known (and visible in the API) from now on.
      ...(manifest.transit
        ? [
            {
              Update: {
                TableName: this.table.name,
                Key: keys.transit(manifest.partnerId, manifest.transit.mrn),
                UpdateExpression:
                  'ADD manifestIds :ids SET kind = :kind, partnerId = :partner, mrn = :mrn, openedAt = if_not_exists(openedAt, :now)',
                ExpressionAttributeValues: {
                  ':ids': new Set([manifest.manifestId]),
                  ':kind': 'TRANSIT',
                  ':partner': manifest.partnerId,
                  ':mrn': manifest.transit.mrn,
                  ':now': manifest.receivedAt,
                },
              },
            },
          ]
        : []),
      { Put: { TableName: this.table.name, Item: borderMarker(this.table, manifest, firstBorderCheckAt) } },
    ]);
  }

  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    return getManifest(this.table, partnerId, manifestId);
  }

  async setMixedTransit(manifest: ManifestRecord): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.manifest(manifest.partnerId, manifest.manifestId),
        UpdateExpression: 'SET mixedTransit = if_not_exists(mixedTransit, :mixed)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':mixed': manifest.mixedTransit },
      }),
    );
  }

  putShipments(shipments: ShipmentRecord[]): Promise<void> {
    return this.table.batchWrite(
      shipments.map((record) => ({ PutRequest: { Item: shipmentItem(this.table, record) } })),
    );
  }

  async storeShipments(manifest: ManifestRecord, shipments: ShipmentRecord[]): Promise<HeldElsewhere[]> {
    await this.putShipments(shipments.filter((record) => !claimsHouse(record)));
    return this.houses.storeClaiming(manifest, shipments.filter(claimsHouse));
  }

  heldElsewhere(manifest: ManifestRecord, shipmentNumbers: string[]): Promise<HeldElsewhere[]> {
    return this.houses.heldElsewhere(manifest, shipmentNumbers);
  }

  getShipments(partnerId: string, manifestId: string, shipmentNumbers: string[]): Promise<ShipmentRecord[]> {
    return getShipments(this.table, partnerId, manifestId, shipmentNumbers);
  }

  summarizeShipments(manifestId: string) {
    return summarizeShipments(this.table, manifestId);
  }

  async stalledIntakes(
    before: string,
    limit: number,
  ): Promise<Array<{ partnerId: string; reference: string }>> {
    const found: Array<{ partnerId: string; reference: string }> = [];
    for (const row of await this.table.dueMarkers('FANOUT', before, limit)) {
      // The deadline index holds keys only: the marker itself names the reference.
      const marker = await this.table.get({ pk: row.pk, sk: row.sk }, { consistent: false });
      if (marker) found.push({ partnerId: String(marker.partnerId), reference: String(marker.reference) });
    }
    return found;
  }
}
