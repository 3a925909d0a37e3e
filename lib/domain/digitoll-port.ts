/**
 * What the reporter needs from Digitoll, in the reporter's terms. The HTTP client adapter
 * (`lib/adapters/digitoll/`) implements it; its short in-call retries end in RETRY_LATER or
 * UNKNOWN, and the reporter takes it from there with queue delays (never a sleeping Lambda).
 */
export type DigitollKind = 'transport' | 'master-consignment' | 'house-consignment';

export interface WaybillKey {
  documentNumber: string;
  type: string;
  carrierId: string;
}

/** A synchronous (400) validation error, verbatim. */
export interface DigitollFieldError {
  field: string;
  error: string;
}

/** An asynchronous validation error, verbatim. */
export interface DigitollValidationError {
  description: string;
  messageElementPath: string;
}

export type SubmitOutcome =
  /** 202: Digitoll took it; poll `requestId`. */
  | { outcome: 'TAKEN'; requestId: string }
  /** 400: refused as sent, nothing stored; permanent for this content. */
  | { outcome: 'REFUSED'; errors: DigitollFieldError[] }
  /** Definitely not processed (429, connection refused, 401 before a token refresh...): send again later. */
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
  | { outcome: 'FAILURE'; errors: DigitollValidationError[] }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export type LookupOutcome =
  | { outcome: 'FOUND'; mrn: string }
  | { outcome: 'NOT_FOUND' }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export interface DigitollPort {
  /** POST (no mrn) or PUT (mrn given: full replacement) of a transport, master or house message. */
  submit(kind: DigitollKind, body: unknown, mrn?: string): Promise<SubmitOutcome>;
  /** DELETE by MRN. */
  withdraw(kind: DigitollKind, mrn: string, documentIssueDate: string): Promise<SubmitOutcome>;
  validationStatus(kind: DigitollKind, requestId: string): Promise<StatusOutcome>;
  /** Key-based lookup (query API): is a master or house with this waybill key already at Digitoll? */
  findByWaybill(kind: 'master-consignment' | 'house-consignment', key: WaybillKey): Promise<LookupOutcome>;
}
