import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AIR_MAPPING } from '../../lib/adapters/digitoll/air/mapping.ts';
import type {
  DigitollKind,
  LookupOutcome,
  StatusOutcome,
  SubmitOutcome,
  WaybillKey,
} from '../../lib/adapters/digitoll/client.ts';
import { DigitollReporting, type MovementApi } from '../../lib/adapters/digitoll/reporting.ts';
import { ROAD_V2_MAPPING } from '../../lib/adapters/digitoll/road-v2/mapping.ts';
import { buildIntake, reportMessagesFor } from '../../lib/domain/intake.ts';
import type { DeadLetters, ReportQueue } from '../../lib/domain/ports.ts';
import type { ManifestRecord, ShipmentEvent, ShipmentRecord } from '../../lib/domain/records.ts';
import { type ReportMessage, reportMessageKey } from '../../lib/domain/report-message.ts';
import { initialReport, type ReportState } from '../../lib/domain/report-state.ts';
import {
  DEFAULT_REPORTER_SETTINGS,
  handleReportMessage,
  type ReporterDeps,
  type ReportStore,
  type ReportSubject,
  type ReportTransition,
} from '../../lib/domain/reporter.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';
import { FakeClock, sequentialIds } from './fakes.ts';

type WireClient = MovementApi['client'];

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);

type Behaviour = 'ok' | 'drop' | 'fail-before' | 'throttle' | 'crash-after-send';

/**
 * Digitoll on the wire: processes what it takes, counts what it processed per key. The reporter
 * reaches it through the real adapter (DigitollReporting with the road v2 mapping).
 */
class FakeDigitoll implements WireClient {
  script: Behaviour[] = [];
  processed: Array<{ kind: DigitollKind; key: string; mrn: string; requestId: string; method: string }> = [];
  /** Requests that finish validation only after this many polls. */
  pollsBeforeReady = 0;
  polls = new Map<string, number>();
  failures = new Map<string, { description: string; messageElementPath: string }[]>();
  refuse = false;
  private n = 0;

  private keyOf(kind: DigitollKind, body: any, mrn?: string): string {
    if (mrn) return `${kind}:${mrn}`;
    if (kind === 'house-consignment')
      return `${kind}:${body.consignmentHouseLevel.transportDocumentHouseLevel.documentNumber}`;
    if (kind === 'master-consignment')
      return `${kind}:${body.consignmentMasterLevel.transportDocumentMasterLevel.documentNumber}`;
    return `${kind}:${body.activeBorderTransportMeans.identificationNumber}`;
  }

  async submit(kind: DigitollKind, body: unknown, mrn?: string): Promise<SubmitOutcome> {
    const behaviour = this.script.shift() ?? 'ok';
    if (this.refuse)
      return {
        outcome: 'REFUSED',
        errors: [{ field: 'consignmentHouseLevel.goodsDescription', error: 'must not be blank' }],
      };
    if (behaviour === 'throttle') return { outcome: 'RETRY_LATER', retryAfterSeconds: 1, reason: '429' };
    if (behaviour === 'fail-before') return { outcome: 'UNKNOWN', reason: '503 before processing' };
    const requestId = `req-${++this.n}`;
    const key = this.keyOf(kind, body, mrn);
    this.processed.push({ kind, key, mrn: mrn ?? `MRN${this.n}`, requestId, method: mrn ? 'PUT' : 'POST' });
    if (behaviour === 'drop') return { outcome: 'UNKNOWN', reason: 'connection reset' };
    if (behaviour === 'crash-after-send') throw new Error('worker crashed after sending');
    return { outcome: 'TAKEN', requestId };
  }
  async withdraw(kind: DigitollKind, mrn: string): Promise<SubmitOutcome> {
    const requestId = `req-${++this.n}`;
    this.processed.push({ kind, key: `${kind}:${mrn}`, mrn, requestId, method: 'DELETE' });
    return { outcome: 'TAKEN', requestId };
  }
  async validationStatus(_kind: DigitollKind, requestId: string): Promise<StatusOutcome> {
    const polls = (this.polls.get(requestId) ?? 0) + 1;
    this.polls.set(requestId, polls);
    if (polls <= this.pollsBeforeReady) return { outcome: 'NOT_READY' };
    const found = this.processed.find((p) => p.requestId === requestId);
    if (!found) return { outcome: 'NOT_READY' };
    const errors = this.failures.get(found.key);
    return errors ? { outcome: 'FAILURE', errors } : { outcome: 'SUCCESS', mrn: found.mrn };
  }
  async findByWaybill(
    kind: 'master-consignment' | 'house-consignment',
    key: WaybillKey,
  ): Promise<LookupOutcome> {
    const found = this.processed.find(
      (p) => p.key === `${kind}:${key.documentNumber}` && p.method === 'POST',
    );
    return found ? { outcome: 'FOUND', mrn: found.mrn } : { outcome: 'NOT_FOUND' };
  }
  /** POSTs that Digitoll processed, per key: more than one is a duplicate at Customs. */
  duplicates(): string[] {
    const counts = new Map<string, number>();
    for (const p of this.processed.filter((p) => p.method === 'POST'))
      counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  }
}

