/**
 * Read side of the border: open alerts, TVINN drafts and transits, scoped to the calling partner.
 */
import type { TransitRecord } from './border-sweep.ts';
import { NotFoundError } from './errors.ts';
import type { ManifestRepository } from './ports.ts';
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

/** Open border flags, most urgent first: the least time left to the border (passed ETAs first). */
export async function listAlerts(reads: BorderReads, partnerId: string, now: Date) {
  const rows = await reads.alerts(partnerId);
  return {
    alerts: rows
      .map((row) => ({
        ...row,
        minutesToBorder: row.estimatedArrival
          ? Math.round((Date.parse(row.estimatedArrival) - now.getTime()) / 60_000)
          : null,
      }))
      .sort(
        (a, b) =>
          (a.minutesToBorder ?? 0) - (b.minutesToBorder ?? 0) ||
          a.shipmentNumber.localeCompare(b.shipmentNumber),
      ),
  };
}

export async function manifestTvinnDrafts(
  reads: BorderReads,
  manifests: Pick<ManifestRepository, 'getManifest'>,
  partnerId: string,
  manifestId: string,
) {
  const manifest = await manifests.getManifest(partnerId, manifestId);
  if (!manifest) throw new NotFoundError(`Manifest ${manifestId} was not found.`);
  return { manifestId, declarations: await reads.tvinnDrafts(partnerId, manifestId) };
}

export async function transitView(
  reads: BorderReads,
  partnerId: string,
  mrn: string,
): Promise<TransitRecord> {
  const transit = await reads.transit(partnerId, mrn);
  if (!transit) throw new NotFoundError(`Transit ${mrn} was not found.`);
  return transit;
}
