/**
 * The ports the domain depends on. Adapters implement them (DynamoDB, SQS); unit tests use fakes.
 */

import type {
  IdempotencyRecord,
  ManifestRecord,
  ShipmentEvent,
  ShipmentRecord,
  ShipmentSummary,
} from './records.ts';
import type { ReportMessage } from './report-message.ts';
import type { ShipmentStatus } from './shipment.ts';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** Unique, time-ordered, URL-safe. */
  newId(): string;
}

export type ClaimOutcome = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

export interface ShipmentFilter {
  status?: ShipmentStatus;
  flag?: string;
}

export interface ManifestRepository {
  /**
   * Atomically records the partner's reference and creates the manifest (IN_PROGRESS), unless
   * the reference exists, in which case the existing record is returned.
   */
  claimReference(record: IdempotencyRecord, manifest: ManifestRecord): Promise<ClaimOutcome>;
  /** Moves the lease of an IN_PROGRESS claim from `expectedLeaseUntil` to `leaseUntil`; false if someone else did. */
  takeOverLease(record: IdempotencyRecord, expectedLeaseUntil: string, leaseUntil: string): Promise<boolean>;
  /** Looks at a stalled intake again at `dueAt`, leaving its lease as it is (the partner may retry any time). */
  rescheduleStalledIntake(
    record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId'>,
    dueAt: string,
  ): Promise<void>;
  /** Ends the lease at once (after a failure), so the partner's retry need not wait. */
  releaseLease(partnerId: string, reference: string, at: string): Promise<void>;
  /** Marks the reference and the manifest COMPLETE, with the mixed-transit record if any. */
  completeIntake(manifest: ManifestRecord): Promise<void>;
  getManifest(partnerId: string, manifestId: string): Promise<ManifestRecord | undefined>;
  setMixedTransit(manifest: ManifestRecord): Promise<void>;
  /** Writes shipments in batches (overwriting: callers write only new or identical ones). */
  putShipments(shipments: ShipmentRecord[]): Promise<void>;
  getShipments(partnerId: string, manifestId: string, shipmentNumbers: string[]): Promise<ShipmentRecord[]>;
  /** The latest manifest's shipment with this number, with its events, or undefined. */
  getLatestShipment(
    partnerId: string,
    shipmentNumber: string,
  ): Promise<{ shipment: ShipmentRecord; events: ShipmentEvent[]; otherManifestIds: string[] } | undefined>;
  listShipments(
    partnerId: string,
    manifestId: string,
    options: { limit: number; cursor?: string; filter: ShipmentFilter },
  ): Promise<Page<ShipmentRecord>>;
  /** Every shipment of the manifest, as index rows (for counts and fan-out completion). */
  summarizeShipments(manifestId: string): Promise<ShipmentSummary[]>;
  /** Intakes still IN_PROGRESS whose lease (or re-check time) ended before `before`. */
  stalledIntakes(before: string, limit: number): Promise<Array<{ partnerId: string; reference: string }>>;
  getIdempotency(partnerId: string, reference: string): Promise<IdempotencyRecord | undefined>;
  /** Replaces a shipment if it is still at `previous.version` (else ConflictError), with its event. */
  replaceShipment(previous: ShipmentRecord, next: ShipmentRecord, event: ShipmentEvent): Promise<void>;
  /** Replaces the manifest's transport if nobody changed it meanwhile (else ConflictError), with its event. */
  replaceTransport(previous: ManifestRecord, next: ManifestRecord, event: ShipmentEvent): Promise<void>;
}

export interface ReportQueue {
  /** Sends every message (in batches), retrying failed entries; throws if some could not be sent. */
  send(messages: ReportMessage[], delaySeconds?: number): Promise<void>;
}

/** Where a report message goes when every attempt failed (alarmed; redrive sends it back). */
export interface DeadLetters {
  send(message: ReportMessage, reason: string): Promise<void>;
}
