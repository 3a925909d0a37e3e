/**
 * The reporter: takes one report message (transport, master or house; a submission or a poll)
 * and moves that report one step through its state machine (see report-state.ts).
 *
 * Exactly once towards Customs:
 * - only the worker whose conditional claim succeeds sends; a duplicate or redelivered message
 *   finds the report claimed, submitted or done and does nothing;
 * - a send whose outcome is unknown (timeout, dropped response, 5xx, or a crash between sending
 *   and recording, seen as a stale claim) is never simply repeated: masters and houses are first
 *   looked up at Digitoll by their waybill key, after Digitoll's processing time has passed;
 * - PUT (full replacement) and DELETE are by MRN, so repeating them does not create anything.
 * Waiting (for validation, after a 429, before a lookup) is a delayed message on the follow-up
 * queue, never a sleeping Lambda. After the last attempt the report is FAILED with the reason and the message
 * goes to the dead-letter queue.
 */
import {
  type DigitollMessageKind,
  deleteBody,
  houseContent,
  locateDigitollPath,
  masterContent,
  type ReportContent,
  transportContent,
} from '../digitoll/mapping.ts';
import type { DigitollPort, SubmitOutcome } from './digitoll-port.ts';
import type { Clock, DeadLetters, IdGenerator, ReportQueue } from './ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from './records.ts';
import type { ReportMessage } from './report-message.ts';
import type { DigitollError, ReportOperation, ReportState } from './report-state.ts';
import type { ShipmentStatus } from './shipment.ts';

export interface ReporterSettings {
  /** An IN_FLIGHT claim older than this is a crash between sending and recording. */
  claimTtlMs: number;
  /** Wait before looking up an unknown outcome: longer than Digitoll takes to process a message. */
  uncertainDelaySeconds: number;
  firstPollDelaySeconds: number;
  maxPollDelaySeconds: number;
  /** Sends (and lookups) before giving up. */
  maxAttempts: number;
  /** Polls of one request before giving up. */
  maxPolls: number;
}

export const DEFAULT_REPORTER_SETTINGS: ReporterSettings = {
  claimTtlMs: 120_000,
  uncertainDelaySeconds: 60,
  firstPollDelaySeconds: 2,
  maxPollDelaySeconds: 900,
  maxAttempts: 8,
  maxPolls: 30,
};

/** What is being reported, with its current report state. */
export interface ReportSubject {
  manifest: ManifestRecord;
  /** For HOUSE messages. */
  shipment?: ShipmentRecord;
  report: ReportState;
  /** Whether a report state is stored yet (the first transition creates it). */
  stored: boolean;
}

export interface ReportTransition {
  next: ReportState;
  /** For houses: the shipment status this step leads to, with the MRN when accepted. */
  status?: ShipmentStatus;
  mrn?: string;
  event: ShipmentEvent;
}

export interface ReportStore {
  load(message: ReportMessage): Promise<ReportSubject | undefined>;
  /** Shipment numbers of the manifest's houses that are (to be) reported: listed on a transport without master. */
  reportableHouseNumbers(manifest: ManifestRecord): Promise<string[]>;
  /** Conditional on the stored report's `seq`; writes the event in the same transaction. False if it lost a race. */
  transition(message: ReportMessage, subject: ReportSubject, transition: ReportTransition): Promise<boolean>;
}

export interface ReporterDeps {
  store: ReportStore;
  digitoll: DigitollPort;
  /**
   * Where the reporter queues its own follow-ups (polls, delayed retries): a queue of their own,
   * so they never wait behind a backlog of new reports (queues are roughly first in, first out).
   */
  followUps: ReportQueue;
  deadLetters: DeadLetters;
  clock: Clock;
  ids: IdGenerator;
  settings: ReporterSettings;
}

export type ReporterOutcome =
  | { result: 'ignored'; reason: string }
  | { result: 'requeued'; reason: string; delaySeconds: number }
  | { result: 'submitted'; requestId: string }
  | { result: 'accepted'; mrn: string }
  | { result: 'failed'; reason: string }
  | { result: 'lost-race' };

const KIND: Record<ReportMessage['kind'], DigitollMessageKind> = {
  TRANSPORT: 'transport',
  MASTER: 'master-consignment',
  HOUSE: 'house-consignment',
};

