/**
 * Partner webhooks: a partner registers a URL and gets a secret (shown once); status changes,
 * flags and transit closures are POSTed to it as JSON signed with HMAC-SHA256 over
 * `<timestamp>.<body>` (header `voec-signature: t=<unix seconds>,v1=<hex>`), the event id in
 * `voec-event-id` for de-duplication. Delivery runs through its own queue with exponential
 * back-off, never inside the sweep; after the last attempt the delivery is dead-lettered.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { WebhookRegistration } from '../manifest/schema.ts';
import { InvalidInput, NotFound } from './errors.ts';
import { PartnerNotification } from './notifications.ts';
import type { Clock, IdGenerator } from './ports.ts';

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

/** What delivering a notification needs: the webhook, and receipts of what was delivered. */
export interface DeliveryStore {
  get(partnerId: string, webhookId: string): Promise<Webhook | undefined>;
  /** Records a successful delivery; false if it was already recorded (a duplicate message). */
  markDelivered(message: NotificationMessage, at: string): Promise<boolean>;
  wasDelivered(message: NotificationMessage): Promise<boolean>;
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
  settings: { allowInsecureLocalhost: boolean };
}

export interface DeliveryDeps {
  deliveries: DeliveryStore;
  queue: NotificationQueue;
  post: Poster;
  clock: Clock;
  settings: { maxAttempts: number; baseDelaySeconds: number };
}

export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** For partners (and tests): checks a `voec-signature` header against the raw body. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((part) => part.trim().split('=') as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (!Number.isFinite(timestamp) || !parts.v1) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function checkUrl(url: string, allowInsecureLocalhost: boolean): void {
  const parsed = new URL(url);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' && !local) return;
  if (parsed.protocol === 'http:' && local && allowInsecureLocalhost) return;
  throw new InvalidInput([
    {
      path: '/url',
      code: 'insecure_url',
      message: allowInsecureLocalhost
        ? 'must be https:// (http:// only for localhost)'
        : 'must be an https:// URL on a public host',
    },
  ]);
}

/** Registers a webhook; its secret is in the answer this once (it signs every delivery). */
export async function registerWebhook(
  deps: RegistrationDeps,
  partnerId: string,
  registration: WebhookRegistration,
): Promise<Webhook> {
  checkUrl(registration.url, deps.settings.allowInsecureLocalhost);
  const webhook: Webhook = {
    partnerId,
    webhookId: deps.ids.newId(),
    url: registration.url,
    secret: `whsec_${randomBytes(24).toString('base64url')}`,
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

/** One message per (notification, webhook): each endpoint is retried on its own. */
export function fanOut(
  notification: PartnerNotification,
  webhooks: readonly Webhook[],
): NotificationMessage[] {
  return webhooks.map((webhook) => ({ v: 1, webhookId: webhook.webhookId, notification, attempt: 0 }));
}

export type DeliveryOutcome = 'delivered' | 'duplicate' | 'gone' | 'retrying' | 'dead-lettered';

export async function deliver(deps: DeliveryDeps, message: NotificationMessage): Promise<DeliveryOutcome> {
  const webhook = await deps.deliveries.get(message.notification.partnerId, message.webhookId);
  if (!webhook) return 'gone';
  if (await deps.deliveries.wasDelivered(message)) return 'duplicate';
  const body = JSON.stringify({
    id: message.notification.id,
    type: message.notification.type,
    at: message.notification.at,
    data: message.notification.data,
  });
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  let failure: string;
  try {
    const { status } = await deps.post(webhook.url, body, {
      'content-type': 'application/json',
      'user-agent': 'voec-border-webhooks/1',
      'voec-event-id': message.notification.id,
      'voec-event-type': message.notification.type,
      'voec-signature': `t=${timestamp},v1=${sign(webhook.secret, timestamp, body)}`,
    });
    if (status >= 200 && status < 300) {
      return (await deps.deliveries.markDelivered(message, deps.clock.now().toISOString()))
        ? 'delivered'
        : 'duplicate';
    }
    failure = `the endpoint answered ${status}`;
  } catch (error) {
    failure = `the endpoint could not be reached: ${(error as Error).message}`;
  }
  const attempt = message.attempt + 1;
  if (attempt >= deps.settings.maxAttempts) {
    await deps.queue.deadLetter(message, `${failure} (after ${attempt} attempts)`);
    return 'dead-lettered';
  }
  const delay = Math.min(deps.settings.baseDelaySeconds * 2 ** message.attempt, 900);
  await deps.queue.send([{ ...message, attempt }], delay);
  return 'retrying';
}