class FakeStore implements ReportStore {
  manifest: ManifestRecord;
  shipments = new Map<string, ShipmentRecord>();
  reports = new Map<string, ReportState>();
  events: Array<ShipmentEvent & { key: string }> = [];
  /** House steps whose notifications were numbered from a version the shipment no longer had. */
  staleVersionSteps = 0;

  constructor(manifest: ManifestRecord, shipments: ShipmentRecord[]) {
    this.manifest = manifest;
    for (const s of shipments) this.shipments.set(s.shipmentNumber, s);
  }
  async load(message: ReportMessage): Promise<ReportSubject | undefined> {
    const key = reportMessageKey({ ...message, poll: undefined });
    const stored = this.reports.get(key);
    const shipment = message.kind === 'HOUSE' ? this.shipments.get(message.shipmentNumber) : undefined;
    if (message.kind === 'HOUSE' && !shipment) return undefined;
    return {
      manifest: structuredClone(this.manifest),
      ...(shipment ? { shipment: structuredClone(shipment) } : {}),
      report: structuredClone(stored ?? initialReport(this.manifest.receivedAt)),
      stored: stored !== undefined,
    };
  }
  async transition(message: ReportMessage, subject: ReportSubject, change: ReportTransition) {
    const key = reportMessageKey({ ...message, poll: undefined });
    const stored = this.reports.get(key);
    if (subject.stored ? stored?.seq !== subject.report.seq : stored !== undefined) return false;
    this.reports.set(key, structuredClone(change.next));
    if (message.kind === 'HOUSE') {
      const shipment = this.shipments.get(message.shipmentNumber);
      if (shipment) {
        // As the table does: every house step adds one to the version, and a step with a
        // notification is conditional on the version it was numbered from (the store renumbers
        // and tries again when it moved: counted here, since it costs a reload and a transaction).
        if (change.notifications.length > 0 && subject.shipment?.version !== shipment.version) {
          this.staleVersionSteps++;
        }
        shipment.version += 1;
        if (change.status) shipment.status = change.status;
        if (change.mrn) shipment.mrn = change.mrn;
        shipment.report = change.next;
      }
    }
    this.events.push({ ...change.event, key });
    return true;
  }
}

class FakeQueue implements ReportQueue {
  messages: Array<{ message: ReportMessage; visibleAt: number }> = [];
  constructor(private clock: FakeClock) {}
  async send(messages: ReportMessage[], delaySeconds = 0) {
    for (const message of messages) {
      this.messages.push({
        message: structuredClone(message),
        visibleAt: this.clock.now().getTime() + delaySeconds * 1000,
      });
    }
  }
}

class FakeDeadLetters implements DeadLetters {
  sent: Array<{ message: ReportMessage; reason: string }> = [];
  async send(message: ReportMessage, reason: string) {
    this.sent.push({ message, reason });
  }
}

function world(manifestRequest: ManifestRequest = example) {
  const clock = new FakeClock(new Date('2026-12-01T08:00:00Z'));
  const { manifest, records } = buildIntake(
    { partnerId: 'p', manifestId: 'm1', receivedAt: clock.now().toISOString() },
    manifestRequest,
  );
  const store = new FakeStore({ ...manifest, intake: 'COMPLETE' }, records);
  const digitoll = new FakeDigitoll();
  const queue = new FakeQueue(clock);
  const deadLetters = new FakeDeadLetters();
  const deps: ReporterDeps = {
    store,
    digitoll: new DigitollReporting(
      {
        ROAD: { mapping: ROAD_V2_MAPPING, client: digitoll },
        AIR: { mapping: AIR_MAPPING, client: digitoll },
      },
      clock,
    ),
    followUps: queue,
    deadLetters,
    clock,
    ids: sequentialIds(),
    settings: { ...DEFAULT_REPORTER_SETTINGS, maxAttempts: 5, maxPolls: 6 },
  };
  const initial = reportMessagesFor(manifest, records);
  return { clock, store, digitoll, queue, deadLetters, deps, initial };
}

