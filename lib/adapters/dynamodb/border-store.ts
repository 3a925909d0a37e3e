/**
 * DynamoDB side of the border sweep (flags, TVINN drafts, transits, deadline markers) and of its
 * read API (alerts, TVINN drafts, transits).
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRow, BorderReads } from '../../domain/border-queries.ts';
import type { BorderCheck, SweepStore } from '../../domain/border-sweep.ts';
import { TransitRecord } from '../../domain/ncts.ts';
import type { PartnerNotification } from '../../domain/notifications.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../domain/records.ts';
import type { Flag } from '../../domain/shipment.ts';
import { TvinnDeclarationDraft } from '../../domain/tvinn.ts';
import { isConditionFailure } from './conditions.ts';
import { outboxItem, shipmentEventItem } from './items.ts';
import { getManifest, getShipments, summarizeShipments } from './reads.ts';
import type { Item, ReadCounter, Table, TransactItems } from './table.ts';
import { keys } from './table-design.ts';

/** The flags that have an alert item while they are open (the border sweep's and Customs' routing). */
const ALERT_FLAGS = new Set([
  'NOTIFICATION_MISSING',
  'DECLARE_IN_TVINN',
  'CONTROL_ORDERED',
  'ENTRY_PENDING',
  'ENTRY_DENIED',
]);

/** The alert items to write and delete when a shipment's flags become `flags` (in its transaction). */
export function alertWrites(table: Table, shipment: ShipmentRecord, flags: Flag[]): TransactItems {
  const before = new Set(shipment.flags.map((f) => f.code));
  const after = new Map(flags.map((f) => [f.code, f]));
  const alertKey = (flag: string) =>
    keys.alert(shipment.partnerId, shipment.manifestId, shipment.shipmentNumber, flag);
  const ttl = table.ttl(shipment.estimatedArrival);
  const changed = (flag: Flag) =>
    !before.has(flag.code) || shipment.flags.find((f) => f.code === flag.code)?.detail !== flag.detail;
  return [
    ...[...after.values()]
      .filter((flag) => ALERT_FLAGS.has(flag.code) && changed(flag))
      .map((flag) => ({
        Put: {
          TableName: table.name,
          Item: {
            ...alertKey(flag.code),
            kind: 'ALERT',
            partnerId: shipment.partnerId,
            manifestId: shipment.manifestId,
            shipmentNumber: shipment.shipmentNumber,
            flag: flag.code,
            raisedAt: flag.raisedAt,
            detail: flag.detail ?? flag.code,
            ...ttl,
          },
        },
      })),
    ...[...before]
      .filter((code) => !after.has(code) && ALERT_FLAGS.has(code))
      .map((code) => ({ Delete: { TableName: table.name, Key: alertKey(code) } })),
  ];
}

export class DynamoBorderStore implements SweepStore {
  /** Items read from the table and its indexes, for the cost benchmark. */
  readonly counters: ReadCounter = { itemsRead: 0 };

  constructor(private readonly table: Table) {}

  async dueBorderChecks(now: string, limit: number): Promise<BorderCheck[]> {
    return (await this.table.dueMarkers('BORDER', now, limit, this.counters)).map((row) => ({
      ...keys.manifestOf(row.pk),
      dueSk: String(row.dueSk),
    }));
  }

  async manifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined> {
    this.counters.itemsRead++;
    return getManifest(this.table, partnerId, manifestId);
  }

