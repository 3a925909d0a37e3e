/**
 * DynamoDB implementation of the ReportStore port. A house's report lives on its shipment item,
 * the transport's and master's on the manifest item; each transition is one transaction: the
 * conditional update (on the report's `seq`), the timeline event and the partner notifications the
 * transition carries (the adapter decides none of them). A house transition that notifies is also
 * conditional on the shipment's version, since the notification's `sequence` is the version it
 * produces; if only the version moved (a flag, an amendment), it is renumbered and tried again.
 */
import { ManifestRecord, ShipmentRecord } from '../../domain/records.ts';
import type { ReportMessage } from '../../domain/report-message.ts';
import { initialReport } from '../../domain/report-state.ts';
import type { ReportStore, ReportSubject, ReportTransition } from '../../domain/reporter.ts';
import { quarterOf, quarterPeriod, statementValueOf } from '../../domain/voec-statement.ts';
import { houseWaybillTypeOf } from '../digitoll/road-v2/mapping.ts';
import { manifestEventItem, outboxItem, shipmentEventItem } from './items.ts';
import { houseWaybillItem } from './routing-store.ts';
import type { Item, Table } from './table.ts';
import { keys } from './table-design.ts';

const REPORT_ATTRIBUTE = { TRANSPORT: 'transportReport', MASTER: 'masterReport', HOUSE: 'report' } as const;

export class DynamoReportStore implements ReportStore {
  constructor(private readonly table: Table) {}

  async load(message: ReportMessage): Promise<ReportSubject | undefined> {
    const [manifestItem, shipmentItem] = await Promise.all([
      this.table.get(keys.manifest(message.partnerId, message.manifestId)),
      message.kind === 'HOUSE'
        ? this.table.get(keys.shipment(message.partnerId, message.shipmentNumber, message.manifestId))
        : Promise.resolve(undefined),
    ]);
    if (!manifestItem) return undefined;
    const manifest = ManifestRecord.parse(manifestItem);
    if (message.kind === 'HOUSE') {
      if (!shipmentItem) return undefined;
      const shipment = ShipmentRecord.parse(shipmentItem);
      return {
        manifest,
        shipment,
        report: shipment.report ?? initialReport(shipment.receivedAt),
        stored: shipment.report !== undefined,
      };
    }
    const report = message.kind === 'TRANSPORT' ? manifest.transportReport : manifest.masterReport;
    return { manifest, report: report ?? initialReport(manifest.receivedAt), stored: report !== undefined };
  }

  async transition(
    message: ReportMessage,
    subject: ReportSubject,
    change: ReportTransition,
  ): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      if (await this.transitionOnce(message, subject, change)) return true;
      if (message.kind !== 'HOUSE' || change.notifications.length === 0 || tries >= 5) return false;
      const fresh = await this.load(message);
      const sameReport =
        fresh?.shipment !== undefined &&
        fresh.stored === subject.stored &&
        (!subject.stored || fresh.report.seq === subject.report.seq);
      if (!fresh?.shipment || !sameReport) return false; // the report moved on: a lost race
      const sequence = fresh.shipment.version + 1;
      subject = { ...subject, shipment: fresh.shipment };
      change = { ...change, notifications: change.notifications.map((note) => ({ ...note, sequence })) };
    }
  }

  private async transitionOnce(
    message: ReportMessage,
    subject: ReportSubject,
    change: ReportTransition,
  ): Promise<boolean> {
    const attribute = REPORT_ATTRIBUTE[message.kind];
    let condition = subject.stored ? `${attribute}.seq = :seq` : `attribute_not_exists(${attribute})`;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':report': change.next,
      ':now': change.event.at,
      ...(subject.stored ? { ':seq': subject.report.seq } : {}),
    };
    const sets = [`${attribute} = :report`, 'updatedAt = :now'];
    const eventId = `${change.event.type}-${change.next.seq}`;
    let key: Item;
    let eventItem: Item;
    const extra: Item[] = [];
    if (message.kind === 'HOUSE') {
      key = keys.shipment(message.partnerId, message.shipmentNumber, message.manifestId);
      // The timeline's events expire with the transport (its current ETA).
      eventItem = shipmentEventItem(
        this.table,
        { ...message, estimatedArrival: subject.manifest.transport.estimatedArrival },
        change.event,
        eventId,
      );
      sets.push('version = version + :one');
      values[':one'] = 1;
      if (change.notifications.length > 0 && subject.shipment) {
        condition += ' AND version = :version';
        values[':version'] = subject.shipment.version;
      }
      if (change.status) {
        sets.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = change.status;
      }
      if (change.mrn) {
        sets.push('mrn = :mrn');
        values[':mrn'] = change.mrn;
      }
      // Accepted at Digitoll: from now on Customs' routing signals name this house by its waybill key.
      if (change.status === 'ACCEPTED' && subject.shipment) {
        extra.push(
          houseWaybillItem(
            this.table,
            { type: houseWaybillTypeOf(subject.manifest), number: message.shipmentNumber },
            { ...subject.shipment, estimatedArrival: subject.manifest.transport.estimatedArrival },
          ),
        );
      }
    } else {
      key = keys.manifest(message.partnerId, message.manifestId);
      eventItem = manifestEventItem(
        this.table,
        subject.manifest,
        message.kind,
        change.event,
        `${message.kind}-${eventId}`,
      );
    }
    const ttl = this.table.ttl(subject.manifest.transport.estimatedArrival);
    const statement = message.kind === 'HOUSE' ? this.statementWrite(subject, change, sets, values) : [];
    // Only a failed condition means someone else moved the report on. A conflict with another
    // write or throttling is thrown, so the message is retried rather than dropped.
    return this.table.transact([
      {
        Update: {
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        },
      },
      // The partner notifications the step decided (reporter.ts), persisted with it.
      ...change.notifications.map((note) => ({
        Put: { TableName: this.table.name, Item: outboxItem(note, ttl) },
      })),
      { Put: { TableName: this.table.name, Item: eventItem } },
      ...extra.map((item) => ({ Put: { TableName: this.table.name, Item: item } })),
      ...statement,
    ]);
  }

  /**
   * The seller statement follows the house: accepted → its line in the quarter of its first
   * acceptance (an amendment re-accepted later stays in that quarter, with its new values);
   * withdrawn → the line goes. Lines outlive the shipment: kept past the quarter's filing deadline.
   */
  private statementWrite(
    subject: ReportSubject,
    change: ReportTransition,
    sets: string[],
    values: Record<string, unknown>,
  ): Array<Record<string, unknown>> {
    const shipment = subject.shipment;
    if (!shipment || (change.status !== 'ACCEPTED' && change.status !== 'CANCELLED')) return [];
    const quarter = shipment.statementQuarter ?? quarterOf(change.event.at);
    const key = keys.statementLine(
      shipment.partnerId,
      quarter,
      shipment.voecNumber,
      shipment.manifestId,
      shipment.shipmentNumber,
    );
    if (change.status === 'CANCELLED') {
      return shipment.statementQuarter ? [{ Delete: { TableName: this.table.name, Key: key } }] : [];
    }
    sets.push('statementQuarter = :statementQuarter');
    values[':statementQuarter'] = quarter;
    const line = {
      ...key,
      voecNumber: shipment.voecNumber,
      manifestId: shipment.manifestId,
      shipmentNumber: shipment.shipmentNumber,
      ...statementValueOf(shipment.input.items),
      acceptedAt: change.event.at,
      ...this.table.ttl(quarterPeriod(quarter).periodEnd),
    };
    return [{ Put: { TableName: this.table.name, Item: line } }];
  }
}
