/**
 * Response bodies of the partner API, as zod schemas (they feed the OpenAPI document).
 */
import { z } from 'zod';
import { TransitRecord } from '../domain/ncts.ts';
import { DigitollError } from '../domain/report-state.ts';
import { Flag, FlagCode, RuleViolation, ShipmentStatus } from '../domain/shipment.ts';
import { TvinnDeclarationDraft } from '../domain/tvinn.ts';
import { Webhook } from '../domain/webhooks.ts';
import { AirTransport, MasterConsignment, RoadTransport, Shipment, Transit, Transport } from './schema.ts';

export const ShipmentOutcome = z.object({
  shipmentNumber: z.string(),
  status: ShipmentStatus,
  flags: z.array(Flag),
  /** Rules broken; paths are JSON pointers into the request that carried the shipment. */
  rejections: z.array(RuleViolation),
});
export type ShipmentOutcome = z.infer<typeof ShipmentOutcome>;

export const MixedTransitView = z.object({
  reason: z.string(),
  ineligibleShipmentNumbers: z.array(z.string()),
  recordedAt: z.string(),
});

export const IntakeResponse = z.object({
  manifestId: z.string(),
  reference: z.string(),
  receivedAt: z.string(),
  transit: z
    .object({ mrn: z.string(), mixed: z.boolean(), mixedTransit: MixedTransitView.optional() })
    .optional(),
  counts: z.partialRecord(ShipmentStatus, z.number().int()),
  shipments: z.array(ShipmentOutcome),
});
export type IntakeResponse = z.infer<typeof IntakeResponse>;

/** How the transport's report stands, beside the transport (road or air). */
const TRANSPORT_REPORT_VIEW = {
  digitollStatus: z.string().describe('PENDING, IN_FLIGHT, UNCERTAIN, SUBMITTED, ACCEPTED or FAILED'),
  mrn: z.string().optional(),
  digitollErrors: z.array(DigitollError).optional(),
};

export const ManifestView = z.object({
  manifestId: z.string(),
  reference: z.string(),
  receivedAt: z.string(),
  intake: z.enum(['IN_PROGRESS', 'COMPLETE']),
  transport: z.discriminatedUnion('mode', [
    RoadTransport.extend(TRANSPORT_REPORT_VIEW),
    AirTransport.extend(TRANSPORT_REPORT_VIEW),
  ]),
  masterReport: z
    .object({
      digitollStatus: z.string(),
      mrn: z.string().optional(),
      digitollErrors: z.array(DigitollError).optional(),
    })
    .optional(),
  transit: Transit.extend({ mixed: z.boolean(), mixedTransit: MixedTransitView.optional() }).optional(),
  masterConsignment: MasterConsignment.optional(),
  shipmentCount: z.number().int(),
  counts: z.partialRecord(ShipmentStatus, z.number().int()),
  openFlags: z.partialRecord(FlagCode, z.number().int()),
  borderCounts: z
    .partialRecord(z.enum(['RELEASED', 'TO_CONTROL', 'ENTRY_PENDING', 'ENTRY_DENIED']), z.number().int())
    .describe("Shipments by Customs' latest routing at the border (absent: no signal yet)"),
});
export type ManifestView = z.infer<typeof ManifestView>;

export const ShipmentView = z.object({
  shipmentNumber: z.string(),
  manifestId: z.string(),
  status: ShipmentStatus,
  voecNumber: z.string(),
  mrn: z.string().optional(),
  flags: z.array(Flag),
  rejections: z.array(RuleViolation),
  /** Digitoll's errors, verbatim, with the path into our data where it could be mapped. */
  digitollErrors: z.array(DigitollError).optional(),
  /** Why a FAILED shipment failed (Digitoll refused it, or it could not be delivered). */
  failureReason: z.string().optional(),
  withdrawalRequestedAt: z.string().optional(),
  receivedAt: z.string(),
  updatedAt: z.string(),
  estimatedArrival: z.string().describe("The transport's current ETA at the border"),
  border: z
    .object({
      routing: z.string().describe('TO_ENTRY, TO_CONTROL, ENTRY_PENDING or ENTRY_DENIED, as Customs sent it'),
      controlLocation: z.string().optional().describe('ON_ENTRY or AFTER_ENTRY, as Customs sent it'),
      at: z.string().describe('When Customs published the routing'),
    })
    .optional()
    .describe("Customs' latest routing signal for this shipment (absent until the transport has arrived)"),
  shipment: Shipment,
});
export type ShipmentView = z.infer<typeof ShipmentView>;

