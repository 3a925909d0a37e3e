/**
 * DynamoDB implementation of the ManifestRepository port (single-table design, see table-design.ts).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors.ts';
import type { ClaimOutcome, ManifestRepository, Page, ShipmentFilter } from '../../domain/ports.ts';
import {
  IdempotencyRecord,
  ManifestRecord,
  ShipmentEvent,
  ShipmentRecord,
  type ShipmentSummary,
} from '../../domain/records.ts';
import { ShipmentStatus } from '../../domain/shipment.ts';
import { isConditionFailure } from './conditions.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  DEADLINE_INDEX,
  DEADLINE_INDEX_SHARDS,
  dueRange,
  keys,
  MANIFEST_INDEX,
  MANIFEST_INDEX_SHARDS,
  manifestIndexPartition,
  TTL_ATTRIBUTE,
} from './table-design.ts';

export interface DynamoManifestRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Finished records expire this many days after the transport's ETA. */
  retentionDays: number;
  /** Back-off base for UnprocessedItems; tests set it low. */
  retryBaseMs?: number;
}

const BATCH_WRITE_LIMIT = 25;
/** The first border check: the VOEC reporting deadline, two hours before the border ETA. */
const borderCheckAt = (estimatedArrival: string) =>
  new Date(Date.parse(estimatedArrival) - 2 * 3_600_000).toISOString();
const BATCH_GET_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 8;

type Item = Record<string, unknown>;

