/**
 * The dead-letter path end to end: Digitoll (the simulator) answering 500 to everything, the
 * bundled reporter giving up after REPORT_MAX_ATTEMPTS, the shipment FAILED with the reason, and
 * the report message in the dead-letter queue (read back from fauxqs over the SQS API).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReportMessage } from '../../lib/domain/report-message.ts';
import { houseEventTypes, inOrder, ReportingSystem } from './reporting-harness.ts';

const sys = new ReportingSystem();

beforeAll(async () => {
  await sys.start({ reporterEnv: { DIGITOLL_TIMEOUT_MS: '1500', REPORT_MAX_ATTEMPTS: '2' } });
});

afterAll(async () => {
  await sys.stop();
});

beforeEach(() => {
  sys.dumpLogsOnFailure();
});

describe('when Digitoll fails every request', () => {
  it('gives up after the last attempt: FAILED "Could not be delivered…", and the messages in the dead-letter queue', async () => {
    sys.digitoll.setFaults({ errorRate: 1 });
    const request = sys.manifest();
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const { manifestId } = await sys.postManifest(request);

    const shipments = await sys.waitForShipments(numbers);
    const manifest = await sys.waitForManifestReports(manifestId);
    await sys.settle();

    for (const shipment of shipments) {
      expect(shipment.status).toBe('FAILED');
      expect(shipment.mrn).toBeUndefined();
      expect(shipment.failureReason).toMatch(/^Could not be delivered to Digitoll after 2 attempt\(s\): /);
      expect(shipment.failureReason).toMatch(/HTTP 500/);
      // POST answered 500 (may have been processed) → look up by key (500 too) → give up.
      expect(inOrder(houseEventTypes(shipment), ['SENDING', 'OUTCOME_UNKNOWN', 'VERIFYING', 'FAILED'])).toBe(
        true,
      );
    }
    expect(manifest.transport.digitollStatus).toBe('FAILED');
    expect(manifest.masterReport.digitollStatus).toBe('FAILED');

    const deadLetters = await sys.receiveDeadLetters();
    const mine = deadLetters.filter((letter) => letter.body?.manifestId === manifestId);
    for (const letter of mine) expect(ReportMessage.safeParse(letter.body).success).toBe(true);
    expect(
      mine
        .map((letter) => (letter.body.kind === 'HOUSE' ? letter.body.shipmentNumber : letter.body.kind))
        .sort(),
    ).toEqual(['MASTER', 'TRANSPORT', ...numbers].sort());
    for (const shipment of shipments) {
      const letter = mine.find((l) => l.body.shipmentNumber === shipment.shipmentNumber);
      expect(letter?.reason).toBe(shipment.failureReason);
      // Ready for a redrive: the contract, from the first attempt, no poll.
      expect(letter?.body).toEqual({
        v: 1,
        partnerId: sys.partnerId,
        manifestId,
        kind: 'HOUSE',
        shipmentNumber: shipment.shipmentNumber,
        attempt: 0,
      });
    }

    // Nothing was ever processed: the simulator holds nothing, and no key twice.
    expect(sys.digitoll.messages()).toEqual([]);
    expect(sys.digitoll.duplicates()).toEqual([]);
    const faults = sys.digitoll.received().filter((r) => r.path.startsWith('/api/movement/'));
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.every((r) => r.outcome.status === 500 && r.outcome.fault === 'error')).toBe(true);
  });
});
