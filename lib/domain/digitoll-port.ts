/**
 * What the reporter needs from Digitoll, in the reporter's terms: it hands over what it knows (the
 * kind of message, the manifest, the shipment, the operation) and gets outcomes back. The adapter
 * (`lib/adapters/digitoll/`) owns the wire format: it maps our records to the messages of the
 * Digitoll API of the transport's mode (road v2 or air), tells the reporter what it needs of a
 * message (its content hash, the scheduled arrival a transport carries), and maps Digitoll's error
 * paths back into our data. Its short in-call retries end in RETRY_LATER or UNKNOWN, and the
 * reporter takes it from there with queue delays (never a sleeping Lambda).
 */
import type { ManifestRecord, ShipmentRecord } from './records.ts';
import type { ReportTarget } from './report-message.ts';
import type { DigitollError } from './report-state.ts';

/** What is being reported: a transport, a master or a house, of this manifest. */
export interface DigitollSubject {
  kind: ReportTarget;
  manifest: ManifestRecord;
}

export type DigitollMessage =
  | {
      kind: 'TRANSPORT';
      manifest: ManifestRecord;
      /** The scheduled arrival Digitoll has; before the transport is first accepted, its current ETA. */
      scheduledArrival: string | undefined;
    }
  | { kind: 'MASTER'; manifest: ManifestRecord }
  | { kind: 'HOUSE'; manifest: ManifestRecord; shipment: ShipmentRecord };

/** A master or a house: those can be looked up by their waybill key. */
export type KeyedMessage = Extract<DigitollMessage, { kind: 'MASTER' | 'HOUSE' }>;

/** What the reporter needs to know of a message as it would be sent now. */
export interface PreparedMessage {
  /** Equal hashes mean Digitoll has this content already (the issue date aside). */
  contentHash: string;
  /** A transport: the scheduled arrival it carries. */
  scheduledArrival?: string;
}

export type SubmitOutcome =
  /** Digitoll took it; poll `requestId`. */
  | { outcome: 'TAKEN'; requestId: string }
  /** Refused as sent, nothing stored; permanent for this content (errors verbatim, located in our data). */
  | { outcome: 'REFUSED'; errors: DigitollError[] }
  /** Definitely not processed (throttled, not reachable, token refreshed...): send again later. */
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string }
  /** May or may not have been processed (timeout, dropped connection, 5xx): look before sending again. */
  | { outcome: 'UNKNOWN'; reason: string };

export type StatusOutcome =
  | { outcome: 'NOT_READY' }
  | {
      outcome: 'SUCCESS';
      mrn: string;
      documentStatus?: string;
      incompleteReasons?: string[];
    }
  /** Digitoll's validation failed (errors verbatim, located in our data). */
  | { outcome: 'FAILURE'; errors: DigitollError[] }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export type LookupOutcome =
  | { outcome: 'FOUND'; mrn: string }
  | { outcome: 'NOT_FOUND' }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export type Submission = { operation: 'CREATE' } | { operation: 'UPDATE'; mrn: string };

export interface DigitollPort {
  /** The message as it would be sent now (pure: nothing is sent). */
  prepare(message: DigitollMessage): PreparedMessage;
  /** Creates it, or replaces it in full by its MRN. */
  submit(message: DigitollMessage, submission: Submission): Promise<SubmitOutcome>;
  /** Deletes it by its MRN. */
  withdraw(subject: DigitollSubject, mrn: string): Promise<SubmitOutcome>;
  validationStatus(subject: DigitollSubject, requestId: string): Promise<StatusOutcome>;
  /** Is this master or house at Digitoll already (looked up by its waybill key)? */
  findExisting(message: KeyedMessage): Promise<LookupOutcome>;
}
