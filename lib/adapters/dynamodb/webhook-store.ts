/**
 * Webhooks, delivery receipts, the notification outbox and the recording NCTS gateway.
 *   webhook    PARTNER#<p>                 / WEBHOOK#<id>
 *   delivery   PARTNER#<p>#DELIVERY        / <notification id>#<webhook id>
 *   outbox     PARTNER#<p>#OUTBOX          / NOTE#<id>        (deadline index, kind NOTIFY)
 *   ncts       PARTNER#<p>#TRANSIT#<mrn>   / NCTS#CC007C
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NctsGateway, PartnerNotification } from '../../domain/border-sweep.ts';
import type { ArrivalNotification } from '../../domain/ncts.ts';
import type { OutboxEntry, OutboxStore } from '../../domain/outbox.ts';
import { type NotificationMessage, Webhook, type WebhookStore } from '../../domain/webhooks.ts';
import type { DynamoBorderStore } from './border-store.ts';
import { isConditionFailure } from './conditions.ts';
import { TTL_ATTRIBUTE } from './table-design.ts';

const DELIVERY_RECEIPT_DAYS = 30;

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(webhook: Webhook): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `PARTNER#${webhook.partnerId}`,
          sk: `WEBHOOK#${webhook.webhookId}`,
          kind: 'WEBHOOK',
          ...webhook,
        },
      }),
    );
  }

  async list(partnerId: string): Promise<Webhook[]> {
    const { Items: items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':prefix': 'WEBHOOK#' },
      }),
    );
    return items.map((item) => Webhook.parse(item));
  }

  async get(partnerId: string, webhookId: string): Promise<Webhook | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `PARTNER#${partnerId}`, sk: `WEBHOOK#${webhookId}` },
      }),
    );
    return item ? Webhook.parse(item) : undefined;
  }

  async delete(partnerId: string, webhookId: string): Promise<boolean> {
    const { Attributes: old } = await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: `PARTNER#${partnerId}`, sk: `WEBHOOK#${webhookId}` },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return old !== undefined;
  }

  private receiptKey(message: NotificationMessage) {
    return {
      pk: `PARTNER#${message.notification.partnerId}#DELIVERY`,
      sk: `${message.notification.id}#${message.webhookId}`,
    };
  }

  async markDelivered(message: NotificationMessage, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...this.receiptKey(message),
            kind: 'DELIVERY',
            deliveredAt: at,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + DELIVERY_RECEIPT_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async wasDelivered(message: NotificationMessage): Promise<boolean> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: this.receiptKey(message), ConsistentRead: true }),
    );
    return item !== undefined;
  }
}

export class DynamoOutbox implements OutboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly border: DynamoBorderStore,
  ) {}

  async due(now: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.border.dueMarkers('NOTIFY', now, limit);
    const entries: OutboxEntry[] = [];
    for (let start = 0; start < rows.length; start += 100) {
      const keys = rows.slice(start, start + 100).map((row) => ({ pk: String(row.pk), sk: String(row.sk) }));
      const result = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[this.table] ?? []) {
        entries.push({
          key: { pk: String(item.pk), sk: String(item.sk) },
          notification: item.notification as PartnerNotification,
        });
      }
    }
    return entries.sort((a, b) => (a.notification.at < b.notification.at ? -1 : 1));
  }

  async remove(keys: Array<{ pk: string; sk: string }>): Promise<void> {
    for (let start = 0; start < keys.length; start += 25) {
      let batch = keys.slice(start, start + 25).map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 0; batch.length > 0 && attempt < 8; attempt++) {
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: batch } }),
        );
        batch = (result.UnprocessedItems?.[this.table] ?? []) as typeof batch;
      }
    }
  }
}

/**
 * The NCTS gateway we can offer: it records the arrival notification for the carrier's NCTS
 * client (or its staff) to lodge; nothing here talks to NCTS, which has no API we can call.
 */
export class RecordingNctsGateway implements NctsGateway {
  readonly name = 'recorded for lodging (no NCTS connection)';

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async handOver(partnerId: string, notification: ArrivalNotification): Promise<{ reference: string }> {
    const mrn = notification.TransitOperation.MRN;
    const reference = `recorded:${mrn}`;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `PARTNER#${partnerId}#TRANSIT#${mrn}`,
            sk: 'NCTS#CC007C',
            kind: 'NCTS_OUTBOX',
            notification,
            reference,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return { reference };
  }
}
