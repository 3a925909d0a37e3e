/**
 * Partner notifications are written to an outbox in the same transaction as the change they
 * report (so none is lost), and moved from there to the notification queue by the scheduled
 * function, one message per registered webhook. A crash between sending and removing re-sends;
 * the deliverer drops what it already delivered (same notification id).
 */
import type { PartnerNotification } from './notifications.ts';
import type { Clock } from './ports.ts';
import {
  fanOut,
  type NotificationMessage,
  type NotificationQueue,
  type Webhook,
  type WebhookRegistry,
} from './webhooks.ts';

export interface OutboxStore {
  /** Notifications waiting (oldest first). */
  due(now: string, limit: number): Promise<PartnerNotification[]>;
  /** Takes them out once they are on the queue. */
  remove(notifications: PartnerNotification[]): Promise<void>;
}

export interface OutboxDeps {
  outbox: OutboxStore;
  webhooks: Pick<WebhookRegistry, 'list'>;
  queue: NotificationQueue;
  clock: Clock;
}

export async function drainOutbox(
  deps: OutboxDeps,
  limit = 500,
): Promise<{ queued: number; withoutWebhook: number }> {
  const entries = await deps.outbox.due(deps.clock.now().toISOString(), limit);
  const hooks = new Map<string, Webhook[]>();
  let withoutWebhook = 0;
  const messages: NotificationMessage[] = [];
  for (const notification of entries) {
    const partnerId = notification.partnerId;
    if (!hooks.has(partnerId)) hooks.set(partnerId, await deps.webhooks.list(partnerId));
    const fanned = fanOut(notification, hooks.get(partnerId) ?? []);
    if (fanned.length === 0) withoutWebhook++;
    messages.push(...fanned);
  }
  // One send for the whole drain: the queue adapter keeps several batches in flight. The entries
  // leave the outbox only once every message is queued.
  await deps.queue.send(messages);
  const queued = messages.length;
  await deps.outbox.remove(entries);
  return { queued, withoutWebhook };
}
