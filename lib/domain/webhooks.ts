/**
 * Partner webhooks: a partner registers a URL and gets a secret (`whsec_<base64 key>`, shown once);
 * status changes, flags and transit closures are POSTed to it as JSON signed the Standard Webhooks
 * way (https://www.standardwebhooks.com/, signed by the `standardwebhooks` package): headers
 * `webhook-id` (the event id, the same on every retry: de-duplicate on it), `webhook-timestamp`
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. Each payload
 * carries its subject and the subject's sequence number so partners can order events.
 *
 * Which events: those of changes made after the webhook was registered (`at` >= `createdAt`); the
 * earlier ones are not delivered (the API's GET answers hold the state). Delivery runs through its
 * own queue with exponential back-off, never inside the sweep; after the last attempt the delivery
 * is dead-lettered. A delivery is claimed (leased) before it is POSTed, so the same event reaching
 * the deliverer twice (the stream and the schedule, or a redelivered message) is POSTed once.
 */
import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { z } from 'zod';
import type { WebhookRegistration } from '../manifest/schema.ts';
import { InvalidInput, NotFound } from './errors.ts';
import { PartnerNotification } from './notifications.ts';
import type { Clock, IdGenerator } from './ports.ts';
import { type Resolver, refusedTarget, type TargetSettings } from './webhook-targets.ts';

export const Webhook = z.object({
  partnerId: z.string(),
  webhookId: z.string(),
  url: z.string(),
  secret: z.string(),
  description: z.string().optional(),
  createdAt: z.string(),
});
export type Webhook = z.infer<typeof Webhook>;

export const NotificationMessage = z.strictObject({
  v: z.literal(1),
  webhookId: z.string(),
  notification: PartnerNotification,
  attempt: z.number().int().min(0),
});
export type NotificationMessage = z.infer<typeof NotificationMessage>;

/** A partner's registered webhooks (registering, listing, removing; the outbox lists them too). */
export interface WebhookRegistry {
  put(webhook: Webhook): Promise<void>;
  list(partnerId: string): Promise<Webhook[]>;
  /** False if there was no such webhook. */
  delete(partnerId: string, webhookId: string): Promise<boolean>;
}

/** What claiming a delivery found: it is ours now, it was delivered, or another attempt holds it. */
export type Claim = 'claimed' | 'delivered' | 'busy';

/** What delivering a notification needs: the webhook, and receipts of what was delivered. */
export interface DeliveryStore {
  get(partnerId: string, webhookId: string): Promise<Webhook | undefined>;
  /**
   * Claims the delivery of (event, webhook) until `leaseUntil` (ISO time): 'delivered' if it was
   * delivered already, 'busy' if another attempt holds a lease that has not run out.
   */
  claim(message: NotificationMessage, now: string, leaseUntil: string): Promise<Claim>;
  /** Records the successful delivery (the receipt every later claim finds). */
  markDelivered(message: NotificationMessage, at: string): Promise<void>;
  /** Gives a claim back after a failed attempt, so the retry can claim it at once. */
  release(message: NotificationMessage): Promise<void>;
}

export interface NotificationQueue {
  send(messages: NotificationMessage[], delaySeconds?: number): Promise<void>;
  deadLetter(message: NotificationMessage, reason: string): Promise<void>;
}

export type Poster = (
  url: string,
  body: string,
  headers: Record<string, string>,
) => Promise<{ status: number }>;

export interface RegistrationDeps {
  webhooks: WebhookRegistry;
  clock: Clock;
  ids: IdGenerator;
  resolve: Resolver;
  settings: TargetSettings;
}

export interface DeliveryDeps {
  deliveries: DeliveryStore;
  queue: NotificationQueue;
  post: Poster;
  resolve: Resolver;
  clock: Clock;
  settings: TargetSettings & {
    maxAttempts: number;
    baseDelaySeconds: number;
    /** How long a claimed delivery is held (longer than the POST's deadline). */
    leaseSeconds: number;
  };
}

/** A new signing secret: `whsec_` and 24 random bytes in base64 (the Standard Webhooks form). */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The Standard Webhooks headers of one delivery attempt (the signature covers id, time and body). */
export function signedHeaders(
  secret: string,
  eventId: string,
  at: Date,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new StandardWebhook(secret).sign(eventId, new Date(timestamp * 1000), body),
  };
}

