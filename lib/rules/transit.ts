/**
 * Mixed NCTS transits (`shared/reference/voec-rules.md`, "NCTS transit closure"): a transit
 * cannot be partly closed, so VOEC goods must not share a transit document with goods that
 * are not VOEC goods. A transit carrying any shipment that is not VOEC-eligible (status
 * REJECTED at intake) is mixed, and we refuse it at intake.
 *
 * Only REJECTED counts as ineligible: a FAILED shipment was VOEC-eligible by our rules and is
 * still meant to be VOEC goods (fixed and resubmitted), and a CANCELLED one was taken off.
 */
import type { ShipmentStatus } from '../domain/shipment.ts';

/** How many shipment numbers the reason names before "and N more". */
const NAMED_IN_REASON = 5;

export function isMixedTransit(
  shipments: ReadonlyArray<{ shipmentNumber: string; status: ShipmentStatus }>,
): { mixed: false } | { mixed: true; reason: string; ineligibleShipmentNumbers: string[] } {
  const ineligibleShipmentNumbers = shipments
    .filter((shipment) => shipment.status === 'REJECTED')
    .map((shipment) => shipment.shipmentNumber);
  if (ineligibleShipmentNumbers.length === 0) return { mixed: false };

  const count = ineligibleShipmentNumbers.length;
  const named = ineligibleShipmentNumbers.slice(0, NAMED_IN_REASON).join(', ');
  const more = count > NAMED_IN_REASON ? ` and ${count - NAMED_IN_REASON} more` : '';
  const reason =
    `The transit carries ${count} ${count === 1 ? 'shipment that is' : 'shipments that are'} not VOEC goods ` +
    `(${named}${more}) among ${shipments.length} in total; an NCTS transit cannot be partly closed, ` +
    'so VOEC goods must travel under a transit document of their own.';
  return { mixed: true, reason, ineligibleShipmentNumbers };
}