export async function handleReportMessage(
  deps: ReporterDeps,
  message: ReportMessage,
): Promise<ReporterOutcome> {
  const subject = await deps.store.load(message);
  if (!subject) return { result: 'ignored', reason: 'nothing to report (no such manifest or shipment)' };
  if (message.kind === 'HOUSE' && subject.shipment?.status === 'REJECTED') {
    return { result: 'ignored', reason: 'rejected at intake: never reported' };
  }
  if (message.kind === 'MASTER' && !subject.manifest.masterConsignment) {
    return { result: 'ignored', reason: 'no master consignment' };
  }
  return message.poll ? poll(deps, message, subject, message.poll) : advance(deps, message, subject);
}

/** What should happen at Digitoll now, given the data and what was last reported. */
async function wanted(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<{ operation: ReportOperation | 'CANCEL_LOCALLY'; content?: ReportContent<unknown> } | undefined> {
  const { report } = subject;
  if (message.kind === 'HOUSE' && subject.shipment?.withdrawalRequestedAt) {
    if (subject.shipment.status === 'CANCELLED') return undefined;
    // Never reached Digitoll: nothing to delete there.
    if (!report.mrn) return { operation: 'CANCEL_LOCALLY' };
    return report.operation === 'DELETE' && report.phase === 'ACCEPTED' ? undefined : { operation: 'DELETE' };
  }
  const content = await buildContent(deps, message, subject);
  if (!report.mrn) return { operation: 'CREATE', content };
  if (report.contentHash !== content.contentHash) return { operation: 'UPDATE', content };
  return undefined;
}

async function buildContent(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<ReportContent<unknown>> {
  const now = deps.clock.now();
  if (message.kind === 'HOUSE') {
    if (!subject.shipment) throw new Error('house message without shipment');
    return houseContent(subject.manifest, subject.shipment, now);
  }
  if (message.kind === 'MASTER') return masterContent(subject.manifest, now);
  const direct = subject.manifest.masterConsignment
    ? []
    : await deps.store.reportableHouseNumbers(subject.manifest);
  // Until Digitoll has the transport, its scheduled arrival is the current ETA (they must be equal
  // on the first POST); after that it is what Digitoll has, and never changes (§4.1).
  const scheduled = subject.report.mrn
    ? subject.report.scheduledArrival
    : subject.manifest.transport.estimatedArrival;
  return transportContent(subject.manifest, direct, now, scheduled);
}

async function advance(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<ReporterOutcome> {
  const { report } = subject;
  const now = deps.clock.now();
  switch (report.phase) {
    case 'SUBMITTED': {
      // Normally its poll is queued; but a crash right after recording SUBMITTED would have lost
      // it, so a redelivered message queues one again (an extra poll is harmless).
      if (report.requestId) {
        await deps.followUps.send(
          [{ ...message, poll: report.requestId, attempt: report.polls }],
          deps.settings.firstPollDelaySeconds,
        );
      }
      return { result: 'ignored', reason: 'awaiting validation; poll queued' };
    }
    case 'IN_FLIGHT': {
      const claimedAt = report.claimedAt ? Date.parse(report.claimedAt) : 0;
      if (now.getTime() - claimedAt < deps.settings.claimTtlMs) {
        return { result: 'ignored', reason: 'being sent by another worker' };
      }
      // A stale claim: the worker died between sending and recording. Look before sending again.
      return resolveUncertain(deps, message, subject);
    }
    case 'UNCERTAIN':
      return resolveUncertain(deps, message, subject);
    default: {
      if (report.phase === 'FAILED' && report.gaveUp) {
        // A redriven dead letter: try again, looking first (the last outcome may have been unknown).
        return resolveUncertain(deps, message, { ...subject, report: { ...report, attempts: 0 } });
      }
      const next = await wanted(deps, message, subject);
      if (!next) {
        return {
          result: 'ignored',
          reason: report.phase === 'FAILED' ? 'failed; waiting for an amendment' : 'up to date at Digitoll',
        };
      }
      if (next.operation === 'CANCEL_LOCALLY') return cancelLocally(deps, message, subject);
      if (
        report.phase === 'FAILED' &&
        next.operation !== 'DELETE' &&
        next.content?.contentHash === report.contentHash
      ) {
        return { result: 'ignored', reason: 'failed with this content; waiting for an amendment' };
      }
      return claimAndSend(deps, message, subject, next.operation, next.content);
    }
  }
}

function claim(
  deps: ReporterDeps,
  report: ReportState,
  operation: ReportOperation,
  contentHash?: string,
  scheduledArrival?: string,
): ReportState {
  const now = deps.clock.now().toISOString();
  const fresh = report.phase === 'ACCEPTED' || report.phase === 'FAILED' || report.operation !== operation;
  return {
    ...report,
    phase: 'IN_FLIGHT',
    operation,
    seq: report.seq + 1,
    claimId: deps.ids.newId(),
    claimedAt: now,
    ...(contentHash ? { contentHash } : {}),
    ...(scheduledArrival && !report.mrn ? { scheduledArrival } : {}),
    attempts: (fresh ? 0 : report.attempts) + 1,
    updatedAt: now,
  };
}

async function claimAndSend(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  operation: ReportOperation,
  content: ReportContent<unknown> | undefined,
): Promise<ReporterOutcome> {
  const claimed = claim(deps, subject.report, operation, content?.contentHash, scheduledOf(content));
  const ok = await deps.store.transition(message, subject, {
    next: claimed,
    event: event(
      deps,
      'SENDING',
      `${verb(operation)} the ${describe(message)} to Digitoll (attempt ${claimed.attempts})`,
    ),
  });
  if (!ok) return { result: 'lost-race' };
  return send(deps, message, { ...subject, report: claimed, stored: true }, content);
}

async function send(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  content: ReportContent<unknown> | undefined,
): Promise<ReporterOutcome> {
  const { report } = subject;
  const kind = KIND[message.kind];
  let outcome: SubmitOutcome;
  if (report.operation === 'DELETE') {
    if (!report.mrn) throw new Error('DELETE without MRN');
    outcome = await deps.digitoll.withdraw(
      kind,
      report.mrn,
      deleteBody(deps.clock.now()).documentIssueDate ?? '',
    );
  } else {
    if (!content) throw new Error('send without content');
    outcome = await deps.digitoll.submit(
      kind,
      content.body,
      report.operation === 'UPDATE' ? report.mrn : undefined,
    );
  }
  const now = deps.clock.now().toISOString();
  switch (outcome.outcome) {
    case 'TAKEN': {
      const next: ReportState = {
        ...report,
        phase: 'SUBMITTED',
        seq: report.seq + 1,
        requestId: outcome.requestId,
        polls: 0,
        updatedAt: now,
      };
      const ok = await deps.store.transition(message, subject, {
        next,
        ...(message.kind === 'HOUSE' && report.operation === 'CREATE'
          ? { status: 'SUBMITTED' as const }
          : {}),
        event: event(deps, 'SUBMITTED', `Digitoll took the ${describe(message)}`, {
          requestId: outcome.requestId,
        }),
      });
      if (!ok) return { result: 'lost-race' };
      await deps.followUps.send(
        [{ ...message, poll: outcome.requestId, attempt: 0 }],
        deps.settings.firstPollDelaySeconds,
      );
      return { result: 'submitted', requestId: outcome.requestId };
    }
    case 'REFUSED': {
      const errors: DigitollError[] = outcome.errors.map((error) => ({
        message: error.error,
        digitollPath: error.field,
        ...located(kind, error.field),
      }));
      return fail(deps, message, subject, `Digitoll refused the ${describe(message)}`, errors);
    }
    case 'RETRY_LATER':
      return retryLater(deps, message, subject, 'PENDING', outcome.reason, outcome.retryAfterSeconds);
    case 'UNKNOWN':
      return retryLater(
        deps,
        message,
        subject,
        'UNCERTAIN',
        outcome.reason,
        deps.settings.uncertainDelaySeconds,
      );
  }
}

/** After an unknown outcome: find out whether Digitoll has it before sending again. */
async function resolveUncertain(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<ReporterOutcome> {
  const { report } = subject;
  if (report.attempts >= deps.settings.maxAttempts) {
    return giveUp(deps, message, subject, report.lastError ?? 'the outcome of the last send is unknown');
  }
  const content = report.operation === 'DELETE' ? undefined : await buildContent(deps, message, subject);
  const claimed = claim(deps, report, report.operation, content?.contentHash, scheduledOf(content));
  const ok = await deps.store.transition(message, subject, {
    next: claimed,
    event: event(deps, 'VERIFYING', `Checking whether Digitoll already has the ${describe(message)}`),
  });
  if (!ok) return { result: 'lost-race' };
  const mine = { ...subject, report: claimed, stored: true };

  if (report.operation === 'CREATE' && content?.waybillKey && message.kind !== 'TRANSPORT') {
    const lookup = await deps.digitoll.findByWaybill(
      message.kind === 'HOUSE' ? 'house-consignment' : 'master-consignment',
      content.waybillKey,
    );
    if (lookup.outcome === 'FOUND')
      return accept(deps, message, mine, lookup.mrn, 'found at Digitoll by its waybill key');
    if (lookup.outcome === 'RETRY_LATER') {
      return retryLater(deps, message, mine, 'UNCERTAIN', lookup.reason, lookup.retryAfterSeconds);
    }
  }
  if (report.operation === 'CREATE' && message.kind === 'TRANSPORT') {
    // Digitoll documents no way to find a transport without its MRN, so an unknown outcome can only
    // be resolved by sending again. A missing transport stops the truck; a duplicate one does not:
    // send, and say so loudly in the timeline for the operator.
    const warned = {
      ...claimed,
      seq: claimed.seq + 1,
      lastError: 'possible duplicate transport at Digitoll',
    };
    const recorded = await deps.store.transition(message, mine, {
      next: warned,
      event: event(
        deps,
        'POSSIBLE_DUPLICATE',
        'The outcome of the last transport send is unknown and Digitoll offers no lookup for transports without an MRN; sending it again. If the first send was processed, Customs holds a duplicate transport to DELETE.',
      ),
    });
    if (!recorded) return { result: 'lost-race' };
    return send(deps, message, { ...mine, report: warned }, content);
  }
  // Not there (or a PUT/DELETE by MRN, which is safe to repeat): send it now, under our claim.
  return send(deps, message, mine, content);
}

async function poll(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  requestId: string,
): Promise<ReporterOutcome> {
  const { report } = subject;
  if (report.phase !== 'SUBMITTED' || report.requestId !== requestId) {
    return { result: 'ignored', reason: 'poll for a request that is no longer pending' };
  }
  const kind = KIND[message.kind];
  const status = await deps.digitoll.validationStatus(kind, requestId);
  const attempt = message.attempt ?? 0;
  switch (status.outcome) {
    case 'NOT_READY': {
      if (attempt + 1 >= deps.settings.maxPolls) {
        return giveUp(deps, message, subject, `no validation result after ${attempt + 1} polls`);
      }
      const delaySeconds = Math.min(
        deps.settings.firstPollDelaySeconds * 2 ** (attempt + 1),
        deps.settings.maxPollDelaySeconds,
      );
      await deps.followUps.send([{ ...message, attempt: attempt + 1 }], delaySeconds);
      return { result: 'requeued', reason: 'validation not finished', delaySeconds };
    }
    case 'RETRY_LATER': {
      await deps.followUps.send([{ ...message, attempt }], status.retryAfterSeconds);
      return { result: 'requeued', reason: status.reason, delaySeconds: status.retryAfterSeconds };
    }
    case 'SUCCESS':
      return accept(deps, message, subject, status.mrn, 'validated by Digitoll', status);
    case 'FAILURE': {
      const errors: DigitollError[] = status.errors.map((error) => ({
        message: error.description,
        digitollPath: error.messageElementPath,
        ...located(kind, error.messageElementPath),
      }));
      return fail(deps, message, subject, `Digitoll rejected the ${describe(message)}`, errors);
    }
  }
}

async function accept(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  mrn: string,
  how: string,
  details: { documentStatus?: string; incompleteReasons?: string[] } = {},
): Promise<ReporterOutcome> {
  const { report } = subject;
  const now = deps.clock.now().toISOString();
  const next: ReportState = {
    ...report,
    phase: 'ACCEPTED',
    seq: report.seq + 1,
    mrn,
    attempts: 0,
    polls: 0,
    updatedAt: now,
    ...(details.documentStatus ? { documentStatus: details.documentStatus } : {}),
    ...(details.incompleteReasons?.length ? { incompleteReasons: details.incompleteReasons } : {}),
  };
  delete next.errors;
  delete next.lastError;
  delete next.claimId;
  const withdrawn = report.operation === 'DELETE';
  const ok = await deps.store.transition(message, subject, {
    next,
    ...(message.kind === 'HOUSE'
      ? { status: withdrawn ? ('CANCELLED' as const) : ('ACCEPTED' as const), mrn }
      : {}),
    event: event(
      deps,
      withdrawn ? 'WITHDRAWN' : 'ACCEPTED',
      withdrawn
        ? `The ${describe(message)} was deleted at Digitoll (${how})`
        : `The ${describe(message)} was accepted by Digitoll with MRN ${mrn} (${how})`,
      { mrn, ...(details.documentStatus ? { documentStatus: details.documentStatus } : {}) },
    ),
  });
  if (!ok) return { result: 'lost-race' };
  // The data may have changed while this was in flight (an amendment, a withdrawal): go again.
  const after = await deps.store.load(message);
  if (after && (await wanted(deps, message, after)))
    await deps.followUps.send([{ ...message, attempt: 0, poll: undefined }]);
  return { result: 'accepted', mrn };
}

async function cancelLocally(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<ReporterOutcome> {
  const { report } = subject;
  const ok = await deps.store.transition(message, subject, {
    next: { ...report, seq: report.seq + 1, updatedAt: deps.clock.now().toISOString() },
    status: 'CANCELLED',
    event: event(deps, 'WITHDRAWN', 'Withdrawn by the partner before it reached Digitoll'),
  });
  return ok ? { result: 'ignored', reason: 'withdrawn before reporting' } : { result: 'lost-race' };
}

async function fail(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  reason: string,
  errors: DigitollError[],
): Promise<ReporterOutcome> {
  const { report } = subject;
  const next: ReportState = {
    ...report,
    phase: 'FAILED',
    seq: report.seq + 1,
    errors,
    lastError: reason,
    updatedAt: deps.clock.now().toISOString(),
  };
  const withdrawal = report.operation === 'DELETE';
  const ok = await deps.store.transition(message, subject, {
    next,
    ...(message.kind === 'HOUSE' && !withdrawal ? { status: 'FAILED' as const } : {}),
    event: event(deps, withdrawal ? 'WITHDRAWAL_FAILED' : 'FAILED', reason, { errors }),
  });
  return ok ? { result: 'failed', reason } : { result: 'lost-race' };
}

async function retryLater(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  phase: 'PENDING' | 'UNCERTAIN',
  reason: string,
  delaySeconds: number,
): Promise<ReporterOutcome> {
  const { report } = subject;
  if (report.attempts >= deps.settings.maxAttempts) return giveUp(deps, message, subject, reason);
  const next: ReportState = {
    ...report,
    phase,
    seq: report.seq + 1,
    lastError: reason,
    updatedAt: deps.clock.now().toISOString(),
  };
  delete next.claimId;
  const ok = await deps.store.transition(message, subject, {
    next,
    event: event(
      deps,
      phase === 'UNCERTAIN' ? 'OUTCOME_UNKNOWN' : 'RETRY_SCHEDULED',
      `${reason}; trying again in ${delaySeconds} s`,
    ),
  });
  if (!ok) return { result: 'lost-race' };
  const delay = Math.max(1, Math.min(Math.ceil(delaySeconds), 900));
  await deps.followUps.send([{ ...message, attempt: report.attempts, poll: undefined }], delay);
  return { result: 'requeued', reason, delaySeconds: delay };
}

async function giveUp(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  reason: string,
): Promise<ReporterOutcome> {
  const { report } = subject;
  const attempts = Math.max(report.attempts, message.attempt ?? 0);
  const why = `Could not be delivered to Digitoll after ${attempts} attempt(s): ${reason}`;
  const marked = { ...subject, report: { ...report, gaveUp: true } };
  const outcome = await fail(deps, message, marked, why, report.errors ?? []);
  if (outcome.result === 'lost-race') return outcome;
  await deps.deadLetters.send(message, why);
  return outcome;
}

/** The scheduled arrival a transport body carries. */
function scheduledOf(content: ReportContent<unknown> | undefined): string | undefined {
  const body = content?.body as { scheduledDateAndTimeOfArrival?: string } | undefined;
  return content?.kind === 'transport' ? body?.scheduledDateAndTimeOfArrival : undefined;
}

function located(kind: DigitollMessageKind, digitollPath: string): Pick<DigitollError, 'path' | 'in'> {
  const where = locateDigitollPath(kind, digitollPath);
  return where ? { path: where.path, in: where.in } : {};
}

function describe(message: ReportMessage): string {
  return message.kind === 'HOUSE'
    ? `house consignment ${message.shipmentNumber}`
    : message.kind === 'MASTER'
      ? 'master consignment'
      : 'transport';
}

function verb(operation: ReportOperation): string {
  return operation === 'CREATE' ? 'Sending' : operation === 'UPDATE' ? 'Updating' : 'Deleting';
}

function event(
  deps: ReporterDeps,
  type: string,
  detail: string,
  data?: Record<string, unknown>,
): ShipmentEvent {
  return { at: deps.clock.now().toISOString(), type, actor: 'reporter', detail, ...(data ? { data } : {}) };
}

/**
 * The last SQS receive of a message that kept failing (an outage of our own dependencies, a bug):
 * record why on the report before SQS moves the message to the dead-letter queue.
 */
export async function recordUndeliverable(
  deps: ReporterDeps,
  message: ReportMessage,
  reason: string,
): Promise<void> {
  const subject = await deps.store.load(message);
  if (!subject || subject.report.phase === 'ACCEPTED' || subject.report.phase === 'FAILED') return;
  await fail(
    deps,
    message,
    subject,
    `Could not be processed after every retry: ${reason}`,
    subject.report.errors ?? [],
  );
}
