/**
 * Partner notifications are written to an outbox in the same transaction as the change they
 * report (so none is lost), and moved from there to the notification queue by the scheduled
 * function, one message per registered webhook. A crash between sending and removing re-sends;
 * the deliverer drops what it already delivered (same notification id).
 */
import type { PartnerNotification } from './border-sweep.ts';
import type { Clock } from './ports.ts';
import { fanOut, type NotificationQueue, type WebhookStore } from './webhooks.ts';

export interface OutboxEntry {
  key: { pk: string; sk: string };
  notification: PartnerNotification;
}

export interface OutboxStore {
  due(now: string, limit: number): Promise<OutboxEntry[]>;
  remove(keys: Array<{ pk: string; sk: string }>): Promise<void>;
}

export async function drainOutbox(
  deps: { outbox: OutboxStore; webhooks: Pick<WebhookStore, 'list'>; queue: NotificationQueue; clock: Clock },
  limit = 500,
): Promise<{ queued: number; withoutWebhook: number }> {
  const entries = await deps.outbox.due(deps.clock.now().toISOString(), limit);
  const hooks = new Map<string, Awaited<ReturnType<WebhookStore['list']>>>();
  let queued = 0;
  let withoutWebhook = 0;
  for (const entry of entries) {
    const partnerId = entry.notification.partnerId;
    if (!hooks.has(partnerId)) hooks.set(partnerId, await deps.webhooks.list(partnerId));
    const messages = fanOut(entry.notification, hooks.get(partnerId) ?? []);
    if (messages.length === 0) withoutWebhook++;
    await deps.queue.send(messages);
    queued += messages.length;
  }
  await deps.outbox.remove(entries.map((entry) => entry.key));
  return { queued, withoutWebhook };
}
