/**
 * Read side of the border: open alerts, TVINN drafts and transits, scoped to the calling partner.
 */

import { NotFound } from './errors.ts';
import type { TransitRecord } from './ncts.ts';
import type { ManifestReads } from './queries.ts';
import type { TvinnDeclarationDraft } from './tvinn.ts';

export interface AlertRow {
  manifestId: string;
  shipmentNumber: string;
  flag: string;
  raisedAt: string;
  detail: string;
  estimatedArrival: string;
}

export interface BorderReads {
  alerts(partnerId: string): Promise<AlertRow[]>;
  tvinnDrafts(partnerId: string, manifestId: string): Promise<TvinnDeclarationDraft[]>;
  transit(partnerId: string, mrn: string): Promise<TransitRecord | undefined>;
}

export interface Alert extends AlertRow {
  /** Whose shipment it is (operators see every partner's alerts). */
  partnerId: string;
  /** Minutes left to the border ETA (negative once it passed). */
  minutesToBorder: number | null;
}

/** Customs' routing flags that stop a delivery come before anything else (issue #10). */
const ALERT_PRIORITY: Readonly<Record<string, number>> = { ENTRY_DENIED: 0, ENTRY_PENDING: 1 };

/**
 * Open border flags, most urgent first: seized (ENTRY_DENIED) and held (ENTRY_PENDING) shipments, then
 * the least time left to the border (passed ETAs first). `flag` keeps only that flag.
 */
export async function listAlerts(
  reads: Pick<BorderReads, 'alerts'>,
  partnerIds: readonly string[],
  now: Date,
  flag?: string,
): Promise<Alert[]> {
  const rows = (
    await Promise.all(
      partnerIds.map(async (partnerId) =>
        (await reads.alerts(partnerId)).map((row) => ({ ...row, partnerId })),
      ),
    )
  )
    .flat()
    .filter((row) => flag === undefined || row.flag === flag);
  return rows
    .map((row) => ({
      ...row,
      minutesToBorder: row.estimatedArrival
        ? Math.round((Date.parse(row.estimatedArrival) - now.getTime()) / 60_000)
        : null,
    }))
    .sort(
      (a, b) =>
        (ALERT_PRIORITY[a.flag] ?? 2) - (ALERT_PRIORITY[b.flag] ?? 2) ||
        (a.minutesToBorder ?? 0) - (b.minutesToBorder ?? 0) ||
        a.shipmentNumber.localeCompare(b.shipmentNumber),
    );
}

export async function manifestTvinnDrafts(
  reads: Pick<BorderReads, 'tvinnDrafts'>,
  manifests: Pick<ManifestReads, 'getManifest'>,
  partnerId: string,
  manifestId: string,
): Promise<{ manifestId: string; declarations: TvinnDeclarationDraft[] }> {
  const manifest = await manifests.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFound('manifest', manifestId);
  return { manifestId, declarations: await reads.tvinnDrafts(partnerId, manifestId) };
}

/**
 * The transit with this MRN among these partners' (a partner: its own; an operator: every partner's,
 * the first that has it: an MRN is one transit, declared by one partner).
 */
export async function transitView(
  reads: Pick<BorderReads, 'transit'>,
  partnerIds: readonly string[],
  mrn: string,
): Promise<TransitRecord> {
  for (const partnerId of partnerIds) {
    const transit = await reads.transit(partnerId, mrn);
    if (transit) return transit;
  }
  throw new NotFound('transit', mrn);
}
