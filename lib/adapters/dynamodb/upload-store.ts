/**
 * Bulk uploads in the table: one item per upload, its checkpoint advanced conditionally (a second
 * processor of the same upload cannot move it twice), finished together with the partner's
 * notification in the outbox.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PartnerNotification } from '../../domain/notifications.ts';
import { UploadRecord, type UploadStore } from '../../domain/uploads.ts';
import { isConditionFailure } from './conditions.ts';
import { outboxItem } from './items.ts';
import type { Item, Table } from './table.ts';
import { keys } from './table-design.ts';

export class DynamoUploadStore implements UploadStore {
  constructor(private readonly table: Table) {}

  private item(record: UploadRecord): Item {
    return {
      ...keys.upload(record.partnerId, record.uploadId),
      kind: 'UPLOAD',
      ...record,
      ...this.table.ttl(record.createdAt),
    };
  }

  async createUpload(record: UploadRecord): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.name,
        Item: this.item(record),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getUpload(partnerId: string, uploadId: string): Promise<UploadRecord | undefined> {
    const item = await this.table.get(keys.upload(partnerId, uploadId));
    return item ? UploadRecord.parse(item) : undefined;
  }

  async saveUpload(record: UploadRecord, expectedStored: number): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: this.item(record),
          ConditionExpression: 'shipmentsStored = :expected AND NOT #status IN (:completed, :failed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':expected': expectedStored,
            ':completed': 'COMPLETED',
            ':failed': 'FAILED',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async finishUpload(record: UploadRecord, notification: PartnerNotification): Promise<void> {
    const ttl = this.table.ttl(record.createdAt);
    const done = await this.table.transact([
      {
        Put: {
          TableName: this.table.name,
          Item: this.item(record),
          ConditionExpression: 'NOT #status IN (:completed, :failed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':completed': 'COMPLETED', ':failed': 'FAILED' },
        },
      },
      { Put: { TableName: this.table.name, Item: outboxItem(notification, ttl) } },
    ]);
    // Finished already (a redelivered event): the first finish and its notification stand.
    void done;
  }
}
