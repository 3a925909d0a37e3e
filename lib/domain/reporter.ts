/**
 * The reporter: takes one report message (transport, master or house; a submission or a poll)
 * and moves that report one step through its transition table (report-state.ts).
 *
 * Exactly once towards Customs:
 * - only the worker whose conditional claim succeeds sends; a duplicate or redelivered message
 *   finds the report claimed, submitted or done and does nothing;
 * - a send whose outcome is unknown (timeout, dropped response, 5xx, or a crash between sending
 *   and recording, seen as a stale claim) is never simply repeated: masters and houses are first
 *   looked up at Digitoll by their waybill key, after Digitoll's processing time has passed;
 * - updates (full replacement) and deletions are by MRN, so repeating them creates nothing.
 * Waiting (for validation, after a 429, before a lookup) is a delayed message on the follow-up
 * queue, never a sleeping Lambda. After the last attempt the report is FAILED with the reason and the message
 * goes to the dead-letter queue.
 *
 * Each step is one transition of the table, stored with its timeline event and, when a house's
 * partner-visible status changes, the `shipment.status` notification the step decides.
 */
import type { DigitollMessage, DigitollPort, PreparedMessage, SubmitOutcome } from './digitoll-port.ts';
import { type PartnerNotification, shipmentStatusNotification } from './notifications.ts';
import type { Clock, DeadLetters, IdGenerator, ReportQueue } from './ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from './records.ts';
import type { ReportMessage } from './report-message.ts';
import { isIn, type ReportIn, type ReportOperation, type ReportState, transition } from './report-state.ts';
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

/** One step, as the store persists it: all of it in one transaction, or none. */
export interface ReportTransition {
  next: ReportState;
  /** For houses: the shipment status this step leads to, with the MRN when accepted. */
  status?: ShipmentStatus;
  mrn?: string;
  event: ShipmentEvent;
  /** What the partner is told about this step (webhooks, through the outbox). */
  notifications: PartnerNotification[];
}

export interface ReportStore {
  load(message: ReportMessage): Promise<ReportSubject | undefined>;
  /**
   * Conditional on the stored report's `seq`; writes the event and notifications with it. False if it lost a race.
   * A house step adds one to its shipment's version (the notifications' sequence; see afterStep).
   */
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
  if (message.poll) {
    const { report } = subject;
    if (!isIn(report, 'SUBMITTED') || report.requestId !== message.poll) {
      return { result: 'ignored', reason: 'poll for a request that is no longer pending' };
    }
    return poll(deps, message, subject, report, message.poll);
  }
  return advance(deps, message, subject);
}

/** The message to Digitoll for this subject, as it stands now. */
function digitollMessage(message: ReportMessage, subject: ReportSubject): DigitollMessage {
  const { manifest } = subject;
  if (message.kind === 'HOUSE') {
    if (!subject.shipment) throw new Error('house message without shipment');
    return { kind: 'HOUSE', manifest, shipment: subject.shipment };
  }
  if (message.kind === 'MASTER') return { kind: 'MASTER', manifest };
  return {
    kind: 'TRANSPORT',
    manifest,
    // A flight is identified by its scheduled arrival, which the partner gives and which never
    // changes. A road transport has none: until Digitoll has it, its scheduled arrival is the
    // current ETA (they must be equal on the first POST); after that it is what Digitoll has, and
    // never changes (§4.1).
    scheduledArrival:
      manifest.transport.mode === 'AIR'
        ? manifest.transport.scheduledArrival
        : subject.report.mrn
          ? subject.report.scheduledArrival
          : manifest.transport.estimatedArrival,
  };
}

interface Content {
  message: DigitollMessage;
  prepared: PreparedMessage;
}

