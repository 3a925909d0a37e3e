/**
 * The border board (issue #11): every transport not yet across the border, soonest
 * ETA first, each with its counts. Operators read every partner's, a partner its own.
 *
 * - **Crossed**, precisely: a transport has crossed once its current ETA lies more than
 *   `CROSSED_AFTER_MS` (3 hours) in the past. A pure function of the ETA, so "not crossed" is a
 *   range of the board index's sort key: nothing is written when a transport crosses, and a
 *   transport whose ETA a PATCH moves moves on the board with it. (Customs' routing signals arrive
 *   within minutes of arrival; 3 hours leaves the desk the border outcome on the board meanwhile.)
 * - **Counts** are not read from every shipment on every refresh: each manifest keeps a snapshot of
 *   its counts (status, open flags, border outcome), recomputed from the manifest index when it is
 *   older than `BOARD_COUNTS_MAX_AGE_MS`. However many consoles poll, a manifest's shipments are
 *   read at most once per that window; a board page is a Query per partner and a batch read.
 */
import { reportingDeadline } from './deadlines.ts';
import { NotFound } from './errors.ts';
import { countByStatus } from './intake.ts';
import type { Principal } from './partner-keys.ts';
import type { ManifestRecord, ShipmentSummary } from './records.ts';
import { type BorderOutcome, borderOutcomeOf } from './routing.ts';
import { FlagCode, type ShipmentStatus } from './shipment.ts';

/** A transport has crossed once its ETA is this far in the past. */
export const CROSSED_AFTER_MS = 3 * 3_600_000;
/** A counts snapshot older than this is recomputed when the board reads it. */
export const BOARD_COUNTS_MAX_AGE_MS = 30_000;
/** Transports per page of the board. */
export const BOARD_PAGE = { defaultLimit: 200, maxLimit: 500 } as const;

/** Whether a transport arriving at `estimatedArrival` has crossed at `now`. */
export function hasCrossed(estimatedArrival: string, now: Date): boolean {
  return Date.parse(estimatedArrival) < now.getTime() - CROSSED_AFTER_MS;
}

/** The ETA that separates crossed (before it) from not crossed (it and after). */
export function crossingLine(now: Date): string {
  return new Date(now.getTime() - CROSSED_AFTER_MS).toISOString();
}

export interface BoardCounts {
  shipmentCount: number;
  counts: Partial<Record<ShipmentStatus, number>>;
  openFlags: Partial<Record<FlagCode, number>>;
  border: Partial<Record<BorderOutcome, number>>;
  /** When they were computed. */
  countedAt: string;
}

/** A board page in the board's order: ETA, then manifest id (ids are unique across partners). */
export interface BoardPosition {
  estimatedArrival: string;
  manifestId: string;
}

export interface BoardReads {
  /**
   * Manifests of these partners with an ETA in [from, to), after `after` when given, in board
   * order, at most `limit`; `more` says whether any are left beyond them.
   */
  manifestsByArrival(
    partnerIds: readonly string[],
    range: { from?: string; to?: string; after?: BoardPosition; limit: number },
  ): Promise<{ manifests: ManifestRecord[]; more: boolean }>;
  /** The saved counts snapshots of these manifests (those that have one). */
  savedCounts(
    manifests: ReadonlyArray<Pick<ManifestRecord, 'partnerId' | 'manifestId'>>,
  ): Promise<Map<string, BoardCounts>>;
  summarizeShipments(manifestId: string): Promise<ShipmentSummary[]>;
  saveCounts(
    manifest: Pick<ManifestRecord, 'partnerId' | 'manifestId' | 'transport'>,
    counts: BoardCounts,
  ): Promise<void>;
}

/** Whose manifest an id is: written with the manifest (intake and uploads alike). */
export interface ManifestDirectory {
  ownerOf(manifestId: string): Promise<string | undefined>;
}

