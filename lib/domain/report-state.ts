/**
 * The state of one Digitoll report (a transport, a master or a house), stored with what it reports.
 *
 *   PENDING ──claim──▶ IN_FLIGHT ──202──▶ SUBMITTED ──poll SUCCESS──▶ ACCEPTED
 *      ▲                  │  │                 └──poll FAILURE──▶ FAILED
 *      │  429/not sent    │  └─400──▶ FAILED
 *      └──────────────────┤
 *                         └─timeout/dropped/5xx──▶ UNCERTAIN ──(later) look up by key──▶ ACCEPTED | PENDING
 *
 * Only the worker whose conditional claim succeeded may send; `seq` guards every transition.
 * An IN_FLIGHT claim older than the claim TTL is a crash between sending and recording, and is
 * handled like UNCERTAIN: look before sending again.
 */
import { z } from 'zod';

export const ReportPhase = z.enum(['PENDING', 'IN_FLIGHT', 'UNCERTAIN', 'SUBMITTED', 'ACCEPTED', 'FAILED']);
export type ReportPhase = z.infer<typeof ReportPhase>;

export const ReportOperation = z.enum(['CREATE', 'UPDATE', 'DELETE']);
export type ReportOperation = z.infer<typeof ReportOperation>;

/** A Digitoll error, kept verbatim, with where it points in our data. */
export const DigitollError = z.object({
  /** Digitoll's own text: `error` of a sync 400, `description` of an async FAILURE. */
  message: z.string(),
  /** Digitoll's path: `field` (sync) or `messageElementPath` (async). */
  digitollPath: z.string(),
  /** JSON pointer into our data, where we could map it. */
  path: z.string().optional(),
  /** What `path` points into: the shipment or the manifest (transport, transit, master). */
  in: z.enum(['shipment', 'manifest']).optional(),
});
export type DigitollError = z.infer<typeof DigitollError>;

export const ReportState = z.object({
  phase: ReportPhase,
  operation: ReportOperation,
  /** Bumped by every transition; transitions are conditional on it. */
  seq: z.number().int().min(0),
  claimId: z.string().optional(),
  claimedAt: z.string().optional(),
  requestId: z.string().optional(),
  mrn: z.string().optional(),
  /** Hash of the content last sent; a newer content hash means an update is due. */
  contentHash: z.string().optional(),
  attempts: z.number().int().min(0),
  polls: z.number().int().min(0).default(0),
  lastError: z.string().optional(),
  errors: z.array(DigitollError).optional(),
  documentStatus: z.string().optional(),
  incompleteReasons: z.array(z.string()).optional(),
  /** FAILED because every attempt failed (not because Digitoll refused it): a redrive tries again. */
  gaveUp: z.boolean().optional(),
  /** Transport: the scheduled arrival Digitoll has (fixed by the first accepted POST). */
  scheduledArrival: z.string().optional(),
  updatedAt: z.string(),
});
export type ReportState = z.infer<typeof ReportState>;

export function initialReport(at: string): ReportState {
  return { phase: 'PENDING', operation: 'CREATE', seq: 0, attempts: 0, polls: 0, updatedAt: at };
}
