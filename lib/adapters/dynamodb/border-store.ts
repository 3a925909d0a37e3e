/**
 * DynamoDB side of the border sweep and of its read API (alerts, TVINN drafts, transits).
 *
 * Items (pk / sk):
 *   TVINN draft     PARTNER#<p>#MANIFEST#<m>    / TVINN#<draftId>
 *   transit         PARTNER#<p>#TRANSIT#<mrn>   / TRANSIT
 *   alert           PARTNER#<p>#ALERTS          / ALERT#<m>#<shipment>#<flag>   (one per open border flag)
 *   notification    PARTNER#<p>#OUTBOX          / NOTE#<id>   (in the deadline index until delivered to the queue)
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  BorderCheck,
  PartnerNotification,
  SweepStore,
  TransitRecord,
} from '../../domain/border-sweep.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../domain/records.ts';
import type { Flag } from '../../domain/shipment.ts';
import { TvinnDeclarationDraft } from '../../domain/tvinn.ts';
import { isConditionFailure } from './conditions.ts';
import type { DynamoManifestRepository } from './manifest-repository.ts';
import {
  DEADLINE_INDEX,
  DEADLINE_INDEX_SHARDS,
  type DueKind,
  dueRange,
  keys,
  outboxItem,
  TTL_ATTRIBUTE,
} from './table-design.ts';

type Item = Record<string, unknown>;
type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

export interface AlertRow {
  partnerId: string;
  manifestId: string;
  shipmentNumber: string;
  flag: string;
  raisedAt: string;
  detail: string;
}

export interface BorderCheckCounters {
  /** Items read from the table and its indexes, for the cost benchmark. */
  itemsRead: number;
}

export class DynamoBorderStore implements SweepStore {
  readonly counters: BorderCheckCounters = { itemsRead: 0 };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly repository: DynamoManifestRepository,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(estimatedArrival: string): number {
    return Math.floor(Date.parse(estimatedArrival) / 1000) + this.retentionDays * 86_400;
  }

  async dueBorderChecks(now: string, limit: number): Promise<BorderCheck[]> {
    return (await this.dueMarkers('BORDER', now, limit)).map((row) => {
      const [, partnerId = '', , manifestId = ''] = String(row.pk).split('#');
      return { partnerId, manifestId, dueSk: String(row.dueSk) };
    });
  }

