/**
 * Partner notifications are written to an outbox in the same transaction as the change they
 * report (so none is lost), and moved from there to the notification queue, one message per
 * webhook registered when the change happened. Two movers: the table's stream hands each new
 * outbox item over within seconds of its write; the scheduled function drains what is older than
 * a grace period (what the stream could not hand over), the safety net. A crash between sending
 * and removing re-sends; the deliverer's claim POSTs each (event, webhook) once.
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
  /** Notifications waiting since `before` or earlier (oldest first). */
  due(before: string, limit: number): Promise<PartnerNotification[]>;
  /** Takes them out once they are on the queue. */
  remove(notifications: PartnerNotification[]): Promise<void>;
}

export interface OutboxDeps {
  outbox: OutboxStore;
  webhooks: Pick<WebhookRegistry, 'list'>;
  queue: NotificationQueue;
  clock: Clock;
  /** The schedule leaves notifications younger than this to the stream. */
  settings: { graceSeconds: number };
}

export interface HandOver {
  queued: number;
  /** Notifications no webhook was registered for when their change happened (not delivered). */
  withoutWebhook: number;
}

/** Queues each notification for every webhook it is for, then takes it out of the outbox. */
export async function handOver(
  deps: Omit<OutboxDeps, 'settings' | 'clock'>,
  notifications: readonly PartnerNotification[],
): Promise<HandOver> {
  const hooks = new Map<string, Webhook[]>();
  let withoutWebhook = 0;
  const messages: NotificationMessage[] = [];
  const ordered = [...notifications].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const notification of ordered) {
    const partnerId = notification.partnerId;
    if (!hooks.has(partnerId)) hooks.set(partnerId, await deps.webhooks.list(partnerId));
    const fanned = fanOut(notification, hooks.get(partnerId) ?? []);
    if (fanned.length === 0) withoutWebhook++;
    messages.push(...fanned);
  }
  // One send for the whole hand-over: the queue adapter keeps several batches in flight. The
  // entries leave the outbox only once every message is queued.
  await deps.queue.send(messages);
  const queued = messages.length;
  await deps.outbox.remove(ordered);
  return { queued, withoutWebhook };
}

/** The schedule's part: what waited longer than the grace period. */
export async function drainOutbox(deps: OutboxDeps, limit = 500): Promise<HandOver> {
  const before = new Date(deps.clock.now().getTime() - deps.settings.graceSeconds * 1000).toISOString();
  return handOver(deps, await deps.outbox.due(before, limit));
}