export const TimelineEvent = z.object({
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  subject: z.enum(['HOUSE', 'MASTER', 'TRANSPORT']).optional(),
  detail: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const ShipmentDetail = ShipmentView.extend({
  timeline: z.array(TimelineEvent),
  /** Earlier manifests that carried the same shipment number. */
  otherManifestIds: z.array(z.string()),
});
export type ShipmentDetail = z.infer<typeof ShipmentDetail>;

export const ShipmentPage = z.object({
  items: z.array(ShipmentView),
  cursor: z.string().optional().describe('Pass as ?cursor= to get the next page; absent on the last page'),
});
export type ShipmentPage = z.infer<typeof ShipmentPage>;

/** One transport on the border board (GET /v1/manifests): the manifest without its shipments, with counts. */
export const ManifestSummary = z.object({
  manifestId: z.string(),
  partnerId: z.string().describe("Whose manifest (operators see every partner's)"),
  reference: z.string(),
  receivedAt: z.string(),
  transport: z.object({
    mode: z.enum(['ROAD', 'AIR']),
    vehicleRegistration: z.string().optional().describe('ROAD: the plate'),
    vehicleCountry: z.string().optional().describe('ROAD'),
    flightNumber: z.string().optional().describe('AIR'),
    aircraftRegistration: z.string().optional().describe('AIR'),
    borderCrossing: z.string(),
    estimatedArrival: z.string().describe('The current ETA (UTC)'),
    scheduledArrival: z.string().optional().describe('The first ETA reported to Digitoll'),
    digitollStatus: z.string().describe('PENDING, IN_FLIGHT, UNCERTAIN, SUBMITTED, ACCEPTED or FAILED'),
    mrn: z.string().optional(),
  }),
  reportingCutoff: z.string().describe('ETA − 2 hours: Digitoll must have every house by then'),
  masterConsignment: z
    .object({
      waybill: z.object({ number: z.string(), type: z.string() }),
      digitollStatus: z.string(),
      mrn: z.string().optional(),
    })
    .optional(),
  transit: z.object({ mrn: z.string(), mixed: z.boolean() }).optional(),
  shipmentCount: z.number().int(),
  counts: z.partialRecord(ShipmentStatus, z.number().int()),
  openFlags: z.partialRecord(FlagCode, z.number().int()),
  border: z
    .partialRecord(z.enum(['RELEASED', 'CONTROL_ORDERED', 'ENTRY_PENDING', 'ENTRY_DENIED']), z.number().int())
    .optional()
    .describe("Shipments by Customs' latest routing at the border (absent: no signal yet)"),
  countedAt: z.string().describe('When the counts were taken (at most 30 s before the answer)'),
});
export type ManifestSummary = z.infer<typeof ManifestSummary>;

export const ManifestSummaryPage = z.object({
  items: z.array(ManifestSummary),
  cursor: z.string().optional().describe('Pass as ?cursor= to get the next page; absent on the last page'),
});
export type ManifestSummaryPage = z.infer<typeof ManifestSummaryPage>;

/** The answer to a transport update. */
export const TransportView = z.object({ manifestId: z.string(), transport: Transport });
export type TransportView = z.infer<typeof TransportView>;

export const AlertList = z.object({
  alerts: z.array(
    z.object({
      partnerId: z.string().describe("Whose shipment (operators see every partner's)"),
      manifestId: z.string(),
      shipmentNumber: z.string(),
      flag: z.string(),
      raisedAt: z.string(),
      detail: z.string(),
      estimatedArrival: z.string(),
      minutesToBorder: z.number().int().nullable().describe('Negative once the ETA passed'),
    }),
  ),
});
export type AlertList = z.infer<typeof AlertList>;

export const TvinnDeclarations = z.object({
  manifestId: z.string(),
  declarations: z.array(TvinnDeclarationDraft),
});

export const TransitView = TransitRecord;

/** A new webhook: the secret that signs every delivery is shown this once. */
export const WebhookCreated = Webhook;

export const WebhookList = z.object({ webhooks: z.array(Webhook.omit({ secret: true })) });

/** The driver's list of a transport (GET /v1/manifests/{manifestId}/driver-list). */
export const DriverList = z.object({
  manifestId: z.string(),
  reference: z.string(),
  transport: z.object({
    mode: z.enum(['ROAD', 'AIR']),
    vehicleRegistration: z.string().optional(),
    vehicleCountry: z.string().optional(),
    flightNumber: z.string().optional(),
    mrn: z.string().optional().describe("The transport's MRN, once Digitoll accepted it"),
    borderCrossing: z.string(),
    estimatedArrival: z.string(),
  }),
  shipments: z.array(
    z.object({
      shipmentNumber: z.string(),
      voecNumber: z.string(),
      itemCount: z.number().int(),
      mrn: z.string().optional(),
      status: ShipmentStatus,
      accepted: z.boolean().describe('Digitoll accepted the house consignment'),
    }),
  ),
  notAcceptedCount: z.number().int().describe('Shipments on board that Digitoll has not accepted'),
});

/** Who is signed in: a partner or the carrier's operator (GET /v1/me). */
export const Me = z.object({
  role: z.enum(['partner', 'operator']),
  partnerId: z.string().optional().describe("The partner's id (partner keys only)"),
  operatorId: z.string().optional().describe("The operator's id (operator keys only)"),
});

/** The VOEC seller statement of a quarter (GET /v1/voec-statements). */
export const VoecStatementView = z.object({
  quarter: z.string(),
  periodStart: z.string().describe("The quarter's first instant (Norway's midnight), UTC"),
  periodEnd: z.string().describe('The first instant after the quarter, UTC'),
  timeZone: z.literal('Europe/Oslo'),
  filingDeadline: z.string().describe('The date the VOEC return and payment are due: quarter end + 20 days'),
  sellers: z.array(
    z.object({
      voecNumber: z.string(),
      shipmentCount: z.number().int(),
      itemLineCount: z.number().int(),
      valueNok: z.number().int().describe('Declared value in whole kroner (nearest, half up)'),
      shipments: z.array(
        z.object({
          manifestId: z.string(),
          shipmentNumber: z.string(),
          itemLines: z.number().int(),
          valueNok: z.number().int(),
        }),
      ),
    }),
  ),
});

export const Health = z.object({ status: z.literal('ok') });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z
    .array(
      z.object({
        path: z.string(),
        code: z.string(),
        message: z.string(),
        expected: z
          .string()
          .optional()
          .describe('invalid_type: the type the field takes, e.g. "a number in NOK"'),
        received: z.string().optional().describe('invalid_type: the type it got, e.g. "a string"'),
      }),
    )
    .optional()
    .describe('One entry per problem; path is a JSON pointer into the request'),
});
