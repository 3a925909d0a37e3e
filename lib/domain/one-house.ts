/**
 * One live house per waybill (issue #12 item 2). At Digitoll a house consignment is keyed by its
 * waybill (the carrier, the waybill type and the shipment number); we must never hold two active
 * house consignments for one waybill there. So the number is *claimed* for the shipment that
 * reports it, in the same write that stores the shipment (a registry item per house key, see
 * lib/adapters/dynamodb/house-claims.ts), and a second manifest carrying a number that another
 * shipment still holds is refused for that shipment:
 * - in a new manifest, the shipment is stored REJECTED with rule SHIPMENT_NUMBER_IN_USE (the rest of
 *   the manifest goes ahead);
 * - in shipments added to a manifest, or in an amendment, the request is a conflict.
 * The claim is released when its shipment no longer holds a house at Digitoll (`holdsHouse`): the
 * next claimant finds the holder released and takes the claim over, conditional on the holder not
 * having changed meanwhile, so the release cannot race with a revival of the holder (an amendment).
 */
import type { ShipmentRecord } from './records.ts';
import type { RuleViolation } from './shipment.ts';

/** The shipment that holds a house key: enough to read it (any partner's) and to name it (our own). */
export interface HouseHolder {
  partnerId: string;
  manifestId: string;
}

/** A shipment refused because another shipment holds its house key. */
export interface HeldElsewhere {
  shipmentNumber: string;
  holder: HouseHolder;
}

/**
 * Whether this shipment holds (or may hold) a house consignment at Digitoll, so no other shipment
 * may report the same waybill. It does not once CANCELLED (deleted at Digitoll, or never reported),
 * when REJECTED at intake (never reported), or when Digitoll refused its first report (FAILED
 * without MRN, with Digitoll's errors: nothing was created there). Everything else holds it: a
 * shipment being reported, accepted, being withdrawn, or FAILED in a way that leaves the outcome
 * unknown (it gave up, or no Digitoll answer was recorded).
 */
export function holdsHouse(shipment: Pick<ShipmentRecord, 'status' | 'mrn' | 'report'>): boolean {
  switch (shipment.status) {
    case 'CANCELLED':
    case 'REJECTED':
      return false;
    case 'FAILED': {
      const report = shipment.report;
      const refusedBeforeCreation =
        shipment.mrn === undefined &&
        report !== undefined &&
        report.phase === 'FAILED' &&
        report.mrn === undefined &&
        report.gaveUp !== true &&
        (report.errors?.length ?? 0) > 0;
      return !refusedBeforeCreation;
    }
    default:
      return true;
  }
}

/**
 * How long a claim whose holder shipment is not stored counts as held: longer than any invocation
 * can run (Lambda's hard limit is 15 minutes; the intake's own timeout is 29 s), plus a margin for
 * clocks. Intake writes a batch of claims first and the shipments right after (so a shipment to be
 * reported is never stored without its claim); between the two, or after a crash between them, the
 * claim names a shipment that is not there yet. Until the lease has passed that claim is held: its
 * claimant may still write the shipment (or its retry may, with the same manifest id). Only a claim
 * older than any invocation, whose shipment never came (a crash, no retry) or is gone (expired), is
 * released. A claimant refreshes `claimedAt` each time it writes its claim, so a retry renews it.
 */
export const CLAIM_LEASE_MS = 20 * 60_000;

/**
 * Whether a claim still holds its house key for the shipment it names: that shipment `holdsHouse`,
 * or it is not stored and the claim is younger than CLAIM_LEASE_MS (its claimant may be writing it).
 */
export function claimHeld(
  holder: Pick<ShipmentRecord, 'status' | 'mrn' | 'report'> | undefined,
  claimedAt: string | undefined,
  now: Date,
): boolean {
  if (holder) return holdsHouse(holder);
  const at = claimedAt === undefined ? Number.NaN : Date.parse(claimedAt);
  // A claim without a readable time cannot be dated: held, rather than risk two live houses.
  if (Number.isNaN(at)) return true;
  return now.getTime() - at < CLAIM_LEASE_MS;
}

/** Whether intake or an amendment must claim the house key before storing this shipment. */
export function claimsHouse(shipment: Pick<ShipmentRecord, 'status'>): boolean {
  return shipment.status !== 'REJECTED' && shipment.status !== 'CANCELLED';
}

/** The rule a shipment breaks when its number is held by another shipment. */
export function numberInUse(partnerId: string, held: HeldElsewhere): RuleViolation {
  const own = held.holder.partnerId === partnerId;
  return {
    rule: 'SHIPMENT_NUMBER_IN_USE',
    path: '/shipmentNumber',
    message: own
      ? `Shipment ${held.shipmentNumber} is live on manifest ${held.holder.manifestId} (reported, or being reported, to Digitoll): withdraw it there first, then submit it again`
      : `Shipment ${held.shipmentNumber} is held by another manifest of this carrier at Digitoll; it cannot be reported twice`,
  };
}

/** The shipment stored instead of one refused because its number is in use: REJECTED, never reported. */
export function refusedInUse(record: ShipmentRecord, held: HeldElsewhere): ShipmentRecord {
  const rejections = [numberInUse(record.partnerId, held)];
  return {
    ...record,
    status: 'REJECTED',
    rejections,
    intake: { ...record.intake, status: 'REJECTED', rejections },
  };
}

/** Whether a stored shipment was refused because its number was in use. */
export function wasRefusedInUse(record: Pick<ShipmentRecord, 'rejections'>): boolean {
  return record.rejections.some((violation) => violation.rule === 'SHIPMENT_NUMBER_IN_USE');
}

/**
 * Of the shipments carrying one number (latest manifest first), the one the partner means: the
 * latest that holds a house at Digitoll, else the latest. A live report is never hidden behind a
 * newer cancelled or refused one.
 */
export function currentShipment<T extends Pick<ShipmentRecord, 'status' | 'mrn' | 'report' | 'manifestId'>>(
  latestFirst: readonly T[],
): { current: T; others: T[] } | undefined {
  const current = latestFirst.find((shipment) => holdsHouse(shipment)) ?? latestFirst[0];
  if (!current) return undefined;
  return { current, others: latestFirst.filter((shipment) => shipment !== current) };
}
