/**
 * The webhook payloads partners receive, as zod schemas: the contract (and, through the OpenAPI
 * generator, the document's `webhooks` section). Every payload is
 * `{id, type, timestamp, subject, sequence, data}`, POSTed as JSON with the Standard Webhooks
 * headers `webhook-id` (= `id`), `webhook-timestamp` and `webhook-signature` (see README,
 * "Webhooks"). The body is built by `payload()` in lib/domain/webhooks.ts from the notifications of
 * lib/domain/notifications.ts; test/unit/webhook-payloads.test.ts holds the two together.
 */
import { z } from 'zod';
import { TransitState } from '../domain/ncts.ts';
import { DigitollError } from '../domain/report-state.ts';
import { FlagCode, ShipmentStatus } from '../domain/shipment.ts';

const envelope = {
  id: z
    .string()
    .describe('The event id: the same on every retry (also in `webhook-id`); de-duplicate on it.'),
  timestamp: z.iso.datetime({ offset: true }).describe('When the change happened.'),
  subject: z
    .string()
    .describe(
      'What the event is about: `manifests/{manifestId}/shipments/{shipmentNumber}` or `transits/{mrn}`.',
    ),
  sequence: z
    .number()
    .int()
    .min(1)
    .describe(
      "The subject's version after the change: higher is later within one subject (gaps are changes " +
        'nobody is notified of; the events of one change share it). Order by it; ignore what is older ' +
        'than what you hold.',
    ),
};

export const ShipmentStatusEvent = z
  .object({
    ...envelope,
    type: z.literal('shipment.status'),
    data: z.object({
      manifestId: z.string(),
      shipmentNumber: z.string(),
      status: ShipmentStatus,
      mrn: z.string().optional().describe('The house MRN, once Digitoll accepted it.'),
      digitollErrors: z.array(DigitollError).optional().describe("Digitoll's reasons, when it refused."),
    }),
  })
  .describe("A shipment's status changed (SUBMITTED, ACCEPTED, FAILED, CANCELLED …).");

const flagData = z.object({
  manifestId: z.string(),
  shipmentNumber: z.string(),
  status: ShipmentStatus.describe("The shipment's status when the flag changed."),
  flag: FlagCode,
  estimatedArrival: z.iso.datetime({ offset: true }),
});

export const FlagRaisedEvent = z
  .object({ ...envelope, type: z.literal('flag.raised'), data: flagData })
  .describe('A border flag was raised on a shipment.');

export const FlagClearedEvent = z
  .object({ ...envelope, type: z.literal('flag.cleared'), data: flagData })
  .describe('A border flag no longer applies to a shipment.');

export const TransitClosureEvent = z
  .object({
    ...envelope,
    type: z.literal('transit.closure'),
    data: z.object({ mrn: z.string(), manifestId: z.string(), state: TransitState, reason: z.string() }),
  })
  .describe(
    'The closure of a transit (NCTS) was decided: arrival notification prepared, or manual handling.',
  );

export const ShipmentRoutingEvent = z
  .object({
    ...envelope,
    type: z.literal('shipment.routing'),
    data: z.object({
      manifestId: z.string(),
      shipmentNumber: z.string(),
      status: ShipmentStatus.describe("The shipment's status after the signal (RELEASED on TO_ENTRY)."),
      routing: z
        .string()
        .describe("Customs' routing, verbatim: TO_ENTRY, TO_CONTROL, ENTRY_PENDING, ENTRY_DENIED."),
      controlLocation: z
        .string()
        .optional()
        .describe('For TO_CONTROL: ON_ENTRY (at the border) or AFTER_ENTRY.'),
      at: z.string().describe('When Customs published the signal.'),
      mrn: z.string().optional(),
    }),
  })
  .describe("Customs' control signal for a shipment at the border (routing).");

export const ManifestUploadCompletedEvent = z
  .object({
    ...envelope,
    type: z.literal('manifest-upload.completed'),
    data: z.object({
      uploadId: z.string(),
      reference: z.string(),
      status: z
        .enum(['COMPLETED', 'FAILED'])
        .describe(
          'COMPLETED (stored as a manifest) or FAILED (see GET …/manifest-uploads/{uploadId} for the errors)',
        ),
      manifestId: z.string().optional().describe('The manifest the upload made (COMPLETED only).'),
      shipmentsStored: z.number().int(),
      counts: z.record(z.string(), z.number().int()).describe('Shipments by status'),
      errorCount: z.number().int(),
    }),
  })
  .describe('A bulk upload finished: COMPLETED or FAILED.');

export const WebhookPayload = z.discriminatedUnion('type', [
  ShipmentStatusEvent,
  FlagRaisedEvent,
  FlagClearedEvent,
  TransitClosureEvent,
  ShipmentRoutingEvent,
  ManifestUploadCompletedEvent,
]);
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** Each event type's payload, by type: what the OpenAPI document's `webhooks` section lists. */
export const WEBHOOK_PAYLOADS = {
  'shipment.status': ShipmentStatusEvent,
  'flag.raised': FlagRaisedEvent,
  'flag.cleared': FlagClearedEvent,
  'transit.closure': TransitClosureEvent,
  'shipment.routing': ShipmentRoutingEvent,
  'manifest-upload.completed': ManifestUploadCompletedEvent,
} as const;
