/**
 * Typed domain errors: what a use case cannot do at all (the thing does not exist, the input is not
 * valid, a limit would be exceeded). They say what went wrong in domain terms only; the partner
 * API maps them to its answers in one place (functions/http/answers.ts). Decisions a use case takes
 * (created, replayed, a conflict and its reason) are outcomes it returns, not errors.
 */

/** A field the input got wrong. */
export interface FieldError {
  /** JSON pointer into the input, e.g. `/shipments/3/items/0/commodityCode`. */
  path: string;
  code: string;
  message: string;
  /** A value of the wrong type (`invalid_type`): the type the field takes, e.g. "a number in NOK". */
  expected?: string;
  /** … and the type it got, e.g. "a string". */
  received?: string;
}

export abstract class DomainError extends Error {}

export type Missing = 'manifest' | 'shipment' | 'webhook' | 'transit' | 'upload';

/** There is no such thing for this partner (another partner's is not found either). */
export class NotFound extends DomainError {
  override name = 'NotFound';
  constructor(
    readonly what: Missing,
    readonly id: string,
  ) {
    super(`${what} ${id} was not found`);
  }
}

/** The input breaks a constraint of its fields (each error points at one). */
export class InvalidInput extends DomainError {
  override name = 'InvalidInput';
  constructor(readonly errors: FieldError[]) {
    super(`${errors.length} invalid field(s)`);
  }
}

/** Doing this would exceed a limit partners build against (`LIMITS`). */
export class LimitExceeded extends DomainError {
  override name = 'LimitExceeded';
  constructor(
    readonly limit: 'shipmentsPerManifest',
    readonly detail: { manifestId: string; holds: number; adding: number; max: number },
  ) {
    super(`${limit} exceeded`);
  }
}
