/**
 * Exactly once towards Digitoll, end to end over real HTTP: the bundled reporter against the
 * Digitoll simulator's faults (429, 5xx, timeouts, dropped responses), SQS redelivery of every
 * report message, a response lost after Digitoll processed the POST, and a worker that crashed
 * between sending and recording. Whatever happens, one house (and one master) per waybill key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { houseContent } from '../../lib/adapters/digitoll/road-v2/mapping.ts';
import type { ShipmentInput } from '../../lib/manifest/schema.ts';
import { road } from '../road.ts';
import { houseEventTypes, inOrder, ReportingSystem, waitFor } from './reporting-harness.ts';

const sys = new ReportingSystem();

beforeAll(async () => {
  // A short client timeout, so the simulator's held requests cost 1.5 s, not 10.
  await sys.start({ reporterEnv: { DIGITOLL_TIMEOUT_MS: '1500' } });
});

afterAll(async () => {
  await sys.stop();
});

beforeEach(async () => {
  sys.dumpLogsOnFailure();
  sys.digitoll.setFaults({});
  await sys.settle();
});

/** A manifest of `count` shipments like the fixture's. */
function manifestOf(count: number) {
  return sys.manifest((m) => {
    const templates = m.shipments;
    m.shipments = Array.from({ length: count }, (_, i) => ({
      ...structuredClone(templates[i % templates.length] as ShipmentInput),
      shipmentNumber: sys.shipmentNumber(),
    }));
  });
}

/** One active house per waybill number at Digitoll, with the MRN we hold. */
function expectOneHouseEach(numbers: readonly string[], mrns: ReadonlyMap<string, string | undefined>) {
  for (const number of numbers) {
    const houses = sys.houses(number);
    expect(houses, `houses with waybill ${number}`).toHaveLength(1);
    expect(houses[0]).toMatchObject({ status: 'ACTIVE', mrn: mrns.get(number) });
  }
}