/**
 * The partner whose manifest `manifestId` is, as `principal` may read it: a partner reads only its
 * own (another partner's id is simply not found, as before); an operator any partner's, by the
 * directory. A manifest stored before the directory existed is not found for operators.
 */
export async function readerScope(
  principal: Principal,
  manifestId: string,
  directory: ManifestDirectory,
): Promise<string> {
  if (principal.role !== 'operator') return principal.id;
  const owner = await directory.ownerOf(manifestId);
  if (!owner) throw new NotFound('manifest', manifestId);
  return owner;
}

/** Counts of a manifest's shipments from their index rows. */
export function countShipments(summaries: readonly ShipmentSummary[], countedAt: string): BoardCounts {
  const openFlags: Partial<Record<FlagCode, number>> = {};
  const border: Partial<Record<BorderOutcome, number>> = {};
  for (const summary of summaries) {
    const outcome = borderOutcomeOf(summary);
    if (outcome) border[outcome] = (border[outcome] ?? 0) + 1;
    for (const code of summary.flagCodes) {
      const flag = FlagCode.safeParse(code);
      if (flag.success) openFlags[flag.data] = (openFlags[flag.data] ?? 0) + 1;
    }
  }
  return { shipmentCount: summaries.length, counts: countByStatus(summaries), openFlags, border, countedAt };
}

export interface BoardEntry {
  manifest: ManifestRecord;
  /** ETA − the reporting lead (deadlines.ts). */
  reportingCutoff: string;
  counts: BoardCounts;
}

export interface BoardPage {
  entries: BoardEntry[];
  /** Where the next page starts (absent on the last page). */
  next?: BoardPosition;
}

export interface BoardQuery {
  crossed: boolean;
  limit: number;
  after?: BoardPosition;
}

/** Recomputes at most this many stale snapshots at once. */
const RECOUNTS_AT_ONCE = 8;

export async function borderBoard(
  reads: BoardReads,
  partnerIds: readonly string[],
  now: Date,
  query: BoardQuery,
): Promise<BoardPage> {
  const line = crossingLine(now);
  const { manifests, more } = await reads.manifestsByArrival(partnerIds, {
    ...(query.crossed ? { to: line } : { from: line }),
    ...(query.after ? { after: query.after } : {}),
    limit: query.limit,
  });
  const saved = await reads.savedCounts(manifests);
  const fresh = new Map<string, BoardCounts>();
  const stale = manifests.filter((manifest) => {
    const counts = saved.get(manifest.manifestId);
    if (counts && now.getTime() - Date.parse(counts.countedAt) < BOARD_COUNTS_MAX_AGE_MS) {
      fresh.set(manifest.manifestId, counts);
      return false;
    }
    return true;
  });
  for (let i = 0; i < stale.length; i += RECOUNTS_AT_ONCE) {
    await Promise.all(
      stale.slice(i, i + RECOUNTS_AT_ONCE).map(async (manifest) => {
        const counts = countShipments(await reads.summarizeShipments(manifest.manifestId), now.toISOString());
        await reads.saveCounts(manifest, counts);
        fresh.set(manifest.manifestId, counts);
      }),
    );
  }
  const entries = manifests.map((manifest) => ({
    manifest,
    reportingCutoff: reportingDeadline(manifest.transport.estimatedArrival),
    counts: fresh.get(manifest.manifestId) ?? countShipments([], now.toISOString()),
  }));
  const last = manifests.at(-1);
  return more && last
    ? {
        entries,
        next: { estimatedArrival: last.transport.estimatedArrival, manifestId: last.manifestId },
      }
    : { entries };
}

/** Board order: ETA (as instants), then manifest id. */
export function compareBoardPositions(a: BoardPosition, b: BoardPosition): number {
  const byTime = Date.parse(a.estimatedArrival) - Date.parse(b.estimatedArrival);
  if (byTime !== 0) return byTime;
  return a.manifestId < b.manifestId ? -1 : a.manifestId > b.manifestId ? 1 : 0;
}
