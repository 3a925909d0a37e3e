/**
 * The state of one Digitoll report (a transport, a master or a house), stored with what it reports,
 * and the transition table that is the only way it changes phase. Generated from `TRANSITIONS` by
 * `reportDiagram()` (test/unit/report-state.test.ts fails when this copy differs):
 *
 * <diagram>
 *   PENDING    ──claim─────────────────▶ IN_FLIGHT    new claim; operation, content hash sent; attempt +1
 *              ──undeliverable─────────▶ FAILED       last error: every SQS receive failed
 *              ──withdraw-locally──────▶ PENDING      nothing (never reported; the house is CANCELLED)
 *   IN_FLIGHT  ──verify────────────────▶ IN_FLIGHT    new claim, to look before sending again; attempt +1
 *              ──possible-duplicate────▶ IN_FLIGHT    last error: possibly a duplicate transport
 *              ──taken─────────────────▶ SUBMITTED    request id; polls 0
 *              ──refused───────────────▶ FAILED       Digitoll's errors and the reason
 *              ──throttled─────────────▶ PENDING      claim released, last error (not sent: send later)
 *              ──outcome-unknown───────▶ UNCERTAIN    claim released, last error (look before sending)
 *              ──found─────────────────▶ ACCEPTED     MRN (looked up by key); counts reset; errors cleared
 *              ──gave-up───────────────▶ FAILED       gave up, with the reason (a redrive tries again)
 *              ──undeliverable─────────▶ FAILED       last error: every SQS receive failed
 *   UNCERTAIN  ──verify────────────────▶ IN_FLIGHT    new claim, to look before sending again; attempt +1
 *              ──gave-up───────────────▶ FAILED       gave up, with the reason (a redrive tries again)
 *              ──undeliverable─────────▶ FAILED       last error: every SQS receive failed
 *   SUBMITTED  ──validated─────────────▶ ACCEPTED     MRN, document status; counts reset; errors cleared
 *              ──rejected──────────────▶ FAILED       Digitoll's errors and the reason
 *              ──gave-up───────────────▶ FAILED       gave up, with the reason (a redrive tries again)
 *              ──undeliverable─────────▶ FAILED       last error: every SQS receive failed
 *   ACCEPTED   ──claim─────────────────▶ IN_FLIGHT    new claim; operation, content hash sent; attempt +1
 *   FAILED     ──claim─────────────────▶ IN_FLIGHT    new claim; operation, content hash sent; attempt +1
 *              ──verify────────────────▶ IN_FLIGHT    new claim, to look before sending again; attempt +1
 *              ──withdraw-locally──────▶ FAILED       nothing (never reported; the house is CANCELLED)
 * </diagram>
 *
 * Only the worker whose conditional claim succeeded may send; `seq` guards every transition (each
 * bumps it). An IN_FLIGHT claim older than the claim TTL is a crash between sending and recording,
 * and is verified like UNCERTAIN: look before sending again. ACCEPTED is claimed again for an update
 * or a deletion; a FAILED report for new content, or (after it gave up) when its dead letter is
 * redriven.
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

/** A report known to be in one of these phases. */
export type ReportIn<P extends ReportPhase> = ReportState & { phase: P };

export function initialReport(at: string): ReportIn<'PENDING'> {
  return { phase: 'PENDING', operation: 'CREATE', seq: 0, attempts: 0, polls: 0, updatedAt: at };
}

/** Whether the report is in one of these phases (and, for the compiler, which transitions it allows). */
export function isIn<P extends ReportPhase>(report: ReportState, ...phases: P[]): report is ReportIn<P> {
  return (phases as ReportPhase[]).includes(report.phase);
}

// ---------------------------------------------------------------------------------------------------
// The transition table
// ---------------------------------------------------------------------------------------------------

/** A claim: the worker holding it may send. */
interface Claim {
  at: string;
  claimId: string;
  operation: ReportOperation;
  contentHash?: string | undefined;
  scheduledArrival?: string | undefined;
}

