/**
 * Shipment status, flags and rule outcomes: the names are the partner contract
 * (`shared/design/partner-api.md`), so they live in one place as zod enums.
 */
import { z } from 'zod';

export const ShipmentStatus = z.enum([
  'RECEIVED',
  'REJECTED',
  'SUBMITTED',
  'ACCEPTED',
  'FAILED',
  'CANCELLED',
  /** Customs released it at the border (routing TO_ENTRY after ACCEPTED). */
  'RELEASED',
]);
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;

/** Digitoll has it (ACCEPTED), and perhaps Customs already released it at the border (RELEASED). */
export const isAcceptedByDigitoll = (status: ShipmentStatus): boolean =>
  status === 'ACCEPTED' || status === 'RELEASED';

export const FlagCode = z.enum([
  'LATE_SUBMISSION',
  'NOTIFICATION_MISSING',
  'DECLARE_IN_TVINN',
  'EXCLUDED_GOODS_SUSPECTED',
  'VOEC_NUMBER_SUSPECT',
  /** Customs' routing at the border (lib/domain/routing.ts): deliver for physical control, fix deficiencies, seized. */
  'CONTROL_ORDERED',
  'ENTRY_PENDING',
  'ENTRY_DENIED',
]);
export type FlagCode = z.infer<typeof FlagCode>;

export const Flag = z.object({
  code: FlagCode,
  raisedAt: z.iso.datetime(),
  detail: z.string().optional(),
  /** JSON pointer into the shipment (relative to the shipment object), where the flag points at a field. */
  path: z.string().optional(),
});
export type Flag = z.infer<typeof Flag>;

/**
 * The VOEC eligibility rules a shipment can break at intake, and SHIPMENT_NUMBER_IN_USE: another
 * manifest's shipment holds this waybill at Digitoll (lib/domain/one-house.ts).
 */
export const RuleCode = z.enum([
  'ITEM_VALUE_LIMIT',
  'CONSIGNEE_NOT_PRIVATE',
  'EXCLUDED_GOODS',
  'SHIPMENT_NUMBER_IN_USE',
]);
export type RuleCode = z.infer<typeof RuleCode>;

export const RuleViolation = z.object({
  rule: RuleCode,
  /** JSON pointer relative to the shipment, e.g. `/items/0/unitValueNok`. */
  path: z.string(),
  message: z.string(),
});
export type RuleViolation = z.infer<typeof RuleViolation>;

/** A flag as the rules produce it, before it gets its timestamp. */
export interface FlagFinding {
  code: FlagCode;
  detail: string;
  path?: string;
}
