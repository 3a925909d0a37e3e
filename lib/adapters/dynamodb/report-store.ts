/**
 * DynamoDB implementation of the ReportStore port. A house's report lives on its shipment item,
 * the transport's and master's on the manifest item; each transition is one transaction: the
 * conditional update (on the report's `seq`) and the timeline event.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ManifestRepository } from '../../domain/ports.ts';
import { ManifestRecord, ShipmentRecord } from '../../domain/records.ts';
import type { ReportMessage } from '../../domain/report-message.ts';
import { initialReport } from '../../domain/report-state.ts';
import type { ReportStore, ReportSubject, ReportTransition } from '../../domain/reporter.ts';
import { isConditionFailure } from './conditions.ts';
import { keys, outboxItem, TTL_ATTRIBUTE } from './table-design.ts';

const REPORT_ATTRIBUTE = { TRANSPORT: 'transportReport', MASTER: 'masterReport', HOUSE: 'report' } as const;

export class DynamoReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly manifests: Pick<ManifestRepository, 'summarizeShipments'>,
    private readonly retentionDays: number,
  ) {}

  async load(message: ReportMessage): Promise<ReportSubject | undefined> {
    const [manifestItem, shipmentItem] = await Promise.all([
      this.get(keys.manifest(message.partnerId, message.manifestId)),
      message.kind === 'HOUSE'
        ? this.get(keys.shipment(message.partnerId, message.shipmentNumber, message.manifestId))
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

  async reportableHouseNumbers(manifest: ManifestRecord): Promise<string[]> {
    const rows = await this.manifests.summarizeShipments(manifest.manifestId);
    return rows
      .filter((row) => row.status !== 'REJECTED' && row.status !== 'CANCELLED')
      .map((row) => row.shipmentNumber);
  }

  async transition(
    message: ReportMessage,
    subject: ReportSubject,
    change: ReportTransition,
  ): Promise<boolean> {
    const attribute = REPORT_ATTRIBUTE[message.kind];
    const condition = subject.stored ? `${attribute}.seq = :seq` : `attribute_not_exists(${attribute})`;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':report': change.next,
      ':now': change.event.at,
      ...(subject.stored ? { ':seq': subject.report.seq } : {}),
    };
    const sets = [`${attribute} = :report`, 'updatedAt = :now'];
    const expiresAt =
      Math.floor(Date.parse(subject.manifest.transport.estimatedArrival) / 1000) +
      this.retentionDays * 86_400;
    let key: Record<string, string>;
    let eventKey: Record<string, string>;
    const eventId = `${change.event.type}-${change.next.seq}`;
    if (message.kind === 'HOUSE') {
      key = keys.shipment(message.partnerId, message.shipmentNumber, message.manifestId);
      eventKey = keys.event(
        message.partnerId,
        message.shipmentNumber,
        message.manifestId,
        change.event.at,
        eventId,
      );
      sets.push('version = version + :one');
      values[':one'] = 1;
      if (change.status) {
        sets.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = change.status;
      }
      if (change.mrn) {
        sets.push('mrn = :mrn');
        values[':mrn'] = change.mrn;
      }
    } else {
      key = keys.manifest(message.partnerId, message.manifestId);
      eventKey = { pk: key.pk ?? '', sk: `EVENT#${change.event.at}#${message.kind}-${eventId}` };
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: `attribute_exists(pk) AND ${condition}`,
                ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
                ExpressionAttributeValues: values,
              },
            },
            // A partner-visible status change is notified (webhooks), from the same transaction.
            ...(message.kind === 'HOUSE' && change.status && change.status !== subject.shipment?.status
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: outboxItem(
                        {
                          id: `${message.manifestId}.${message.shipmentNumber}.shipment.status.${change.status}.v${change.next.seq}`,
                          partnerId: message.partnerId,
                          type: 'shipment.status',
                          at: change.event.at,
                          data: {
                            manifestId: message.manifestId,
                            shipmentNumber: message.shipmentNumber,
                            status: change.status,
                            ...(change.mrn ? { mrn: change.mrn } : {}),
                            ...(change.next.errors?.length ? { digitollErrors: change.next.errors } : {}),
                          },
                        },
                        expiresAt,
                      ),
                    },
                  },
                ]
              : []),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...eventKey,
                  kind: 'EVENT',
                  subject: message.kind,
                  ...change.event,
                  [TTL_ATTRIBUTE]: expiresAt,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // Only a failed condition means someone else moved the report on. A conflict with another
      // write or throttling is thrown, so the message is retried rather than dropped.
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async get(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return item;
  }
}