describe('faults at Digitoll', () => {
  it('with 30 % of requests failing (429, 5xx, timeouts, dropped responses) everything still ends ACCEPTED, once', async () => {
    const request = manifestOf(8);
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    // Seed 96 starts with 500, 500, dropped: at least one of the first three POSTs is a house.
    sys.digitoll.setFaults({
      seed: 96,
      errorRate: 0.1,
      rateLimitRate: 0.05,
      timeoutRate: 0.05,
      dropResponseRate: 0.1,
      timeoutHoldMs: 3_000,
    });
    const { manifestId } = await sys.postManifest(request);
    const shipments = await sys.waitForShipments(numbers, ['ACCEPTED', 'FAILED'], 55_000);
    const manifest = await sys.waitForManifestReports(manifestId, 20_000);
    sys.digitoll.setFaults({});
    await sys.settle();

    for (const shipment of shipments) expect(shipment.status, shipment.shipmentNumber).toBe('ACCEPTED');
    expect(manifest.transport.digitollStatus).toBe('ACCEPTED');
    expect(manifest.masterReport.digitollStatus).toBe('ACCEPTED');

    // The simulator really did fail requests, of more than one kind.
    const received = sys.digitoll.received();
    const faults = new Set(received.map((r) => r.outcome.fault).filter(Boolean));
    expect(faults.size).toBeGreaterThan(1);

    // Exactly once: no house or master key accepted twice, one active house per waybill.
    expect(sys.duplicatesOf([...numbers, request.masterConsignment?.waybill.number ?? ''])).toEqual([]);
    expectOneHouseEach(numbers, new Map(shipments.map((s) => [s.shipmentNumber, s.mrn])));
    expect(sys.masters(request.masterConsignment?.waybill.number ?? '')).toEqual([
      expect.objectContaining({ status: 'ACTIVE', mrn: manifest.masterReport.mrn }),
    ]);

    // Every house whose POST may have been processed (5xx, timeout, dropped) was looked up before
    // anything was sent again, and its timeline says so.
    let uncertain = 0;
    for (const shipment of shipments) {
      const posts = sys.housePosts(shipment.shipmentNumber);
      const unknownOutcome = posts.some((p) => ['error', 'timeout', 'drop'].includes(p.outcome.fault ?? ''));
      if (!unknownOutcome) continue;
      uncertain++;
      expect(
        inOrder(houseEventTypes(shipment), ['SENDING', 'OUTCOME_UNKNOWN', 'VERIFYING', 'ACCEPTED']),
      ).toBe(true);
    }
    // Of all the POSTs of one house, Digitoll processed exactly one (a dropped one included).
    for (const number of numbers) {
      expect(sys.housePosts(number).filter((p) => p.outcome.status === 202)).toHaveLength(1);
    }
    expect(uncertain).toBeGreaterThan(0);
  });

  it('redelivered report messages (every message three times, during and after reporting) send nothing twice', async () => {
    const request = manifestOf(3);
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const before = sys.digitoll.received().length;
    const { manifestId } = await sys.postManifest(request);
    const messages = sys.reportMessages(manifestId, numbers);
    // While the originals are being worked on: two more copies of each.
    await sys.sendReportMessages([...messages, ...messages]);
    const shipments = await sys.waitForShipments(numbers);
    await sys.waitForManifestReports(manifestId);
    // And after everything was accepted.
    await sys.sendReportMessages([...messages, ...messages]);
    await sys.settle();

    const received = sys.digitoll.received().slice(before);
    const posts = (kind: string) =>
      received.filter((r) => r.method === 'POST' && r.path === `/api/movement/road/v2/${kind}`);
    for (const shipment of shipments) {
      expect(shipment.status).toBe('ACCEPTED');
      expect(sys.housePosts(shipment.shipmentNumber)).toHaveLength(1);
      // The copies changed nothing: one claim, one send, one acceptance.
      expect(houseEventTypes(await sys.getShipment(shipment.shipmentNumber))).toEqual([
        'RECEIVED',
        'SENDING',
        'SUBMITTED',
        'ACCEPTED',
      ]);
    }
    expect(
      posts('master-consignment').filter(
        (r) =>
          (r.body as any).consignmentMasterLevel.transportDocumentMasterLevel.documentNumber ===
          request.masterConsignment?.waybill.number,
      ),
    ).toHaveLength(1);
    expect(sys.transports(road(request.transport).vehicleRegistration)).toHaveLength(1);
    expect(
      posts('transport').filter(
        (r) =>
          (r.body as any).activeBorderTransportMeans.identificationNumber ===
          road(request.transport).vehicleRegistration,
      ),
    ).toHaveLength(1);
    expect(received.filter((r) => r.method === 'PUT' || r.method === 'DELETE')).toEqual([]);
    expect(sys.duplicatesOf([...numbers, request.masterConsignment?.waybill.number ?? ''])).toEqual([]);
    expectOneHouseEach(numbers, new Map(shipments.map((s) => [s.shipmentNumber, s.mrn])));
  });
});