const house = (shipmentNumber: string): ReportMessage => ({
  v: 1,
  partnerId: 'p',
  manifestId: 'm1',
  kind: 'HOUSE',
  shipmentNumber,
});

/** Delivers every visible message (advancing the clock to the next one) until the queue is empty. */
async function drain(w: ReturnType<typeof world>, limit = 500) {
  for (let i = 0; i < limit; i++) {
    if (w.queue.messages.length === 0) return;
    w.queue.messages.sort((a, b) => a.visibleAt - b.visibleAt);
    const next = w.queue.messages.shift();
    if (!next) return;
    if (next.visibleAt > w.clock.now().getTime()) w.clock.at = new Date(next.visibleAt);
    try {
      await handleReportMessage(w.deps, next.message);
    } catch {
      // Not acknowledged: SQS redelivers it after the visibility timeout.
      w.queue.messages.push({ message: next.message, visibleAt: w.clock.now().getTime() + 360_000 });
    }
  }
  throw new Error('queue did not drain');
}

describe('the reporter', () => {
  it('reports transport, master and every house, follows each to its MRN, and records every step', async () => {
    const w = world();
    w.digitoll.pollsBeforeReady = 2;
    await w.queue.send(w.initial);
    await drain(w);
    for (const shipment of w.store.shipments.values()) {
      expect(shipment.status).toBe('ACCEPTED');
      expect(shipment.mrn).toMatch(/^MRN/);
    }
    expect(w.store.reports.get('p/m1/TRANSPORT')?.phase).toBe('ACCEPTED');
    expect(w.store.reports.get('p/m1/MASTER')?.phase).toBe('ACCEPTED');
    expect(w.digitoll.processed.map((p) => p.kind).sort()).toEqual([
      'house-consignment',
      'house-consignment',
      'house-consignment',
      'master-consignment',
      'transport',
    ]);
    const timeline = w.store.events.filter((e) => e.key === 'p/m1/HOUSE/RR123456785SE').map((e) => e.type);
    expect(timeline).toEqual(['SENDING', 'SUBMITTED', 'ACCEPTED']);
  });

  it('ignores duplicates: a redelivered message never sends twice', async () => {
    const w = world();
    const message = house('RR123456785SE');
    await handleReportMessage(w.deps, message);
    expect(await handleReportMessage(w.deps, message)).toMatchObject({ result: 'ignored' });
    await drain(w);
    expect(await handleReportMessage(w.deps, message)).toMatchObject({
      result: 'ignored',
      reason: 'up to date at Digitoll',
    });
    expect(w.digitoll.processed).toHaveLength(1);
  });

  it('numbers each step from the version the shipment has after the step before: none is renumbered', async () => {
    for (const script of [[], ['fail-before'], ['drop']] as const) {
      const w = world();
      w.digitoll.script = [...script];
      await w.queue.send(w.initial);
      await drain(w);
      for (const shipment of w.store.shipments.values()) expect(shipment.status).toBe('ACCEPTED');
      // Claim, SUBMITTED, ACCEPTED (and on an unknown outcome the look-up's claim) follow each other
      // in one message's handling: each numbered from its predecessor's version.
      expect(w.store.staleVersionSteps).toBe(0);
    }
  });

  it('a dropped response is looked up by waybill key, not sent again', async () => {
    const w = world();
    w.digitoll.script = ['drop'];
    const first = await handleReportMessage(w.deps, house('RR123456785SE'));
    expect(first).toMatchObject({
      result: 'requeued',
      delaySeconds: DEFAULT_REPORTER_SETTINGS.uncertainDelaySeconds,
    });
    await drain(w);
    expect(w.digitoll.processed).toHaveLength(1);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('ACCEPTED');
    expect(w.store.events.map((e) => e.type)).toContain('VERIFYING');
  });

  it('a 5xx before processing is looked up, not found, and sent again', async () => {
    const w = world();
    w.digitoll.script = ['fail-before'];
    await handleReportMessage(w.deps, house('RR123456785SE'));
    await drain(w);
    expect(w.digitoll.processed).toHaveLength(1);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('ACCEPTED');
  });

  it('a crash between sending and recording is recovered without a duplicate', async () => {
    const w = world();
    w.digitoll.script = ['crash-after-send'];
    const message = house('RR123456785SE');
    await expect(handleReportMessage(w.deps, message)).rejects.toThrow('crashed');
    // A duplicate delivered meanwhile sees a fresh claim and stays away.
    expect(await handleReportMessage(w.deps, message)).toMatchObject({ result: 'ignored' });
    // SQS redelivers the unacknowledged message after the visibility timeout: the claim is stale by then.
    w.clock.advance(360_000);
    await handleReportMessage(w.deps, message);
    await drain(w);
    expect(w.digitoll.duplicates()).toEqual([]);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('ACCEPTED');
  });

  it('a sync 400 fails the shipment with Digitoll’s errors, verbatim and mapped to our path', async () => {
    const w = world();
    w.digitoll.refuse = true;
    await handleReportMessage(w.deps, house('RR123456785SE'));
    const shipment = w.store.shipments.get('RR123456785SE');
    expect(shipment?.status).toBe('FAILED');
    expect(shipment?.report?.errors).toEqual([
      {
        message: 'must not be blank',
        digitollPath: 'consignmentHouseLevel.goodsDescription',
        path: '/goodsDescription',
        in: 'shipment',
      },
    ]);
  });

  it('an async FAILURE keeps Digitoll’s text and points at the VOEC number', async () => {
    const w = world();
    w.digitoll.failures.set('house-consignment:LX987654321SE', [
      {
        description: 'Unknown vatIdentificationNumber',
        messageElementPath:
          'consignmentHouseLevel.goodsItem[0].additionalFiscalReferences.vatIdentificationNumber',
      },
    ]);
    await w.queue.send([house('LX987654321SE')]);
    await drain(w);
    const report = w.store.shipments.get('LX987654321SE')?.report;
    expect(w.store.shipments.get('LX987654321SE')?.status).toBe('FAILED');
    expect(report?.errors?.[0]).toMatchObject({
      message: 'Unknown vatIdentificationNumber',
      path: '/voecNumber',
      in: 'shipment',
    });
  });

  it('gives up after the last attempt: FAILED with the reason, and the message in the dead-letter queue', async () => {
    const w = world();
    w.digitoll.script = Array(10).fill('throttle');
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('FAILED');
    expect(w.store.shipments.get('RR123456785SE')?.report?.lastError).toMatch(/after 5 attempt/);
    expect(w.deadLetters.sent).toHaveLength(1);
    expect(w.digitoll.processed).toHaveLength(0);
  });

  it('a redriven dead letter tries again (looking first), and can still be accepted', async () => {
    const w = world();
    w.digitoll.script = Array(5).fill('throttle');
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    expect(w.store.shipments.get('RR123456785SE')?.report?.gaveUp).toBe(true);
    const [dead] = w.deadLetters.sent;
    if (!dead) throw new Error('nothing dead-lettered');
    // The operator redrives the message once Digitoll is healthy again.
    await w.queue.send([dead.message]);
    await drain(w);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('ACCEPTED');
    expect(w.store.events.map((e) => e.type)).toContain('VERIFYING');
    expect(w.digitoll.duplicates()).toEqual([]);
  });

  it('a transport is first sent with its scheduled arrival equal to the current ETA, then keeps it', async () => {
    const w = world();
    w.store.manifest.transport.estimatedArrival = '2026-12-01T15:00:00.000Z'; // moved before the first send
    const transport = w.initial[0];
    if (!transport) throw new Error('no transport message');
    let bodies: any[] = [];
    const submit = w.digitoll.submit.bind(w.digitoll);
    w.digitoll.submit = async (kind, body, mrn) => {
      bodies.push(body);
      return submit(kind, body, mrn);
    };
    await w.queue.send([transport]);
    await drain(w);
    expect(bodies[0].scheduledDateAndTimeOfArrival).toBe('2026-12-01T15:00:00Z');
    expect(bodies[0].estimatedDateAndTimeOfArrival).toBe('2026-12-01T15:00:00Z');
    bodies = [];
    w.store.manifest.transport.estimatedArrival = '2026-12-01T17:00:00.000Z';
    await w.queue.send([transport]);
    await drain(w);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      scheduledDateAndTimeOfArrival: '2026-12-01T15:00:00Z',
      estimatedDateAndTimeOfArrival: '2026-12-01T17:00:00Z',
    });
  });

  it('gives up polling after the last poll', async () => {
    const w = world();
    w.digitoll.pollsBeforeReady = 100;
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    expect(w.store.shipments.get('RR123456785SE')?.status).toBe('FAILED');
    expect(w.deadLetters.sent[0]?.reason).toMatch(/no validation result/);
  });

  it('an amendment after acceptance is sent as a PUT by MRN; a withdrawal as a DELETE', async () => {
    const w = world();
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    const shipment = w.store.shipments.get('RR123456785SE');
    if (!shipment) throw new Error('missing');
    const mrn = shipment.mrn;
    shipment.input = { ...shipment.input, goodsDescription: 'Cotton T-shirts and socks' };
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    expect(w.digitoll.processed.map((p) => p.method)).toEqual(['POST', 'PUT']);
    expect(w.digitoll.processed[1]?.mrn).toBe(mrn);
    expect(shipment.status).toBe('ACCEPTED');

    shipment.withdrawalRequestedAt = w.clock.now().toISOString();
    await w.queue.send([house('RR123456785SE')]);
    await drain(w);
    expect(w.digitoll.processed.map((p) => p.method)).toEqual(['POST', 'PUT', 'DELETE']);
    expect(shipment.status).toBe('CANCELLED');
  });

  it('a withdrawal before reporting cancels locally without calling Digitoll', async () => {
    const w = world();
    const shipment = w.store.shipments.get('CP000111222SE');
    if (!shipment) throw new Error('missing');
    shipment.withdrawalRequestedAt = w.clock.now().toISOString();
    await w.queue.send([house('CP000111222SE')]);
    await drain(w);
    expect(shipment.status).toBe('CANCELLED');
    expect(w.digitoll.processed).toEqual([]);
  });

  it('re-sends a transport after an unknown outcome (no key lookup exists) and says so in the events', async () => {
    const w = world();
    w.digitoll.script = ['drop'];
    const transport = w.initial[0];
    if (!transport) throw new Error('no transport message');
    await w.queue.send([transport]);
    await drain(w);
    expect(w.store.reports.get('p/m1/TRANSPORT')?.phase).toBe('ACCEPTED');
    expect(w.digitoll.processed.filter((p) => p.kind === 'transport')).toHaveLength(2);
    expect(w.store.events.map((e) => e.type)).toContain('POSSIBLE_DUPLICATE');
  });

  it('exactly once under any mix of duplicates, redeliveries, crashes and faults (property)', async () => {
    const behaviour = fc.constantFrom<Behaviour>(
      'ok',
      'ok',
      'drop',
      'fail-before',
      'throttle',
      'crash-after-send',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(behaviour, { maxLength: 12 }),
        fc.array(fc.nat({ max: 20 }), { maxLength: 10 }),
        fc.nat({ max: 3 }),
        async (script, duplicateAt, pollsBeforeReady) => {
          const w = world();
          w.digitoll.script = [...script];
          w.digitoll.pollsBeforeReady = pollsBeforeReady;
          w.deps.settings = { ...w.deps.settings, maxAttempts: 20, maxPolls: 20 };
          await w.queue.send(w.initial);
          // Duplicates of the initial messages, delivered at arbitrary times.
          for (const at of duplicateAt) {
            const message = w.initial[at % w.initial.length];
            if (message) await w.queue.send([message], at);
          }
          await drain(w, 2000);
          // Houses and masters: never twice. Transports: only re-sent after an unknown outcome (see below).
          expect(w.digitoll.duplicates().filter((key) => !key.startsWith('transport:'))).toEqual([]);
          const unknownOutcomes = script.filter((b) => b === 'drop' || b === 'crash-after-send').length;
          const transportPosts = w.digitoll.processed.filter(
            (p) => p.kind === 'transport' && p.method === 'POST',
          );
          expect(transportPosts.length).toBeLessThanOrEqual(1 + unknownOutcomes);
          for (const shipment of w.store.shipments.values()) expect(shipment.status).toBe('ACCEPTED');
        },
      ),
      { numRuns: 150 },
    );
  });
});
