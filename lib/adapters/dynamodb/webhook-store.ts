/**
 * Webhooks and their delivery receipts.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DeliveryStore,
  type NotificationMessage,
  Webhook,
  type WebhookRegistry,
} from '../../domain/webhooks.ts';
import { isConditionFailure } from './conditions.ts';
import { expiresAfter, type Table } from './table.ts';
import { keys, TTL_ATTRIBUTE } from './table-design.ts';

/** Receipts only guard against redelivered messages: a month is plenty. */
const DELIVERY_RECEIPT_DAYS = 30;

export class DynamoWebhookStore implements WebhookRegistry, DeliveryStore {
  constructor(private readonly table: Table) {}

  async put(webhook: Webhook): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.name,
        Item: { ...keys.webhook(webhook.partnerId, webhook.webhookId), kind: 'WEBHOOK', ...webhook },
      }),
    );
  }

  async list(partnerId: string): Promise<Webhook[]> {
    const items = await this.table.queryPrefix(keys.webhooks(partnerId));
    return items.map((item) => Webhook.parse(item));
  }

  async get(partnerId: string, webhookId: string): Promise<Webhook | undefined> {
    const item = await this.table.get(keys.webhook(partnerId, webhookId), { consistent: false });
    return item ? Webhook.parse(item) : undefined;
  }

  async delete(partnerId: string, webhookId: string): Promise<boolean> {
    const { Attributes: old } = await this.table.client.send(
      new DeleteCommand({
        TableName: this.table.name,
        Key: keys.webhook(partnerId, webhookId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return old !== undefined;
  }

  private receiptKey(message: NotificationMessage) {
    return keys.delivery(message.notification.partnerId, message.notification.id, message.webhookId);
  }

  async markDelivered(message: NotificationMessage, at: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...this.receiptKey(message),
            kind: 'DELIVERY',
            deliveredAt: at,
            [TTL_ATTRIBUTE]: expiresAfter(at, DELIVERY_RECEIPT_DAYS),
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
    return (await this.table.get(this.receiptKey(message))) !== undefined;
  }
}
