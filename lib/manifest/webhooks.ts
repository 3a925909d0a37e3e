/**
 * What a partner's webhook endpoint receives: one JSON body per event, `{id, type, at, data}`, its
 * `data` per event type. These schemas are the contract of the deliveries (the OpenAPI document's
 * `webhooks` section is generated from them); test/unit/webhook-payloads.test.ts holds the domain's
 * notification builders to them, so neither can change without the other.
 */
import { z } from 'zod';
import { TransitState } from '../domain/ncts.ts';
import { DigitollError } from '../domain/report-state.ts';
import { FlagCode, ShipmentStatus } from '../domain/shipment.ts';
import type { NamedSchema } from './openapi.ts';

const envelope = <T extends string, D extends z.ZodObject>(type: T, data: D) =>
  z.strictObject({
    id: z
      .string()
      .describe('The event id: the same change delivered twice has the same id (de-duplicate on it)'),
    type: z.literal(type),
    at: z.string().describe('When the change happened (ISO 8601)'),
    data,
  });

const ShipmentRef = {
  manifestId: z.string(),
  shipmentNumber: z.string(),
  status: ShipmentStatus.describe('The shipment status after the change'),
};

export const ShipmentStatusEvent = envelope(
  'shipment.status',
  z.strictObject({
    ...ShipmentRef,
    mrn: z.string().optional().describe('The MRN Digitoll gave the house consignment, once ACCEPTED'),
    digitollErrors: z
      .array(DigitollError)
      .optional()
      .describe("Digitoll's errors, verbatim, when it refused the report"),
  }),
);

const flagData = z.strictObject({
  ...ShipmentRef,
  flag: FlagCode,
  estimatedArrival: z.string().describe("The transport's ETA at the border the flag was decided on"),
});
export const FlagRaisedEvent = envelope('flag.raised', flagData);
export const FlagClearedEvent = envelope('flag.cleared', flagData);

export const TransitClosureEvent = envelope(
  'transit.closure',
  z.strictObject({
    mrn: z.string().describe('The NCTS transit MRN'),
    manifestId: z.string(),
    state: TransitState,
    reason: z.string(),
  }),
);

export const WebhookEvent = z.discriminatedUnion('type', [
  ShipmentStatusEvent,
  FlagRaisedEvent,
  FlagClearedEvent,
  TransitClosureEvent,
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** One event type partners receive, as the OpenAPI `webhooks` section describes it. */
export interface WebhookSpec {
  /** The event type, also the key in `webhooks`. */
  readonly type: WebhookEvent['type'];
  readonly operationId: string;
  readonly summary: string;
  readonly payload: NamedSchema;
}

export const WEBHOOKS: readonly WebhookSpec[] = [
  {
    type: 'shipment.status',
    operationId: 'onShipmentStatus',
    summary:
      'A shipment changed status (SUBMITTED, ACCEPTED with its MRN, FAILED with the errors, CANCELLED, …)',
    payload: { name: 'ShipmentStatusEvent', schema: ShipmentStatusEvent },
  },
  {
    type: 'flag.raised',
    operationId: 'onFlagRaised',
    summary: 'A border flag was raised on a shipment (e.g. NOTIFICATION_MISSING, DECLARE_IN_TVINN)',
    payload: { name: 'FlagRaisedEvent', schema: FlagRaisedEvent },
  },
  {
    type: 'flag.cleared',
    operationId: 'onFlagCleared',
    summary: 'A border flag was cleared from a shipment',
    payload: { name: 'FlagClearedEvent', schema: FlagClearedEvent },
  },
  {
    type: 'transit.closure',
    operationId: 'onTransitClosure',
    summary:
      'The closure of an NCTS transit was decided (closed by Digitoll, arrival notification prepared, or manual handling)',
    payload: { name: 'TransitClosureEvent', schema: TransitClosureEvent },
  },
];

/** A header every delivery carries. */
export interface WebhookHeader {
  readonly name: string;
  readonly description: string;
}

/** The headers of a delivery (lib/domain/webhooks.ts sets them; the receiver verifies by them). */
export const WEBHOOK_HEADERS: readonly WebhookHeader[] = [
  { name: 'voec-event-id', description: 'The event id (as in the body): de-duplicate on it' },
  { name: 'voec-event-type', description: 'The event type (as in the body)' },
  {
    name: 'voec-signature',
    description:
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>; refuse a t older than 5 minutes',
  },
];