/** The JSON body partners receive (described by `lib/manifest/webhook-payloads.ts`). */
export function payload(notification: PartnerNotification): string {
  return JSON.stringify({
    id: notification.id,
    type: notification.type,
    timestamp: notification.at,
    subject: notification.subject,
    sequence: notification.sequence,
    data: notification.data,
  });
}

async function checkUrl(deps: Pick<RegistrationDeps, 'resolve' | 'settings'>, url: string): Promise<void> {
  const refused = await refusedTarget(url, deps.resolve, deps.settings);
  if (refused) throw new InvalidInput([{ path: '/url', code: 'forbidden_url', message: refused.message }]);
}

/** Registers a webhook; its secret is in the answer this once (it signs every delivery). */
export async function registerWebhook(
  deps: RegistrationDeps,
  partnerId: string,
  registration: WebhookRegistration,
): Promise<Webhook> {
  await checkUrl(deps, registration.url);
  const webhook: Webhook = {
    partnerId,
    webhookId: deps.ids.newId(),
    url: registration.url,
    secret: newSecret(),
    ...(registration.description ? { description: registration.description } : {}),
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.webhooks.put(webhook);
  return webhook;
}

/** A partner's webhooks, never with their secrets (shown once, at registration). */
export async function listWebhooks(
  deps: Pick<RegistrationDeps, 'webhooks'>,
  partnerId: string,
): Promise<Array<Omit<Webhook, 'secret'>>> {
  return (await deps.webhooks.list(partnerId)).map(({ secret: _secret, ...rest }) => rest);
}

export async function removeWebhook(
  deps: Pick<RegistrationDeps, 'webhooks'>,
  partnerId: string,
  webhookId: string,
): Promise<void> {
  if (!(await deps.webhooks.delete(partnerId, webhookId))) throw new NotFound('webhook', webhookId);
}

/**
 * One message per (notification, webhook): each endpoint is retried on its own. A webhook gets
 * the events of changes made from its registration on, never earlier ones.
 */
export function fanOut(
  notification: PartnerNotification,
  webhooks: readonly Webhook[],
): NotificationMessage[] {
  return webhooks
    .filter((webhook) => webhook.createdAt <= notification.at)
    .map((webhook) => ({ v: 1, webhookId: webhook.webhookId, notification, attempt: 0 }));
}

export type DeliveryOutcome =
  | 'delivered'
  | 'duplicate'
  | 'in-flight'
  | 'gone'
  | 'retrying'
  | 'refused-target'
  | 'dead-lettered';

export async function deliver(deps: DeliveryDeps, message: NotificationMessage): Promise<DeliveryOutcome> {
  const webhook = await deps.deliveries.get(message.notification.partnerId, message.webhookId);
  if (!webhook) return 'gone';
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.settings.leaseSeconds * 1000).toISOString();
  const claim = await deps.deliveries.claim(message, now.toISOString(), leaseUntil);
  if (claim === 'delivered') return 'duplicate';
  if (claim === 'busy') {
    // Another attempt is POSTing it: look again once its lease has run out (it may fail).
    await deps.queue.send([message], deps.settings.leaseSeconds);
    return 'in-flight';
  }
  // The host is checked at every delivery too: what it resolves to may have changed.
  const refused = await refusedTarget(webhook.url, deps.resolve, deps.settings);
  if (refused && !refused.transient) {
    await deps.deliveries.release(message);
    await deps.queue.deadLetter(message, `the webhook URL ${refused.message}`);
    return 'refused-target';
  }
  const body = payload(message.notification);
  let failure: string;
  if (refused) failure = `the endpoint could not be reached: ${refused.message}`;
  else {
    try {
      const { status } = await deps.post(webhook.url, body, {
        'content-type': 'application/json',
        'user-agent': 'voec-border-webhooks/2',
        ...signedHeaders(webhook.secret, message.notification.id, now, body),
      });
      if (status >= 200 && status < 300) {
        await deps.deliveries.markDelivered(message, deps.clock.now().toISOString());
        return 'delivered';
      }
      failure = `the endpoint answered ${status}`;
    } catch (error) {
      failure = `the endpoint could not be reached: ${(error as Error).message}`;
    }
  }
  await deps.deliveries.release(message);
  const attempt = message.attempt + 1;
  if (attempt >= deps.settings.maxAttempts) {
    await deps.queue.deadLetter(message, `${failure} (after ${attempt} attempts)`);
    return 'dead-lettered';
  }
  const delay = Math.min(deps.settings.baseDelaySeconds * 2 ** message.attempt, 900);
  await deps.queue.send([{ ...message, attempt }], delay);
  return 'retrying';
}