/** What each event brings with it. */
interface Payloads {
  claim: Claim;
  verify: Claim;
  'possible-duplicate': { at: string };
  taken: { at: string; requestId: string };
  refused: { at: string; reason: string; errors: DigitollError[] };
  rejected: { at: string; reason: string; errors: DigitollError[] };
  throttled: { at: string; reason: string };
  'outcome-unknown': { at: string; reason: string };
  validated: { at: string; mrn: string; documentStatus?: string; incompleteReasons?: string[] };
  found: { at: string; mrn: string };
  'gave-up': { at: string; reason: string };
  undeliverable: { at: string; reason: string };
  'withdraw-locally': { at: string };
}

export type ReportEvent = keyof Payloads;

interface Transition<E extends ReportEvent> {
  from: readonly ReportPhase[];
  /** A phase, or `same`: the report stays in the phase it was in. */
  to: ReportPhase | 'same';
  /** What changes, in words (the diagram shows it). */
  changes: string;
  /** What changes: the next state's fields (phase and seq are set by `transition`). */
  apply(report: ReportState, payload: Payloads[E]): ReportState;
}

/** Claims it (a first attempt for a new operation or after it was final, else one attempt more). */
function claimed(report: ReportState, claim: Claim): ReportState {
  const fresh =
    report.phase === 'ACCEPTED' || report.phase === 'FAILED' || report.operation !== claim.operation;
  return {
    ...report,
    operation: claim.operation,
    claimId: claim.claimId,
    claimedAt: claim.at,
    ...(claim.contentHash ? { contentHash: claim.contentHash } : {}),
    // Digitoll keeps the scheduled arrival of the first send: only a report without MRN takes a new one.
    ...(claim.scheduledArrival && !report.mrn ? { scheduledArrival: claim.scheduledArrival } : {}),
    attempts: (fresh ? 0 : report.attempts) + 1,
    updatedAt: claim.at,
  };
}

function failed(report: ReportState, at: string, reason: string, errors: DigitollError[]): ReportState {
  return { ...report, errors, lastError: reason, updatedAt: at };
}

function released(report: ReportState, at: string, reason: string): ReportState {
  const { claimId: _claim, ...rest } = report;
  return { ...rest, lastError: reason, updatedAt: at };
}

function accepted(
  report: ReportState,
  payload: { at: string; mrn: string; documentStatus?: string; incompleteReasons?: string[] },
): ReportState {
  const { errors: _errors, lastError: _lastError, claimId: _claim, ...rest } = report;
  return {
    ...rest,
    mrn: payload.mrn,
    attempts: 0,
    polls: 0,
    updatedAt: payload.at,
    ...(payload.documentStatus ? { documentStatus: payload.documentStatus } : {}),
    ...(payload.incompleteReasons?.length ? { incompleteReasons: payload.incompleteReasons } : {}),
  };
}

const CLAIM_CHANGES = 'new claim; operation, content hash sent; attempt +1';
const VERIFY_CHANGES = 'new claim, to look before sending again; attempt +1';
const GIVE_UP_CHANGES = 'gave up, with the reason (a redrive tries again)';
const UNDELIVERABLE_CHANGES = 'last error: every SQS receive failed';