async function contentOf(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<Content> {
  const digitoll = digitollMessage(message, subject);
  return { message: digitoll, prepared: deps.digitoll.prepare(digitoll) };
}

/** What should happen at Digitoll now, given the data and what was last reported. */
async function wanted(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<{ operation: ReportOperation | 'CANCEL_LOCALLY'; content?: Content } | undefined> {
  const { report } = subject;
  if (message.kind === 'HOUSE' && subject.shipment?.withdrawalRequestedAt) {
    if (subject.shipment.status === 'CANCELLED') return undefined;
    // Never reached Digitoll: nothing to delete there.
    if (!report.mrn) return { operation: 'CANCEL_LOCALLY' };
    return report.operation === 'DELETE' && report.phase === 'ACCEPTED' ? undefined : { operation: 'DELETE' };
  }
  const content = await contentOf(deps, message, subject);
  if (!report.mrn) return { operation: 'CREATE', content };
  if (report.contentHash !== content.prepared.contentHash) return { operation: 'UPDATE', content };
  return undefined;
}

async function advance(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
): Promise<ReporterOutcome> {
  const { report } = subject;
  const now = deps.clock.now();
  if (isIn(report, 'SUBMITTED')) {
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
  if (isIn(report, 'IN_FLIGHT')) {
    const claimedAt = report.claimedAt ? Date.parse(report.claimedAt) : 0;
    if (now.getTime() - claimedAt < deps.settings.claimTtlMs) {
      return { result: 'ignored', reason: 'being sent by another worker' };
    }
    // A stale claim: the worker died between sending and recording. Look before sending again.
    return resolveUncertain(deps, message, subject, report);
  }
  if (isIn(report, 'UNCERTAIN')) return resolveUncertain(deps, message, subject, report);
  if (!isIn(report, 'PENDING', 'ACCEPTED', 'FAILED')) throw new Error(`unknown phase ${report.phase}`);
  if (isIn(report, 'FAILED') && report.gaveUp) {
    // A redriven dead letter: try again, looking first (the last outcome may have been unknown).
    return verifyAndSend(deps, message, subject, report);
  }
  const next = await wanted(deps, message, subject);
  if (!next) {
    return {
      result: 'ignored',
      reason: report.phase === 'FAILED' ? 'failed; waiting for an amendment' : 'up to date at Digitoll',
    };
  }
  if (next.operation === 'CANCEL_LOCALLY') {
    if (!isIn(report, 'PENDING', 'FAILED')) throw new Error('an accepted report has an MRN');
    return cancelLocally(deps, message, subject, report);
  }
  if (
    report.phase === 'FAILED' &&
    next.operation !== 'DELETE' &&
    next.content?.prepared.contentHash === report.contentHash
  ) {
    return { result: 'ignored', reason: 'failed with this content; waiting for an amendment' };
  }
  const at = deps.clock.now().toISOString();
  const claimed = transition(report, 'claim', claimOf(deps, at, next.operation, next.content));
  const ok = await record(deps, message, subject, {
    next: claimed,
    event: event(
      deps,
      'SENDING',
      `${verb(next.operation)} the ${describe(message)} to Digitoll (attempt ${claimed.attempts})`,
    ),
  });
  if (!ok) return { result: 'lost-race' };
  return send(deps, message, afterStep(subject, claimed), claimed, next.content);
}

/**
 * The subject as the store left it after recording `next`: the report stored, and a house's
 * shipment one version on (every house step adds one). The next step of the same message
 * conditions on that version and numbers its notification from it; handing it the version from
 * before would fail that condition once per house and cost a reload and a second transaction.
 */
function afterStep(subject: ReportSubject, next: ReportState): ReportSubject {
  return {
    ...subject,
    report: next,
    stored: true,
    ...(subject.shipment ? { shipment: { ...subject.shipment, version: subject.shipment.version + 1 } } : {}),
  };
}

function claimOf(deps: ReporterDeps, at: string, operation: ReportOperation, content: Content | undefined) {
  return {
    at,
    claimId: deps.ids.newId(),
    operation,
    contentHash: content?.prepared.contentHash,
    scheduledArrival: content?.prepared.scheduledArrival,
  };
}

async function send(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  report: ReportIn<'IN_FLIGHT'>,
  content: Content | undefined,
): Promise<ReporterOutcome> {
  let outcome: SubmitOutcome;
  if (report.operation === 'DELETE') {
    if (!report.mrn) throw new Error('DELETE without MRN');
    outcome = await deps.digitoll.withdraw({ kind: message.kind, manifest: subject.manifest }, report.mrn);
  } else {
    if (!content) throw new Error('send without content');
    outcome = await deps.digitoll.submit(
      content.message,
      report.operation === 'UPDATE' && report.mrn
        ? { operation: 'UPDATE', mrn: report.mrn }
        : { operation: 'CREATE' },
    );
  }
  const at = deps.clock.now().toISOString();
  switch (outcome.outcome) {
    case 'TAKEN': {
      const submitted = transition(report, 'taken', { at, requestId: outcome.requestId });
      const ok = await record(deps, message, subject, {
        next: submitted,
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
      const reason = `Digitoll refused the ${describe(message)}`;
      return failed(
        deps,
        message,
        subject,
        transition(report, 'refused', { at, reason, errors: outcome.errors }),
        reason,
      );
    }
    case 'RETRY_LATER':
      return retryLater(
        deps,
        message,
        subject,
        report,
        'throttled',
        outcome.reason,
        outcome.retryAfterSeconds,
      );
    case 'UNKNOWN':
      return retryLater(
        deps,
        message,
        subject,
        report,
        'outcome-unknown',
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
  report: ReportIn<'IN_FLIGHT' | 'UNCERTAIN'>,
): Promise<ReporterOutcome> {
  if (report.attempts >= deps.settings.maxAttempts) {
    return giveUp(
      deps,
      message,
      subject,
      report,
      report.lastError ?? 'the outcome of the last send is unknown',
    );
  }
  return verifyAndSend(deps, message, subject, report);
}

/** Claims it to look (masters and houses, by key) and then sends it, unless Digitoll has it. */
async function verifyAndSend(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  report: ReportIn<'IN_FLIGHT' | 'UNCERTAIN' | 'FAILED'>,
): Promise<ReporterOutcome> {
  const content = report.operation === 'DELETE' ? undefined : await contentOf(deps, message, subject);
  const at = deps.clock.now().toISOString();
  const claimed = transition(report, 'verify', claimOf(deps, at, report.operation, content));
  const ok = await record(deps, message, subject, {
    next: claimed,
    event: event(deps, 'VERIFYING', `Checking whether Digitoll already has the ${describe(message)}`),
  });
  if (!ok) return { result: 'lost-race' };
  const mine = afterStep(subject, claimed);

  if (report.operation === 'CREATE' && content && content.message.kind !== 'TRANSPORT') {
    const lookup = await deps.digitoll.findExisting(content.message);
    if (lookup.outcome === 'FOUND') {
      const found = transition(claimed, 'found', { at: deps.clock.now().toISOString(), mrn: lookup.mrn });
      return accept(deps, message, mine, found, lookup.mrn, 'found at Digitoll by its waybill key');
    }
    if (lookup.outcome === 'RETRY_LATER') {
      return retryLater(
        deps,
        message,
        mine,
        claimed,
        'outcome-unknown',
        lookup.reason,
        lookup.retryAfterSeconds,
      );
    }
  }
  if (report.operation === 'CREATE' && message.kind === 'TRANSPORT') {
    // Digitoll documents no way to find a transport without its MRN, so an unknown outcome can only
    // be resolved by sending again. A missing transport stops the truck; a duplicate one does not:
    // send, and say so loudly in the timeline for the operator.
    const warned = transition(claimed, 'possible-duplicate', { at });
    const recorded = await record(deps, message, mine, {
      next: warned,
      event: event(
        deps,
        'POSSIBLE_DUPLICATE',
        'The outcome of the last transport send is unknown and Digitoll offers no lookup for transports without an MRN; sending it again. If the first send was processed, Customs holds a duplicate transport to DELETE.',
      ),
    });
    if (!recorded) return { result: 'lost-race' };
    return send(deps, message, afterStep(mine, warned), warned, content);
  }
  // Not there (or an update or deletion by MRN, which is safe to repeat): send it now, under our claim.
  return send(deps, message, mine, claimed, content);
}

async function poll(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  report: ReportIn<'SUBMITTED'>,
  requestId: string,
): Promise<ReporterOutcome> {
  const status = await deps.digitoll.validationStatus(
    { kind: message.kind, manifest: subject.manifest },
    requestId,
  );
  const attempt = message.attempt ?? 0;
  switch (status.outcome) {
    case 'NOT_READY': {
      if (attempt + 1 >= deps.settings.maxPolls) {
        return giveUp(deps, message, subject, report, `no validation result after ${attempt + 1} polls`);
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
    case 'SUCCESS': {
      const { mrn, documentStatus, incompleteReasons } = status;
      const validated = transition(report, 'validated', {
        at: deps.clock.now().toISOString(),
        mrn,
        ...(documentStatus ? { documentStatus } : {}),
        ...(incompleteReasons ? { incompleteReasons } : {}),
      });
      return accept(deps, message, subject, validated, mrn, 'validated by Digitoll', documentStatus);
    }
    case 'FAILURE': {
      const reason = `Digitoll rejected the ${describe(message)}`;
      const at = deps.clock.now().toISOString();
      return failed(
        deps,
        message,
        subject,
        transition(report, 'rejected', { at, reason, errors: status.errors }),
        reason,
      );
    }
  }
}

async function accept(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  next: ReportIn<'ACCEPTED'>,
  mrn: string,
  how: string,
  documentStatus?: string,
): Promise<ReporterOutcome> {
  const withdrawn = next.operation === 'DELETE';
  const ok = await record(deps, message, subject, {
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
      { mrn, ...(documentStatus ? { documentStatus } : {}) },
    ),
  });
  if (!ok) return { result: 'lost-race' };
  // The data may have changed while this was in flight (an amendment, a withdrawal): go again.
  const after = await deps.store.load(message);
  if (after && (await wanted(deps, message, after))) {
    await deps.followUps.send([{ ...message, attempt: 0, poll: undefined }]);
  }
  return { result: 'accepted', mrn };
}

async function cancelLocally(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  report: ReportIn<'PENDING' | 'FAILED'>,
): Promise<ReporterOutcome> {
  const ok = await record(deps, message, subject, {
    next: transition(report, 'withdraw-locally', { at: deps.clock.now().toISOString() }),
    status: 'CANCELLED',
    event: event(deps, 'WITHDRAWN', 'Withdrawn by the partner before it reached Digitoll'),
  });
  return ok ? { result: 'ignored', reason: 'withdrawn before reporting' } : { result: 'lost-race' };
}

/**
 * Stores a FAILED report (Digitoll refused or rejected it, or it could not be delivered): a house
 * is FAILED too, unless it was being deleted.
 */
async function failed(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  next: ReportIn<'FAILED'>,
  reason: string,
): Promise<ReporterOutcome> {
  const withdrawal = next.operation === 'DELETE';
  const ok = await record(deps, message, subject, {
    next,
    ...(message.kind === 'HOUSE' && !withdrawal ? { status: 'FAILED' as const } : {}),
    event: event(deps, withdrawal ? 'WITHDRAWAL_FAILED' : 'FAILED', reason, { errors: next.errors ?? [] }),
  });
  return ok ? { result: 'failed', reason } : { result: 'lost-race' };
}

async function retryLater(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  report: ReportIn<'IN_FLIGHT'>,
  kind: 'throttled' | 'outcome-unknown',
  reason: string,
  delaySeconds: number,
): Promise<ReporterOutcome> {
  if (report.attempts >= deps.settings.maxAttempts) return giveUp(deps, message, subject, report, reason);
  const ok = await record(deps, message, subject, {
    next: transition(report, kind, { at: deps.clock.now().toISOString(), reason }),
    event: event(
      deps,
      kind === 'outcome-unknown' ? 'OUTCOME_UNKNOWN' : 'RETRY_SCHEDULED',
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
  report: ReportIn<'IN_FLIGHT' | 'UNCERTAIN' | 'SUBMITTED'>,
  reason: string,
): Promise<ReporterOutcome> {
  const attempts = Math.max(report.attempts, message.attempt ?? 0);
  const why = `Could not be delivered to Digitoll after ${attempts} attempt(s): ${reason}`;
  const next = transition(report, 'gave-up', { at: deps.clock.now().toISOString(), reason: why });
  const outcome = await failed(deps, message, subject, next, why);
  if (outcome.result === 'lost-race') return outcome;
  await deps.deadLetters.send(message, why);
  return outcome;
}

/**
 * Stores one step with its event, and the notification it decides: a house whose status changes
 * tells the partner (shipment.status), in the same transaction.
 */
function record(
  deps: ReporterDeps,
  message: ReportMessage,
  subject: ReportSubject,
  step: Omit<ReportTransition, 'notifications'>,
): Promise<boolean> {
  const notifications =
    message.kind === 'HOUSE' && step.status && step.status !== subject.shipment?.status
      ? [
          shipmentStatusNotification({
            partnerId: message.partnerId,
            manifestId: message.manifestId,
            shipmentNumber: message.shipmentNumber,
            status: step.status,
            at: step.event.at,
            seq: step.next.seq,
            // The store makes the shipment's version this, or renumbers if another change moved it.
            sequence: (subject.shipment?.version ?? 0) + 1,
            mrn: step.mrn,
            digitollErrors: step.next.errors,
          }),
        ]
      : [];
  return deps.store.transition(message, subject, { ...step, notifications });
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
  if (!subject || !isIn(subject.report, 'PENDING', 'IN_FLIGHT', 'UNCERTAIN', 'SUBMITTED')) return;
  const why = `Could not be processed after every retry: ${reason}`;
  await failed(
    deps,
    message,
    subject,
    transition(subject.report, 'undeliverable', { at: deps.clock.now().toISOString(), reason: why }),
    why,
  );
}
