/**
 * Webhooks and their delivery receipts. A receipt is first a lease (`state: LEASED` until
 * `leaseUntil`), taken by a conditional put so only one attempt POSTs an event to a webhook at a
 * time, then the receipt of the delivery (`state: DELIVERED`) that every later attempt finds.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Claim,
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

  async claim(message: NotificationMessage, now: string, leaseUntil: string): Promise<Claim> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...this.receiptKey(message),
            kind: 'DELIVERY',
            state: 'LEASED',
            leaseUntil,
            [TTL_ATTRIBUTE]: expiresAfter(now, DELIVERY_RECEIPT_DAYS),
          },
          // Free, or leased by an attempt whose lease ran out (it crashed or timed out).
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :leased AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':leased': 'LEASED', ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The item as it was (raw attribute values). Receipts from before leases have no state: delivered.
      const state = error instanceof ConditionalCheckFailedException ? error.Item?.state?.S : undefined;
      return state === 'LEASED' ? 'busy' : 'delivered';
    }
  }

  async markDelivered(message: NotificationMessage, at: string): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.name,
        Item: {
          ...this.receiptKey(message),
          kind: 'DELIVERY',
          state: 'DELIVERED',
          deliveredAt: at,
          [TTL_ATTRIBUTE]: expiresAfter(at, DELIVERY_RECEIPT_DAYS),
        },
      }),
    );
  }

  async release(message: NotificationMessage): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: this.receiptKey(message),
          ConditionExpression: '#state = :leased',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':leased': 'LEASED' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