export const TRANSITIONS = {
  claim: {
    from: ['PENDING', 'ACCEPTED', 'FAILED'],
    to: 'IN_FLIGHT',
    changes: CLAIM_CHANGES,
    apply: claimed,
  },
  verify: {
    from: ['IN_FLIGHT', 'UNCERTAIN', 'FAILED'],
    to: 'IN_FLIGHT',
    changes: VERIFY_CHANGES,
    apply: claimed,
  },
  'possible-duplicate': {
    from: ['IN_FLIGHT'],
    to: 'IN_FLIGHT',
    changes: 'last error: possibly a duplicate transport',
    apply: (report, { at }) => ({
      ...report,
      lastError: 'possible duplicate transport at Digitoll',
      updatedAt: at,
    }),
  },
  taken: {
    from: ['IN_FLIGHT'],
    to: 'SUBMITTED',
    changes: 'request id; polls 0',
    apply: (report, { at, requestId }) => ({ ...report, requestId, polls: 0, updatedAt: at }),
  },
  refused: {
    from: ['IN_FLIGHT'],
    to: 'FAILED',
    changes: "Digitoll's errors and the reason",
    apply: (report, { at, reason, errors }) => failed(report, at, reason, errors),
  },
  throttled: {
    from: ['IN_FLIGHT'],
    to: 'PENDING',
    changes: 'claim released, last error (not sent: send later)',
    apply: (report, { at, reason }) => released(report, at, reason),
  },
  'outcome-unknown': {
    from: ['IN_FLIGHT'],
    to: 'UNCERTAIN',
    changes: 'claim released, last error (look before sending)',
    apply: (report, { at, reason }) => released(report, at, reason),
  },
  found: {
    from: ['IN_FLIGHT'],
    to: 'ACCEPTED',
    changes: 'MRN (looked up by key); counts reset; errors cleared',
    apply: accepted,
  },
  validated: {
    from: ['SUBMITTED'],
    to: 'ACCEPTED',
    changes: 'MRN, document status; counts reset; errors cleared',
    apply: accepted,
  },
  rejected: {
    from: ['SUBMITTED'],
    to: 'FAILED',
    changes: "Digitoll's errors and the reason",
    apply: (report, { at, reason, errors }) => failed(report, at, reason, errors),
  },
  'gave-up': {
    from: ['IN_FLIGHT', 'UNCERTAIN', 'SUBMITTED'],
    to: 'FAILED',
    changes: GIVE_UP_CHANGES,
    apply: (report, { at, reason }) => ({ ...failed(report, at, reason, report.errors ?? []), gaveUp: true }),
  },
  undeliverable: {
    from: ['PENDING', 'IN_FLIGHT', 'UNCERTAIN', 'SUBMITTED'],
    to: 'FAILED',
    changes: UNDELIVERABLE_CHANGES,
    apply: (report, { at, reason }) => failed(report, at, reason, report.errors ?? []),
  },
  'withdraw-locally': {
    from: ['PENDING', 'FAILED'],
    to: 'same',
    changes: 'nothing (never reported; the house is CANCELLED)',
    apply: (report, { at }) => ({ ...report, updatedAt: at }),
  },
} as const satisfies { [E in ReportEvent]: Transition<E> };

type Table = typeof TRANSITIONS;
/** The phases an event may happen in. */
export type FromOf<E extends ReportEvent> = Table[E]['from'][number];
/** The phase an event leads to from `P`. */
export type ToOf<E extends ReportEvent, P extends ReportPhase> = Table[E]['to'] extends 'same'
  ? P
  : Exclude<Table[E]['to'], 'same'>;

/**
 * The one way a report changes phase: `event` happens to a report in one of the phases the table
 * allows (the compiler refuses any other), and the next state is what the table says, one `seq` on.
 */
export function transition<E extends ReportEvent, P extends FromOf<E>>(
  report: ReportIn<P>,
  event: E,
  payload: Payloads[E],
): ReportIn<ToOf<E, P>> {
  const entry = TRANSITIONS[event] as Transition<E>;
  if (!entry.from.includes(report.phase)) {
    throw new Error(`A report in ${report.phase} cannot go through ${event}`);
  }
  const next = entry.apply(report, payload);
  const phase = entry.to === 'same' ? report.phase : entry.to;
  return { ...next, phase, seq: report.seq + 1 } as ReportIn<ToOf<E, P>>;
}

/** The transition table as the diagram at the top of this module (one edge per line). */
export function reportDiagram(): string[] {
  const phases = ReportPhase.options;
  const lines: string[] = [];
  for (const from of phases) {
    let first = true;
    for (const [event, entry] of Object.entries(TRANSITIONS) as Array<
      [ReportEvent, Transition<ReportEvent>]
    >) {
      if (!entry.from.includes(from)) continue;
      const to = entry.to === 'same' ? from : entry.to;
      lines.push(
        `${(first ? from : '').padEnd(10)} ──${`${event}──`.padEnd(22, '─')}▶ ${to.padEnd(12)} ${entry.changes}`,
      );
      first = false;
    }
  }
  return lines;
}
