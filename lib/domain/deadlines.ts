/**
 * The VOEC reporting deadline (seed 001): the data must reach Customs at least two hours before the
 * border crossing. The intake rules (LATE_SUBMISSION), the border sweep (NOTIFICATION_MISSING) and
 * the first border check all count from it.
 */
export const REPORTING_LEAD_MS = 2 * 3_600_000;

/** When reporting is due for a transport arriving at `estimatedArrival`. */
export function reportingDeadline(estimatedArrival: string): string {
  return new Date(Date.parse(estimatedArrival) - REPORTING_LEAD_MS).toISOString();
}