  /** Due items of one kind from the sparse deadline index, shard by shard: only that kind is read. */
  async dueMarkers(kind: DueKind, now: string, limit: number): Promise<Item[]> {
    const range = dueRange(kind, now);
    const found: Item[] = [];
    for (let shard = 0; shard < DEADLINE_INDEX_SHARDS && found.length < limit; shard++) {
      let startKey: Item | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: DEADLINE_INDEX.name,
            KeyConditionExpression: 'duePk = :p AND dueSk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':p': `DUE#${shard}`, ':from': range.from, ':to': range.to },
            Limit: limit - found.length,
            ExclusiveStartKey: startKey,
          }),
        );
        this.counters.itemsRead += page.Items?.length ?? 0;
        found.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
    }
    return found.slice(0, limit);
  }

  async manifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    this.counters.itemsRead++;
    return this.repository.getManifest(partnerId, manifestId);
  }

  async shipments(partnerId: string, manifestId: string): Promise<ShipmentRecord[]> {
    const rows = await this.repository.summarizeShipments(manifestId);
    const records = await this.repository.getShipments(
      partnerId,
      manifestId,
      rows.map((row) => row.shipmentNumber),
    );
    this.counters.itemsRead += rows.length + records.length;
    return records;
  }

  async shipment(
    partnerId: string,
    manifestId: string,
    shipmentNumber: string,
  ): Promise<ShipmentRecord | undefined> {
    const [record] = await this.repository.getShipments(partnerId, manifestId, [shipmentNumber]);
    this.counters.itemsRead++;
    return record;
  }

  async updateFlags(
    shipment: ShipmentRecord,
    flags: Flag[],
    events: ShipmentEvent[],
    notifications: PartnerNotification[],
  ): Promise<boolean> {
    const before = new Set(shipment.flags.map((f) => f.code));
    const after = new Set(flags.map((f) => f.code));
    const alertPk = `PARTNER#${shipment.partnerId}#ALERTS`;
    const alertSk = (flag: string) => `ALERT#${shipment.manifestId}#${shipment.shipmentNumber}#${flag}`;
    const expiresAt = this.expiresAt(shipment.estimatedArrival);
    const items: TransactItems = [
      {
        Update: {
          TableName: this.table,
          Key: keys.shipment(shipment.partnerId, shipment.shipmentNumber, shipment.manifestId),
          UpdateExpression:
            'SET flags = :flags, flagCodes = :codes, version = version + :one, updatedAt = :now',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: {
            ':flags': flags,
            ':codes': flags.map((f) => f.code),
            ':one': 1,
            ':now': events[0]?.at ?? new Date().toISOString(),
            ':version': shipment.version,
          },
        },
      },
      ...events.map((event, index) => ({
        Put: {
          TableName: this.table,
          Item: {
            ...keys.event(
              shipment.partnerId,
              shipment.shipmentNumber,
              shipment.manifestId,
              event.at,
              `${event.type}-${shipment.version + 1}-${index}`,
            ),
            kind: 'EVENT',
            subject: 'HOUSE',
            ...event,
            [TTL_ATTRIBUTE]: expiresAt,
          },
        },
      })),
      ...flags
        .filter(
          (flag) =>
            !before.has(flag.code) &&
            (flag.code === 'NOTIFICATION_MISSING' || flag.code === 'DECLARE_IN_TVINN'),
        )
        .map((flag) => ({
          Put: {
            TableName: this.table,
            Item: {
              pk: alertPk,
              sk: alertSk(flag.code),
              kind: 'ALERT',
              partnerId: shipment.partnerId,
              manifestId: shipment.manifestId,
              shipmentNumber: shipment.shipmentNumber,
              flag: flag.code,
              raisedAt: flag.raisedAt,
              detail: flag.detail ?? flag.code,
              [TTL_ATTRIBUTE]: expiresAt,
            },
          },
        })),
      ...[...before]
        .filter((code) => !after.has(code))
        .map((code) => ({ Delete: { TableName: this.table, Key: { pk: alertPk, sk: alertSk(code) } } })),
      ...notifications.map((note) => ({
        Put: { TableName: this.table, Item: outboxItem(note, expiresAt) },
      })),
    ];
    return this.transact(items);
  }

  async saveTvinnDrafts(manifest: ManifestRecord, drafts: TvinnDeclarationDraft[]): Promise<void> {
    const pk = keys.manifest(manifest.partnerId, manifest.manifestId).pk;
    const existing = await this.tvinnDrafts(manifest.partnerId, manifest.manifestId);
    const byId = new Map(existing.map((draft) => [draft.draftId, draft]));
    const same = (a: TvinnDeclarationDraft, b: TvinnDeclarationDraft) =>
      JSON.stringify({ ...a, preparedAt: '' }) === JSON.stringify({ ...b, preparedAt: '' });
    const puts = drafts
      .filter((draft) => {
        const old = byId.get(draft.draftId);
        return !old || !same(old, draft);
      })
      .map((draft) => ({
        PutRequest: {
          Item: {
            pk,
            sk: `TVINN#${draft.draftId}`,
            kind: 'TVINN_DRAFT',
            draft,
            [TTL_ATTRIBUTE]: this.expiresAt(manifest.transport.estimatedArrival),
          },
        },
      }));
    const wanted = new Set(drafts.map((d) => d.draftId));
    const deletes = existing
      .filter((draft) => !wanted.has(draft.draftId))
      .map((draft) => ({ DeleteRequest: { Key: { pk, sk: `TVINN#${draft.draftId}` } } }));
    const requests = [...puts, ...deletes];
    for (let start = 0; start < requests.length; start += 25) {
      let batch: Item[] = requests.slice(start, start + 25);
      for (let attempt = 0; batch.length > 0 && attempt < 8; attempt++) {
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: batch as never } }),
        );
        batch = (result.UnprocessedItems?.[this.table] ?? []) as Item[];
        if (batch.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
      if (batch.length > 0) throw new Error('TVINN drafts: BatchWriteItem left items unprocessed');
    }
  }

  async tvinnDrafts(partnerId: string, manifestId: string): Promise<TvinnDeclarationDraft[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.manifest(partnerId, manifestId).pk, ':prefix': 'TVINN#' },
    });
    return items.map((item) => TvinnDeclarationDraft.parse(item.draft));
  }

  async transit(partnerId: string, mrn: string): Promise<TransitRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: transitKey(partnerId, mrn), ConsistentRead: true }),
    );
    this.counters.itemsRead++;
    return item ? transitFromItem(item) : undefined;
  }

  async saveTransit(
    record: TransitRecord,
    expectedVersion: number | undefined,
    note?: PartnerNotification,
  ): Promise<boolean> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.retentionDays * 86_400;
    return this.transact([
      {
        Put: {
          TableName: this.table,
          Item: {
            ...transitKey(record.partnerId, record.mrn),
            kind: 'TRANSIT',
            version: record.version,
            record,
            [TTL_ATTRIBUTE]: expiresAt,
          },
          // A transit item exists from intake (OPEN, no version yet) or not at all.
          ConditionExpression:
            expectedVersion === undefined
              ? 'attribute_not_exists(pk)'
              : expectedVersion === 0
                ? 'attribute_not_exists(version) OR version = :version'
                : 'version = :version',
          ...(expectedVersion === undefined
            ? {}
            : { ExpressionAttributeValues: { ':version': expectedVersion } }),
        },
      },
      ...(note ? [{ Put: { TableName: this.table, Item: outboxItem(note, expiresAt) } }] : []),
    ]);
  }

  async advanceBorderCheck(check: BorderCheck, nextDueAt: string | undefined): Promise<void> {
    const key = keys.dueMarker(check.partnerId, check.manifestId, 'BORDER');
    try {
      if (nextDueAt === undefined) {
        await this.client.send(
          new DeleteCommand({
            TableName: this.table,
            Key: key,
            ConditionExpression: 'dueSk = :old',
            ExpressionAttributeValues: { ':old': check.dueSk },
          }),
        );
      } else {
        const due = keys.deadline(nextDueAt, 'BORDER', check.manifestId);
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'SET duePk = :pk, dueSk = :sk',
            ConditionExpression: 'dueSk = :old',
            ExpressionAttributeValues: { ':pk': due.duePk, ':sk': due.dueSk, ':old': check.dueSk },
          }),
        );
      }
    } catch (error) {
      // Another run (or an ETA change) moved it: theirs is the newer truth.
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Open border flags of a partner, with the manifests' current ETAs. */
  async alerts(partnerId: string): Promise<Array<AlertRow & { estimatedArrival: string }>> {
    const rows = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}#ALERTS`, ':prefix': 'ALERT#' },
    });
    const manifestIds = [...new Set(rows.map((row) => String(row.manifestId)))];
    const etas = new Map<string, string>();
    for (let start = 0; start < manifestIds.length; start += 100) {
      const result = await this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.table]: {
              Keys: manifestIds.slice(start, start + 100).map((id) => keys.manifest(partnerId, id)),
              ProjectionExpression: 'manifestId, transport',
            },
          },
        }),
      );
      for (const item of result.Responses?.[this.table] ?? []) {
        const transport = item.transport as { estimatedArrival?: string } | undefined;
        if (transport?.estimatedArrival) etas.set(String(item.manifestId), transport.estimatedArrival);
      }
    }
    return rows.map((row) => ({
      partnerId,
      manifestId: String(row.manifestId),
      shipmentNumber: String(row.shipmentNumber),
      flag: String(row.flag),
      raisedAt: String(row.raisedAt),
      detail: String(row.detail),
      estimatedArrival: etas.get(String(row.manifestId)) ?? '',
    }));
  }

  private async transact(items: TransactItems): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    this.counters.itemsRead += items.length;
    return items;
  }
}

/**
 * A transit item is created OPEN at intake (with the manifest ids as a set, added to by each
 * manifest naming it) and gets its `record` when the sweep decides the closure.
 */
export function transitFromItem(item: Item): TransitRecord {
  const manifestIds = item.manifestIds instanceof Set ? [...item.manifestIds].map(String) : [];
  if (item.record) {
    const record = item.record as TransitRecord;
    return {
      ...record,
      manifestIds: [...new Set([...record.manifestIds, ...manifestIds])],
      version: Number(item.version ?? record.version),
    };
  }
  const openedAt = String(item.openedAt ?? '');
  return {
    partnerId: String(item.partnerId),
    mrn: String(item.mrn),
    manifestIds,
    state: 'OPEN',
    reason: 'The transport has not reached the border yet; the closure is decided once its ETA has passed.',
    history: [{ at: openedAt, state: 'OPEN', detail: 'Transit named by a manifest' }],
    decidedAt: openedAt,
    version: Number(item.version ?? 0),
  };
}

export function transitKey(partnerId: string, mrn: string) {
  return { pk: `PARTNER#${partnerId}#TRANSIT#${mrn}`, sk: 'TRANSIT' };
}