export class DynamoManifestRepository implements ManifestRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retentionSeconds: number;
  private readonly retryBaseMs: number;

  constructor(options: DynamoManifestRepositoryOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.retentionSeconds = options.retentionDays * 86_400;
    this.retryBaseMs = options.retryBaseMs ?? 50;
  }

  private expiresAt(estimatedArrival: string): number {
    return Math.floor(new Date(estimatedArrival).getTime() / 1000) + this.retentionSeconds;
  }

  private manifestItem(manifest: ManifestRecord): Item {
    return {
      ...keys.manifest(manifest.partnerId, manifest.manifestId),
      kind: 'MANIFEST',
      ...manifest,
      [TTL_ATTRIBUTE]: this.expiresAt(manifest.transport.estimatedArrival),
    };
  }

  private borderMarker(
    manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'transport'>,
    dueAt: string,
  ): Item {
    return {
      ...keys.dueMarker(manifest.partnerId, manifest.manifestId, 'BORDER'),
      ...keys.deadline(dueAt, 'BORDER', manifest.manifestId),
      kind: 'DUE',
      dueKind: 'BORDER',
      partnerId: manifest.partnerId,
      manifestId: manifest.manifestId,
      [TTL_ATTRIBUTE]: this.expiresAt(manifest.transport.estimatedArrival),
    };
  }

  private fanoutMarker(
    record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId' | 'reference'>,
    dueAt: string,
  ): Item {
    return {
      ...keys.dueMarker(record.partnerId, record.manifestId, 'FANOUT'),
      ...keys.deadline(dueAt, 'FANOUT', record.manifestId),
      kind: 'DUE',
      dueKind: 'FANOUT',
      partnerId: record.partnerId,
      manifestId: record.manifestId,
      reference: record.reference,
    };
  }

  async claimReference(record: IdempotencyRecord, manifest: ManifestRecord): Promise<ClaimOutcome> {
    const idempotencyKey = keys.idempotency(record.partnerId, record.reference);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...idempotencyKey,
                  kind: 'IDEMPOTENCY',
                  ...record,
                  [TTL_ATTRIBUTE]: this.expiresAt(manifest.transport.estimatedArrival),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.manifestItem(manifest),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: this.fanoutMarker(record, record.leaseUntil) } },
          ],
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getIdempotency(record.partnerId, record.reference);
      if (!existing) throw error;
      return { claimed: false, existing };
    }
  }

  async getIdempotency(partnerId: string, reference: string): Promise<IdempotencyRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.idempotency(partnerId, reference),
        ConsistentRead: true,
      }),
    );
    return item ? IdempotencyRecord.parse(item) : undefined;
  }

  async takeOverLease(
    record: IdempotencyRecord,
    expectedLeaseUntil: string,
    leaseUntil: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
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
            { Put: { TableName: this.table, Item: this.fanoutMarker(record, leaseUntil) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async rescheduleStalledIntake(record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId'>, dueAt: string) {
    const due = keys.deadline(dueAt, 'FANOUT', record.manifestId);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
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

  async completeIntake(manifest: ManifestRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.idempotency(manifest.partnerId, manifest.reference),
              UpdateExpression: 'SET #state = :complete',
              ConditionExpression: 'manifestId = :manifestId',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':complete': 'COMPLETE', ':manifestId': manifest.manifestId },
            },
          },
          {
            Update: {
              TableName: this.table,
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
              TableName: this.table,
              Key: keys.dueMarker(manifest.partnerId, manifest.manifestId, 'FANOUT'),
            },
          },
          // The transit it travels under is known (and visible in the API) from now on.
          ...(manifest.transit
            ? [
                {
                  Update: {
                    TableName: this.table,
                    Key: {
                      pk: `PARTNER#${manifest.partnerId}#TRANSIT#${manifest.transit.mrn}`,
                      sk: 'TRANSIT',
                    },
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
          // From now on the border sweep watches this transport: first at ETA − 2 h.
          {
            Put: {
              TableName: this.table,
              Item: this.borderMarker(manifest, borderCheckAt(manifest.transport.estimatedArrival)),
            },
          },
        ],
      }),
    );
  }

  async getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.manifest(partnerId, manifestId),
        ConsistentRead: true,
      }),
    );
    return item ? ManifestRecord.parse(item) : undefined;
  }

  async setMixedTransit(manifest: ManifestRecord): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.manifest(manifest.partnerId, manifest.manifestId),
        UpdateExpression: 'SET mixedTransit = if_not_exists(mixedTransit, :mixed)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':mixed': manifest.mixedTransit },
      }),
    );
  }

  private shipmentItem(record: ShipmentRecord): Item {
    return {
      ...keys.shipment(record.partnerId, record.shipmentNumber, record.manifestId),
      ...keys.manifestIndex(record.manifestId, record.shipmentNumber),
      kind: 'SHIPMENT',
      ...record,
      flagCodes: record.flags.map((flag) => flag.code),
      [TTL_ATTRIBUTE]: this.expiresAt(record.estimatedArrival),
    };
  }

  async putShipments(shipments: ShipmentRecord[]): Promise<void> {
    for (let start = 0; start < shipments.length; start += BATCH_WRITE_LIMIT) {
      let requests = shipments
        .slice(start, start + BATCH_WRITE_LIMIT)
        .map((record) => ({ PutRequest: { Item: this.shipmentItem(record) } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) {
          throw new Error(
            `BatchWriteItem left ${requests.length} item(s) unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
          );
        }
        if (attempt > 1) await backoff(this.retryBaseMs, attempt);
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
  }

  async getShipments(
    partnerId: string,
    manifestId: string,
    shipmentNumbers: string[],
  ): Promise<ShipmentRecord[]> {
    const found: ShipmentRecord[] = [];
    const unique = [...new Set(shipmentNumbers)];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let pending: Item[] = unique
        .slice(start, start + BATCH_GET_LIMIT)
        .map((number) => keys.shipment(partnerId, number, manifestId));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed');
        if (attempt > 1) await backoff(this.retryBaseMs, attempt);
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.table] ?? []) found.push(ShipmentRecord.parse(item));
        pending = (result.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
      }
    }
    return found;
  }

  async getLatestShipment(partnerId: string, shipmentNumber: string) {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.shipmentPartition(partnerId, shipmentNumber) },
      ConsistentRead: true,
    });
    const shipments = items
      .filter((item) => item.kind === 'SHIPMENT')
      .map((item) => ShipmentRecord.parse(item));
    if (shipments.length === 0) return undefined;
    // Manifest ids are time-ordered: the latest manifest carrying this number wins.
    shipments.sort((a, b) => (a.manifestId < b.manifestId ? 1 : -1));
    const [shipment, ...others] = shipments as [ShipmentRecord, ...ShipmentRecord[]];
    const eventPrefix = `MANIFEST#${shipment.manifestId}#EVENT#`;
    // The transport's and master's events belong to every shipment on them.
    const manifestEvents = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: {
        ':pk': keys.manifest(partnerId, shipment.manifestId).pk,
        ':events': 'EVENT#',
      },
    });
    const events = [
      ...items.filter((item) => typeof item.sk === 'string' && item.sk.startsWith(eventPrefix)),
      ...manifestEvents,
    ].map((item) => ShipmentEvent.parse(item));
    return { shipment, events, otherManifestIds: others.map((other) => other.manifestId) };
  }

  async listShipments(
    partnerId: string,
    manifestId: string,
    options: { limit: number; cursor?: string; filter: ShipmentFilter },
  ): Promise<Page<ShipmentRecord>> {
    // The cursor walks the index shards in order: { shard, key } of where to go on.
    let position = options.cursor ? decodeCursor(options.cursor) : { shard: 0, key: undefined };
    const rows: Item[] = [];
    while (rows.length < options.limit && position.shard < MANIFEST_INDEX_SHARDS) {
      const { filterExpression, values, names } = filterOf(options.filter);
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: MANIFEST_INDEX.name,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': manifestIndexPartition(manifestId, position.shard), ...values },
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
    const records = await this.getShipments(
      partnerId,
      manifestId,
      rows.map((row) => String(row.shipmentNumber)),
    );
    const byNumber = new Map(records.map((record) => [record.shipmentNumber, record]));
    const items = rows.flatMap((row) => byNumber.get(String(row.shipmentNumber)) ?? []);
    const more = position.shard < MANIFEST_INDEX_SHARDS;
    return more ? { items, cursor: encodeCursor(position) } : { items };
  }

  async summarizeShipments(manifestId: string): Promise<ShipmentSummary[]> {
    const summaries: ShipmentSummary[] = [];
    for (let shard = 0; shard < MANIFEST_INDEX_SHARDS; shard++) {
      const items = await this.queryAll({
        TableName: this.table,
        IndexName: MANIFEST_INDEX.name,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': manifestIndexPartition(manifestId, shard) },
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

  async stalledIntakes(
    before: string,
    limit: number,
  ): Promise<Array<{ partnerId: string; reference: string }>> {
    const found: Array<{ partnerId: string; reference: string }> = [];
    for (let shard = 0; shard < DEADLINE_INDEX_SHARDS && found.length < limit; shard++) {
      const due = await this.queryAll({
        TableName: this.table,
        IndexName: DEADLINE_INDEX.name,
        KeyConditionExpression: 'duePk = :p AND dueSk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':p': `DUE#${shard}`,
          ':from': dueRange('FANOUT', before).from,
          ':to': dueRange('FANOUT', before).to,
        },
      });
      for (const row of due) {
        if (found.length >= limit) continue;
        const { Item: marker } = await this.client.send(
          new GetCommand({ TableName: this.table, Key: { pk: row.pk, sk: row.sk } }),
        );
        if (marker) found.push({ partnerId: String(marker.partnerId), reference: String(marker.reference) });
      }
    }
    return found;
  }

  async replaceShipment(previous: ShipmentRecord, next: ShipmentRecord, event: ShipmentEvent): Promise<void> {
    await this.conditionally(`Shipment ${previous.shipmentNumber}`, [
      {
        Put: {
          TableName: this.table,
          Item: this.shipmentItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.event(
              next.partnerId,
              next.shipmentNumber,
              next.manifestId,
              event.at,
              `${event.type}-${next.version}`,
            ),
            kind: 'EVENT',
            subject: 'HOUSE',
            ...event,
            [TTL_ATTRIBUTE]: this.expiresAt(next.estimatedArrival),
          },
        },
      },
    ]);
  }

  async replaceTransport(
    previous: ManifestRecord,
    next: ManifestRecord,
    event: ShipmentEvent,
  ): Promise<void> {
    const revision = previous.transportRevision ?? 0;
    const key = keys.manifest(previous.partnerId, previous.manifestId);
    await this.conditionally(`The transport of manifest ${previous.manifestId}`, [
      {
        Update: {
          TableName: this.table,
          Key: key,
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
          TableName: this.table,
          Item: {
            pk: key.pk,
            sk: `EVENT#${event.at}#TRANSPORT-UPDATED-${revision + 1}`,
            kind: 'EVENT',
            subject: 'TRANSPORT',
            ...event,
            [TTL_ATTRIBUTE]: this.expiresAt(next.transport.estimatedArrival),
          },
        },
      },
      // The deadlines follow the new ETA: the sweep looks again now (it clears or raises flags and
      // moves the marker on from there).
      { Put: { TableName: this.table, Item: this.borderMarker(next, event.at) } },
    ]);
  }

  /** A transaction whose failed condition means someone changed the item meanwhile: 409, retry. */
  private async conditionally(
    what: string,
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ) {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(
          `${what} changed while this request was processed; fetch it again and retry.`,
          {
            slug: 'concurrent-change',
            title: 'Changed meanwhile',
            retryAfterSeconds: 1,
          },
        );
      }
      throw error;
    }
  }

  private async queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
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

function backoff(baseMs: number, attempt: number): Promise<void> {
  const ceiling = Math.min(baseMs * 2 ** (attempt - 1), 5_000);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
