/**
 * The webhook events as the OpenAPI `webhooks` section lists them: each type with its payload
 * schema (lib/manifest/webhook-payloads.ts, the one definition of what is delivered) and the
 * Standard Webhooks headers every delivery carries.
 */

import type { NamedSchema } from './openapi.ts';
import {
  FlagClearedEvent,
  FlagRaisedEvent,
  ManifestUploadCompletedEvent,
  ShipmentRoutingEvent,
  ShipmentStatusEvent,
  TransitClosureEvent,
  type WebhookPayload,
} from './webhook-payloads.ts';

/** One event type partners receive, as the OpenAPI `webhooks` section describes it. */
export interface WebhookSpec {
  /** The event type, also the key in `webhooks`. */
  readonly type: WebhookPayload['type'];
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
  {
    type: 'shipment.routing',
    operationId: 'onShipmentRouting',
    summary:
      "Customs' control signal at the border for a shipment: TO_ENTRY (released), TO_CONTROL (with its location), ENTRY_PENDING or ENTRY_DENIED",
    payload: { name: 'ShipmentRoutingEvent', schema: ShipmentRoutingEvent },
  },
  {
    type: 'manifest-upload.completed',
    operationId: 'onManifestUploadCompleted',
    summary: 'A bulk upload (POST /v1/manifest-uploads) finished: COMPLETED with its manifest, or FAILED',
    payload: { name: 'ManifestUploadCompletedEvent', schema: ManifestUploadCompletedEvent },
  },
];

/** A header every delivery carries. */
export interface WebhookHeader {
  readonly name: string;
  readonly description: string;
}

/** The headers of a delivery (lib/domain/webhooks.ts sets them; the receiver verifies by them). */
export const WEBHOOK_HEADERS: readonly WebhookHeader[] = [
  {
    name: 'webhook-id',
    description: 'Standard Webhooks: the event id (as `id` in the body): de-duplicate on it',
  },
  { name: 'webhook-timestamp', description: 'Standard Webhooks: unix seconds of the delivery attempt' },
  {
    name: 'webhook-signature',
    description:
      'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">` with the `whsec_` secret; verify with a standardwebhooks library',
  },
];
