/**
 * What the domain stores, as zod schemas: the table adapter validates items it reads with these.
 */
import { z } from 'zod';
import { MasterConsignment, Shipment, Transit, Transport } from '../manifest/schema.ts';
import { ReportState } from './report-state.ts';
import { BorderState } from './routing.ts';
import { Flag, RuleViolation, ShipmentStatus } from './shipment.ts';

export const IntakeState = z.enum(['IN_PROGRESS', 'COMPLETE']);
export type IntakeState = z.infer<typeof IntakeState>;

export const MixedTransit = z.object({
  reason: z.string(),
  ineligibleShipmentNumbers: z.array(z.string()),
  recordedAt: z.iso.datetime(),
});

export const ManifestRecord = z.object({
  partnerId: z.string(),
  manifestId: z.string(),
  reference: z.string(),
  receivedAt: z.iso.datetime(),
  transport: Transport,
  transit: Transit.optional(),
  masterConsignment: MasterConsignment.optional(),
  /** Shipments the first request carried; with later additions the manifest index holds the truth. */
  initialShipmentCount: z.number().int(),
  intake: IntakeState,
  mixedTransit: MixedTransit.optional(),
  /** The first ETA reported: Digitoll's scheduledDateAndTimeOfArrival, which never changes. */
  scheduledArrival: z.iso.datetime().optional(),
  /** Bumped by every transport update (PATCH), for optimistic concurrency. */
  transportRevision: z.number().int().optional(),
  transportReport: ReportState.optional(),
  masterReport: ReportState.optional(),
  /** The bulk upload it came from: such a manifest may hold up to LIMITS.shipmentsPerUpload shipments. */
  uploadId: z.string().optional(),
});
export type ManifestRecord = z.infer<typeof ManifestRecord>;

/**
 * How a transport crosses the border; it decides which Digitoll movement API reports it. A
 * transport without a mode is a road transport (the contract's default, and every record stored
 * before air).
 */
export type TransportMode = 'ROAD' | 'AIR';

export function transportModeOf(manifest: Pick<ManifestRecord, 'transport'>): TransportMode {
  return manifest.transport.mode === 'AIR' ? 'AIR' : 'ROAD';
}

export const IdempotencyRecord = z.object({
  partnerId: z.string(),
  reference: z.string(),
  manifestId: z.string(),
  bodyHash: z.string(),
  receivedAt: z.iso.datetime(),
  state: IntakeState,
  /** While IN_PROGRESS, the request holding the lease is completing it; after it, anyone may. */
  leaseUntil: z.iso.datetime(),
  /** Some shipments were refused because their number was in use: a replay answers them as stored. */
  answerFromStore: z.boolean().optional(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

export const ShipmentRecord = z.object({
  partnerId: z.string(),
  manifestId: z.string(),
  shipmentNumber: z.string(),
  status: ShipmentStatus,
  flags: z.array(Flag),
  rejections: z.array(RuleViolation),
  /** Normalised VOEC number (digits). */
  voecNumber: z.string(),
  input: Shipment,
  inputHash: z.string(),
  receivedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Incremented by every change, for optimistic concurrency. */
  version: z.number().int(),
  /** The outcome at intake; the first event of the timeline. */
  intake: z.object({ status: ShipmentStatus, flags: z.array(Flag), rejections: z.array(RuleViolation) }),
  /** Border ETA of the transport (UTC), copied so deadlines need no manifest read. */
  estimatedArrival: z.iso.datetime(),
  mrn: z.string().optional(),
  /** The Digitoll report of this house consignment; absent until the reporter first touches it. */
  report: ReportState.optional(),
  /** The quarter of its first acceptance: the seller statement it counts in (voec-statement.ts). */
  statementQuarter: z.string().optional(),
  /** The partner withdrew it (DELETE); the reporter deletes it at Digitoll, then it is CANCELLED. */
  withdrawalRequestedAt: z.iso.datetime().optional(),
  /** Customs' latest routing signal at the border (absent until the first one). */
  border: BorderState.optional(),
});
export type ShipmentRecord = z.infer<typeof ShipmentRecord>;

export const ShipmentEvent = z.object({
  at: z.iso.datetime(),
  type: z.string(),
  actor: z.string(),
  /** What the event is about: the house (the shipment itself), its MASTER or its TRANSPORT. */
  subject: z.enum(['HOUSE', 'MASTER', 'TRANSPORT']).optional(),
  detail: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ShipmentEvent = z.infer<typeof ShipmentEvent>;

/** A row of the manifest index: enough to count and filter without reading the shipment. */
export interface ShipmentSummary {
  shipmentNumber: string;
  status: ShipmentStatus;
  flagCodes: string[];
}