  async shipments(partnerId: string, manifestId: string): Promise<ShipmentRecord[]> {
    const rows = await summarizeShipments(this.table, manifestId);
    const records = await getShipments(
      this.table,
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
    const [record] = await getShipments(this.table, partnerId, manifestId, [shipmentNumber]);
    this.counters.itemsRead++;
    return record;
  }

  async updateFlags(
    shipment: ShipmentRecord,
    flags: Flag[],
    events: ShipmentEvent[],
    notifications: PartnerNotification[],
  ): Promise<boolean> {
    const ttl = this.table.ttl(shipment.estimatedArrival);
    const items: TransactItems = [
      {
        Update: {
          TableName: this.table.name,
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
          TableName: this.table.name,
          Item: shipmentEventItem(
            this.table,
            shipment,
            event,
            `${event.type}-${shipment.version + 1}-${index}`,
          ),
        },
      })),
      ...alertWrites(this.table, shipment, flags),
      ...notifications.map((note) => ({ Put: { TableName: this.table.name, Item: outboxItem(note, ttl) } })),
    ];
    return this.table.transact(items);
  }

  async saveTvinnDrafts(manifest: ManifestRecord, drafts: TvinnDeclarationDraft[]): Promise<void> {
    const existing = await tvinnDrafts(this.table, manifest.partnerId, manifest.manifestId, this.counters);
    const byId = new Map(existing.map((draft) => [draft.draftId, draft]));
    const same = (a: TvinnDeclarationDraft, b: TvinnDeclarationDraft) =>
      JSON.stringify({ ...a, preparedAt: '' }) === JSON.stringify({ ...b, preparedAt: '' });
    const key = (draftId: string) => keys.tvinnDraft(manifest.partnerId, manifest.manifestId, draftId);
    const puts = drafts
      .filter((draft) => {
        const old = byId.get(draft.draftId);
        return !old || !same(old, draft);
      })
      .map((draft) => ({
        PutRequest: {
          Item: {
            ...key(draft.draftId),
            kind: 'TVINN_DRAFT',
            draft,
            ...this.table.ttl(manifest.transport.estimatedArrival),
          },
        },
      }));
    const wanted = new Set(drafts.map((d) => d.draftId));
    const deletes = existing
      .filter((draft) => !wanted.has(draft.draftId))
      .map((draft) => ({ DeleteRequest: { Key: key(draft.draftId) } }));
    await this.table.batchWrite([...puts, ...deletes]);
  }

  transit(partnerId: string, mrn: string): Promise<TransitRecord | undefined> {
    this.counters.itemsRead++;
    return transit(this.table, partnerId, mrn);
  }

  saveTransit(
    record: TransitRecord,
    expectedVersion: number | undefined,
    note?: PartnerNotification,
  ): Promise<boolean> {
    // A transit can carry several manifests: its record expires the retention after its decision.
    const ttl = this.table.ttl(record.decidedAt);
    return this.table.transact([
      {
        Put: {
          TableName: this.table.name,
          Item: {
            ...keys.transit(record.partnerId, record.mrn),
            kind: 'TRANSIT',
            version: record.version,
            record,
            ...ttl,
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
      ...(note ? [{ Put: { TableName: this.table.name, Item: outboxItem(note, ttl) } }] : []),
    ]);
  }

  async advanceBorderCheck(check: BorderCheck, nextDueAt: string | undefined): Promise<void> {
    const key = keys.dueMarker(check.partnerId, check.manifestId, 'BORDER');
    try {
      if (nextDueAt === undefined) {
        await this.table.client.send(
          new DeleteCommand({
            TableName: this.table.name,
            Key: key,
            ConditionExpression: 'dueSk = :old',
            ExpressionAttributeValues: { ':old': check.dueSk },
          }),
        );
      } else {
        const due = keys.deadline(nextDueAt, 'BORDER', check.manifestId);
        await this.table.client.send(
          new UpdateCommand({
            TableName: this.table.name,
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
}

export class DynamoBorderReads implements BorderReads {
  constructor(private readonly table: Table) {}

  /** Open border flags of a partner, with the manifests' current ETAs. */
  async alerts(partnerId: string): Promise<AlertRow[]> {
    const rows = await this.table.queryPrefix(keys.alerts(partnerId));
    const manifestIds = [...new Set(rows.map((row) => String(row.manifestId)))];
    const etas = new Map<string, string>();
    const manifests = await this.table.batchGet(
      manifestIds.map((id) => keys.manifest(partnerId, id)),
      { projection: 'manifestId, transport' },
    );
    for (const item of manifests) {
      const transport = item.transport as { estimatedArrival?: string } | undefined;
      if (transport?.estimatedArrival) etas.set(String(item.manifestId), transport.estimatedArrival);
    }
    return rows.map((row) => ({
      manifestId: String(row.manifestId),
      shipmentNumber: String(row.shipmentNumber),
      flag: String(row.flag),
      raisedAt: String(row.raisedAt),
      detail: String(row.detail),
      estimatedArrival: etas.get(String(row.manifestId)) ?? '',
    }));
  }

  tvinnDrafts(partnerId: string, manifestId: string): Promise<TvinnDeclarationDraft[]> {
    return tvinnDrafts(this.table, partnerId, manifestId);
  }

  transit(partnerId: string, mrn: string): Promise<TransitRecord | undefined> {
    return transit(this.table, partnerId, mrn);
  }
}

async function tvinnDrafts(
  table: Table,
  partnerId: string,
  manifestId: string,
  counter?: ReadCounter,
): Promise<TvinnDeclarationDraft[]> {
  const items = await table.queryPrefix(keys.tvinnDrafts(partnerId, manifestId), counter);
  return items.map((item) => TvinnDeclarationDraft.parse(item.draft));
}

async function transit(table: Table, partnerId: string, mrn: string): Promise<TransitRecord | undefined> {
  const item = await table.get(keys.transit(partnerId, mrn));
  return item ? transitFromItem(item) : undefined;
}

/**
 * A transit item is created OPEN at intake (with the manifest ids as a set, added to by each
 * manifest naming it) and gets its `record` when the sweep decides the closure.
 */
export function transitFromItem(item: Item): TransitRecord {
  const manifestIds = item.manifestIds instanceof Set ? [...item.manifestIds].map(String) : [];
  if (item.record) {
    const record = TransitRecord.parse(item.record);
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
