/**
 * What a use case can decide besides doing what was asked: a conflict with the current state (the
 * caller may retry, send another body, or amend instead) or a breach of a business rule (the
 * change is well-formed but not allowed). Use cases return them as outcomes; the partner API says
 * how it answers each (functions/http/answers.ts).
 */
import type { ManifestRecord, ShipmentRecord } from './records.ts';
import type { RuleViolation } from './shipment.ts';

export type Conflict =
  /** The partner's reference names a manifest accepted with a different body. */
  | { reason: 'reference-reused'; reference: string; manifestId: string }
  /**
   * The manifest is being accepted right now: by the request holding the lease, by one that took the
   * lease over a moment ago, or (adding shipments) its intake has not completed yet.
   */
  | { reason: 'intake-in-progress'; manifestId: string; by: 'lease-holder' | 'lease-taker' | 'intake' }
  /** The transport was due at the border: it may have crossed, so nothing about it changes any more. */
  | {
      reason: 'transport-crossed';
      manifestId: string;
      estimatedArrival: string;
      attempted: 'adding-shipments' | 'amending' | 'withdrawing' | 'changing-transport-without-eta';
    }
  /** These shipment numbers are on the manifest already, with other content. */
  | {
      reason: 'shipment-exists';
      manifestId: string;
      shipments: Array<{ index: number; shipmentNumber: string }>;
    }
  /**
   * These shipment numbers are held at Digitoll by another manifest's live shipment (one-house.ts):
   * `index` into the request's shipments (absent for an amendment), `manifestId` only when that
   * manifest is the caller's own.
   */
  | {
      reason: 'shipment-number-in-use';
      shipments: Array<{ index?: number; shipmentNumber: string; manifestId?: string }>;
    }
  /** The shipment number is the house waybill key at Digitoll. */
  | { reason: 'shipment-number-immutable'; shipmentNumber: string; requested: string }
  /** The vehicle registration is a key of the transport at Digitoll once it is reported. */
  | { reason: 'vehicle-registration-immutable'; vehicleRegistration: string }
  | { reason: 'shipment-withdrawn'; shipmentNumber: string }
  /** Someone changed it between our read and our write. */
  | { reason: 'changed-meanwhile'; shipmentNumber: string }
  | { reason: 'transport-changed-meanwhile'; manifestId: string };

export type RuleBreach =
  /** An amendment that would no longer be VOEC-eligible (nothing was changed). */
  | { reason: 'voec-rules'; violations: RuleViolation[] }
  | { reason: 'eta-in-the-past'; estimatedArrival: string };

export type Conflicted = { outcome: 'conflict'; conflict: Conflict };
export type Refused = { outcome: 'refused'; breach: RuleBreach };

/** What an intake produced: the manifest and its shipments, as they were received. */
export interface Intake {
  manifest: ManifestRecord;
  shipments: ShipmentRecord[];
}
