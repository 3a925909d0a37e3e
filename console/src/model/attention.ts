/**
 * What on a transport needs a human, and how urgently: the board's colour. Each level comes with
 * its reasons in words, so the colour is never the only signal (and a screen reader hears them).
 *
 *   action  red    refused by Digitoll, unaccepted inside the 2-hour cut-off, a mixed transit,
 *                  TVINN needed, or Customs stopped something at the border
 *   watch   amber  the cut-off is near with shipments still open, or a flag someone should read
 *   ok      green  every shipment and the transport accepted
 *   waiting grey   being reported, with time to spare
 */
import type { ManifestSummary, StatusCounts } from '../api/types.ts';

export type AttentionLevel = 'action' | 'watch' | 'ok' | 'waiting';

export interface Attention {
  level: AttentionLevel;
  reasons: string[];
}

/** The cut-off is "near" inside this window: amber, so the desk can act before it turns red. */
export const NEAR_CUTOFF_MS = 30 * 60 * 1000;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function openShipments(counts: StatusCounts): number {
  return (counts.RECEIVED ?? 0) + (counts.SUBMITTED ?? 0) + (counts.FAILED ?? 0);
}

export function acceptedShipments(counts: StatusCounts): number {
  return (counts.ACCEPTED ?? 0) + (counts.RELEASED ?? 0);
}

export function attention(manifest: ManifestSummary, now: Date): Attention {
  const { counts, openFlags, transport } = manifest;
  const border = manifest.border ?? {};
  const action: string[] = [];
  const watch: string[] = [];
  const open = openShipments(counts);
  const cutoffMs = Date.parse(manifest.reportingCutoff) - now.getTime();
  const insideCutoff = cutoffMs <= 0;

  if ((counts.FAILED ?? 0) > 0) action.push(`${plural(counts.FAILED ?? 0, 'shipment')} refused by Digitoll`);
  if (transport.digitollStatus === 'FAILED') action.push('transport refused by Digitoll');
  if (manifest.masterConsignment?.digitollStatus === 'FAILED')
    action.push('master consignment refused by Digitoll');
  if (insideCutoff && open > 0) action.push(`${plural(open, 'shipment')} not accepted inside the cut-off`);
  if (insideCutoff && transport.digitollStatus !== 'ACCEPTED' && transport.digitollStatus !== 'FAILED')
    action.push('transport not accepted inside the cut-off');
  if (manifest.transit?.mixed) action.push('mixed transit: cannot be closed through VOEC');
  if (openFlags.DECLARE_IN_TVINN)
    action.push(`${plural(openFlags.DECLARE_IN_TVINN, 'shipment')} to declare in TVINN`);
  if (border.ENTRY_DENIED) action.push(`${plural(border.ENTRY_DENIED, 'shipment')} denied entry`);
  if (border.CONTROL_ORDERED)
    action.push(`control ordered for ${plural(border.CONTROL_ORDERED, 'shipment')}`);

  if (!insideCutoff && cutoffMs <= NEAR_CUTOFF_MS && open > 0)
    watch.push(`cut-off near with ${plural(open, 'shipment')} not yet accepted`);
  if ((counts.REJECTED ?? 0) > 0)
    watch.push(`${plural(counts.REJECTED ?? 0, 'shipment')} rejected by the VOEC rules`);
  if (openFlags.VOEC_NUMBER_SUSPECT)
    watch.push(`${plural(openFlags.VOEC_NUMBER_SUSPECT, 'VOEC number')} suspect`);
  if (openFlags.EXCLUDED_GOODS_SUSPECTED)
    watch.push(`${plural(openFlags.EXCLUDED_GOODS_SUSPECTED, 'shipment')} with possibly excluded goods`);
  if (openFlags.LATE_SUBMISSION)
    watch.push(`${plural(openFlags.LATE_SUBMISSION, 'shipment')} submitted late`);
  if (border.ENTRY_PENDING) watch.push(`${plural(border.ENTRY_PENDING, 'shipment')} with entry pending`);

  if (action.length) return { level: 'action', reasons: [...action, ...watch] };
  if (watch.length) return { level: 'watch', reasons: watch };
  const reportable = manifest.shipmentCount - (counts.REJECTED ?? 0) - (counts.CANCELLED ?? 0);
  if (open === 0 && reportable > 0 && transport.digitollStatus === 'ACCEPTED') {
    return { level: 'ok', reasons: ['all shipments and the transport accepted'] };
  }
  return {
    level: 'waiting',
    reasons: [open > 0 ? `${plural(open, 'shipment')} being reported` : 'transport being reported'],
  };
}

export const LEVEL_WORDS: Record<AttentionLevel, string> = {
  action: 'Needs action',
  watch: 'Watch',
  ok: 'All accepted',
  waiting: 'In progress',
};

/** Most urgent first, then the soonest ETA (the API's order within a level). */
export const LEVEL_ORDER: Record<AttentionLevel, number> = { action: 0, watch: 1, waiting: 2, ok: 3 };