describe('a lost outcome', () => {
  /** A reported manifest (one shipment), quiet afterwards. */
  async function reportedManifest() {
    const request = manifestOf(1);
    const { manifestId } = await sys.postManifest(request);
    await sys.waitForShipments(
      request.shipments.map((s) => s.shipmentNumber),
      ['ACCEPTED'],
    );
    await sys.waitForManifestReports(manifestId);
    await sys.settle();
    return { request, manifestId };
  }

  it('a house POST processed but its response dropped: UNKNOWN, found by its key, ACCEPTED without a second POST', async () => {
    const { manifestId } = await reportedManifest();
    const added = sys.shipment();
    // Only this house reaches Digitoll now (the transport and master are up to date): drop its answer.
    sys.digitoll.setFaults({ dropResponseRate: 1 });
    const reply = await sys.api('POST', `/v1/manifests/${manifestId}/shipments`, { shipments: [added] });
    expect(reply.status).toBe(202);
    const [dropped] = await waitFor(
      'the house POST',
      () => sys.housePosts(added.shipmentNumber),
      // The record is written when the request arrives and its outcome when it is answered (or dropped).
      (posts) => posts[0]?.outcome?.status !== undefined,
      { intervalMs: 25 },
    );
    // The reporter looks only after REPORT_UNCERTAIN_DELAY_SECONDS (2 s): the lookup is answered.
    sys.digitoll.setFaults({});
    expect(dropped?.outcome).toMatchObject({ dropped: true, fault: 'drop', status: 202 });

    const [shipment] = await sys.waitForShipments([added.shipmentNumber]);
    expect(shipment?.status).toBe('ACCEPTED');
    const types = houseEventTypes(shipment);
    expect(inOrder(types, ['SENDING', 'OUTCOME_UNKNOWN', 'VERIFYING', 'ACCEPTED'])).toBe(true);
    expect(types).not.toContain('SUBMITTED');
    expect(shipment?.timeline.at(-1)?.detail).toMatch(/found at Digitoll by its waybill key/);
    await sys.settle();

    expect(sys.housePosts(added.shipmentNumber)).toHaveLength(1);
    expect(sys.houses(added.shipmentNumber)).toEqual([
      expect.objectContaining({
        status: 'ACTIVE',
        mrn: shipment?.mrn,
        requestIds: [dropped?.outcome.requestId],
      }),
    ]);
    expect(sys.duplicatesOf([added.shipmentNumber])).toEqual([]);
  });

  it('a worker that crashed between POST and recording (a stale claim) is recovered by a key lookup, not a second POST', async () => {
    // The state a crash leaves: Digitoll has the house, our record says IN_FLIGHT since long ago.
    // Built by hand: a shipment intake keeps from the reporter (REJECTED), made reportable in the
    // table, its house POSTed to Digitoll as the crashed worker did, and its claim left stale.
    const crashed = sys.shipment((s) => {
      s.items = [{ commodityCode: '610910', description: 'T-shirt', unitValueNok: 3_000, quantity: 1 }];
    });
    const request = sys.manifest((m) => {
      m.shipments = [m.shipments[0] as ShipmentInput, crashed];
    });
    const { manifestId } = await sys.postManifest(request);
    await sys.waitForShipments([request.shipments[0]?.shipmentNumber ?? ''], ['ACCEPTED']);
    await sys.waitForManifestReports(manifestId);
    await sys.settle();

    const manifest = await sys.readManifestRecord(manifestId);
    const stored = await sys.readShipmentRecord(manifestId, crashed.shipmentNumber);
    expect(stored.status).toBe('REJECTED');
    const record = {
      ...stored,
      status: 'RECEIVED' as const,
      rejections: [],
      input: {
        ...stored.input,
        items: [{ ...crashed.items[0], unitValueNok: 2_500 } as ShipmentInput['items'][0]],
      },
    };
    const content = houseContent(manifest, record, new Date());
    const claimedAt = new Date(Date.now() - 3_600_000).toISOString();
    await sys.writeShipmentRecord({
      ...record,
      report: {
        phase: 'IN_FLIGHT',
        operation: 'CREATE',
        seq: 1,
        claimId: 'the-worker-that-crashed',
        claimedAt,
        contentHash: content.contentHash,
        attempts: 1,
        polls: 0,
        updatedAt: claimedAt,
      },
    });
    // The crashed worker's POST, with our own registered client.
    const client = await sys.digitoll.createClient();
    const token = await sys.digitoll.tokenFor(client);
    const posted = await fetch(`${sys.digitoll.url}/api/movement/road/v2/house-consignment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(content.body),
    });
    expect(posted.status).toBe(202);
    const { requestId } = (await posted.json()) as { requestId: string };
    const status = await waitFor(
      'Digitoll to process the crashed worker’s POST',
      async () =>
        fetch(
          `${sys.digitoll.url}/api/movement/road/status/v2/house-consignment/validation-status/${requestId}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        ).then(async (r) =>
          r.status === 404 ? undefined : ((await r.json()) as { status: string; mrn: string }),
        ),
      (result) => result !== undefined,
    );
    expect(status?.status).toBe('SUCCESS');

    // Any message for the house (here: an SQS redelivery) finds the stale claim.
    await sys.sendReportMessages(sys.reportMessages(manifestId, [crashed.shipmentNumber]).slice(-1));
    const [shipment] = await sys.waitForShipments([crashed.shipmentNumber], ['ACCEPTED', 'FAILED']);
    expect(shipment).toMatchObject({ status: 'ACCEPTED', mrn: status?.mrn });
    const types = houseEventTypes(shipment);
    expect(types).toEqual(['REJECTED', 'VERIFYING', 'ACCEPTED']);
    expect(shipment?.timeline.at(-1)?.detail).toMatch(/found at Digitoll by its waybill key/);
    await sys.settle();

    expect(sys.housePosts(crashed.shipmentNumber)).toHaveLength(1);
    expect(sys.houses(crashed.shipmentNumber)).toEqual([
      expect.objectContaining({ status: 'ACTIVE', mrn: status?.mrn }),
    ]);
    expect(sys.duplicatesOf([crashed.shipmentNumber])).toEqual([]);
  });
});
