/**
 * Reporting end to end over real HTTP: manifests POSTed to the local HTTP API, the bundled reporter
 * (SQS event source in the local runtime) reporting them to the Digitoll simulator, and what
 * Digitoll answered read back through the partner API. Happy path, Digitoll's rejections (mapped
 * to our paths), and the changes after reporting (amend, withdraw, ETA).
 * Faults and exactly-once: `reporting-faults.test.ts`; the dead-letter path: `reporting-dead-letter.test.ts`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  digitollInstant,
  houseContent,
  masterContent,
  transportContent,
} from '../../lib/adapters/digitoll/road-v2/mapping.ts';
import {
  A10_N820_WRONG_STATE,
  A11_VOEC_VALUE_LIMIT,
  A12_UNKNOWN_VOEC_NUMBER,
  T4_ETA_PASSED,
} from '../../lib/digitoll/errors.ts';
import { road } from '../road.ts';
import { eventTypes, houseEventTypes, inOrder, ReportingSystem, waitFor } from './reporting-harness.ts';

const sys = new ReportingSystem();
const MRN = /^\d{2}NO[0-9A-Z]{14}$/;

beforeAll(async () => {
  await sys.start();
});

afterAll(async () => {
  await sys.stop();
});

beforeEach(async () => {
  sys.dumpLogsOnFailure();
  // Each test starts from a quiet system: nothing of the previous test is still in flight.
  await sys.settle();
});

const withoutIssueDate = ({ documentIssueDate: _issued, ...rest }: { documentIssueDate?: string }) => rest;

describe('the example manifest', () => {
  it('is reported: transport, master and every house ACCEPTED with an MRN, exactly as mapped', async () => {
    const request = sys.manifest();
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const { manifestId, body } = await sys.postManifest(request);
    expect(body.shipments.map((s: { status: string }) => s.status)).toEqual([
      'RECEIVED',
      'RECEIVED',
      'RECEIVED',
    ]);

    const shipments = await sys.waitForShipments(numbers);
    for (const shipment of shipments) {
      expect(shipment.status).toBe('ACCEPTED');
      expect(shipment.mrn).toMatch(MRN);
      expect(shipment.digitollErrors).toBeUndefined();
      // Intake, then the reporter's steps, in order.
      expect(houseEventTypes(shipment)).toEqual(['RECEIVED', 'SENDING', 'SUBMITTED', 'ACCEPTED']);
      expect(
        shipment.timeline.find((e) => e.type === 'ACCEPTED' && e.detail?.includes(shipment.shipmentNumber))
          ?.data,
      ).toMatchObject({ mrn: shipment.mrn });
    }
    const manifest = await sys.waitForManifestReports(manifestId);
    // Once the transport and master are accepted too, their steps show on every shipment on them.
    for (const shipment of await sys.waitForShipments(numbers)) {
      expect(inOrder(eventTypes(shipment), ['RECEIVED', 'SENDING', 'SENDING', 'SENDING'])).toBe(true);
      expect(eventTypes(shipment).filter((type) => type === 'ACCEPTED')).toHaveLength(3);
      expect(
        shipment.timeline
          .filter((e) => e.type === 'ACCEPTED')
          .map((e) => e.subject)
          .sort(),
      ).toEqual(['HOUSE', 'MASTER', 'TRANSPORT']);
    }
    expect(manifest.transport).toMatchObject({ digitollStatus: 'ACCEPTED', mrn: expect.stringMatching(MRN) });
    expect(manifest.masterReport).toMatchObject({
      digitollStatus: 'ACCEPTED',
      mrn: expect.stringMatching(MRN),
    });
    await sys.settle();

    // At Digitoll: exactly 1 transport, 1 master, 3 houses, each once, with our MRNs.
    const masterNumber = request.masterConsignment?.waybill.number ?? '';
    const [transport, ...moreTransports] = sys.transports(road(request.transport).vehicleRegistration);
    const [master, ...moreMasters] = sys.masters(masterNumber);
    expect(moreTransports).toEqual([]);
    expect(moreMasters).toEqual([]);
    expect(transport).toMatchObject({ status: 'ACTIVE', mrn: manifest.transport.mrn });
    expect(master).toMatchObject({ status: 'ACTIVE', mrn: manifest.masterReport.mrn });
    for (const shipment of shipments) {
      expect(sys.houses(shipment.shipmentNumber)).toEqual([
        expect.objectContaining({ status: 'ACTIVE', mrn: shipment.mrn, documentStatus: 'SUCCESS' }),
      ]);
      expect(sys.housePosts(shipment.shipmentNumber)).toHaveLength(1);
    }
    expect(sys.duplicatesOf([...numbers, masterNumber])).toEqual([]);

    // What Digitoll holds is what the mapping makes of what we stored (issue dates aside)...
    const record = await sys.readManifestRecord(manifestId);
    expect(withoutIssueDate(transport?.body ?? {})).toEqual(
      withoutIssueDate(transportContent(record, new Date()).body),
    );
    expect(withoutIssueDate(master?.body ?? {})).toEqual(
      withoutIssueDate(masterContent(record, new Date()).body),
    );
    for (const number of numbers) {
      const stored = await sys.readShipmentRecord(manifestId, number);
      expect(withoutIssueDate(sys.houses(number)[0]?.body ?? {})).toEqual(
        withoutIssueDate(houseContent(record, stored, new Date()).body),
      );
    }
    // ...and, spelled out, the fields that matter most.
    expect(transport?.body).toMatchObject({
      carrier: { identificationNumber: 'SE5561234567' },
      customsOfficeOfFirstEntry: { referenceNumber: 'NO371001' },
      estimatedDateAndTimeOfArrival: digitollInstant(request.transport.estimatedArrival),
      scheduledDateAndTimeOfArrival: digitollInstant(request.transport.estimatedArrival),
      consignmentMasterLevel: [
        { transportDocumentMasterLevel: { documentNumber: masterNumber, type: 'N730' } },
      ],
    });
    const second = sys.houses(numbers[1] ?? '')[0]?.body.consignmentHouseLevel;
    expect(second).toMatchObject({
      consignmentMasterLevel: {
        carrierIdentificationNumber: 'SE5561234567',
        transportDocumentMasterLevel: { documentNumber: masterNumber, type: 'N730' },
      },
      // The fixture travels under a transit: VOEC variant 10.
      importProcedure: {
        importProcedure: 'IMMEDIATE_RELEASE_VOEC',
        outgoingProcedure: 'TRA',
        hasOutgoingProcedure: true,
      },
      previousDocuments: [{ typeOfReference: 'N820', referenceNumber: '26SE000001188424T0' }],
      consignee: { typeOfPerson: 1 },
      consignor: { typeOfPerson: 2 },
      // "VOEC 2021137" normalised; NOK per piece.
      goodsItem: [
        {
          itemAmountInvoicedVOEC: { value: 1249, numberOfItems: 1 },
          commodityCodeVOEC: { harmonizedSystemSubheadingCode: '950300' },
          additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
        },
      ],
    });
  });
});

describe('Digitoll rejections end FAILED with Digitoll’s text, verbatim, and the path in our data', () => {
  it('an unknown VOEC number (A12) points at /voecNumber; the other shipments are accepted', async () => {
    const request = sys.manifest((m) => {
      const [first] = m.shipments;
      if (first) first.voecNumber = 'VOEC 1234567';
    });
    const [unknown, ...others] = request.shipments.map((s) => s.shipmentNumber);
    await sys.postManifest(request);
    const [failed, ...accepted] = await sys.waitForShipments([unknown ?? '', ...others]);

    expect(failed?.status).toBe('FAILED');
    expect(failed?.mrn).toBeUndefined();
    expect(failed?.failureReason).toBe(`Digitoll rejected the house consignment ${unknown}`);
    // One error per goods item (the fixture's first shipment has two).
    expect(failed?.digitollErrors).toEqual(
      [0, 1].map((i) => ({
        message: A12_UNKNOWN_VOEC_NUMBER,
        digitollPath: `consignmentHouseLevel.goodsItem[${i}].additionalFiscalReferences.vatIdentificationNumber`,
        path: '/voecNumber',
        in: 'shipment',
      })),
    );
    expect(A12_UNKNOWN_VOEC_NUMBER).toBe('Unknown vatIdentificationNumber');
    expect(houseEventTypes(failed)).toEqual(['RECEIVED', 'SENDING', 'SUBMITTED', 'FAILED']);
    for (const shipment of accepted) expect(shipment.status).toBe('ACCEPTED');
    expect(sys.houses(unknown ?? '')).toEqual([]);
  });

  it('a transit in the wrong state (A10) fails every house, pointing at the manifest’s /transit/mrn', async () => {
    const request = sys.manifest((m) => {
      m.transit = { mrn: '26SEINVALID0000001' };
    });
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const { manifestId } = await sys.postManifest(request);
    const shipments = await sys.waitForShipments(numbers);
    for (const shipment of shipments) {
      expect(shipment.status).toBe('FAILED');
      expect(shipment.digitollErrors).toEqual([
        {
          message: A10_N820_WRONG_STATE,
          digitollPath: 'consignmentHouseLevel.previousDocuments[0].referenceNumber',
          path: '/transit/mrn',
          in: 'manifest',
        },
      ]);
    }
    expect(A10_N820_WRONG_STATE).toBe(
      'Document with typeOfReference N820 contains a referenceNumber in wrong state',
    );
    // The transport and the master do not carry the transit: accepted.
    const manifest = await sys.waitForManifestReports(manifestId);
    expect(manifest.transport.digitollStatus).toBe('ACCEPTED');
    expect(manifest.masterReport.digitollStatus).toBe('ACCEPTED');
  });

  it('an ETA already passed at Digitoll (T4) fails the transport, pointing at /transport/estimatedArrival', async () => {
    // Intake takes a late manifest (flagged LATE_SUBMISSION); Digitoll refuses the transport.
    const request = sys.manifest((m) => {
      m.transport.estimatedArrival = new Date(Date.now() - 3_600_000).toISOString();
    });
    const numbers = request.shipments.map((s) => s.shipmentNumber);
    const { manifestId, body } = await sys.postManifest(request);
    expect(body.shipments[0].flags.map((f: { code: string }) => f.code)).toContain('LATE_SUBMISSION');

    const manifest = await sys.waitForManifestReports(manifestId);
    expect(manifest.transport.digitollStatus).toBe('FAILED');
    expect(manifest.transport.mrn).toBeUndefined();
    expect(manifest.transport.digitollErrors).toEqual([
      {
        message: T4_ETA_PASSED,
        digitollPath: 'transport.estimatedDateAndTimeOfArrival',
        path: '/transport/estimatedArrival',
        in: 'manifest',
      },
    ]);
    expect(T4_ETA_PASSED).toBe('estimatedDateAndTimeOfArrival has already passed');
    expect(sys.transports(road(request.transport).vehicleRegistration)).toEqual([]);
    // Houses and master stand on their own at Digitoll (§1: any order).
    await sys.waitForShipments(numbers);
  });

  it('an item over NOK 3,000: intake rejects it; forced past intake, Digitoll answers A11 at /items/0/unitValueNok', async () => {
    // Our intake stops at 3000 (not under the limit), Digitoll at over 3000: with the intake in
    // the way, A11 can only be reached by a shipment record changed in the table behind it.
    const over = sys.shipment((s) => {
      s.items = [
        { commodityCode: '851830', description: 'Headphones, studio', unitValueNok: 3500, quantity: 1 },
      ];
    });
    const request = sys.manifest((m) => {
      m.shipments = [m.shipments[0] ?? over, over];
    });
    const valid = request.shipments[0]?.shipmentNumber ?? '';
    const { manifestId, body } = await sys.postManifest(request);
    const outcome = body.shipments.find(
      (s: { shipmentNumber: string }) => s.shipmentNumber === over.shipmentNumber,
    );
    expect(outcome.status).toBe('REJECTED');
    expect(outcome.rejections).toEqual([
      expect.objectContaining({ rule: 'ITEM_VALUE_LIMIT', path: '/shipments/1/items/0/unitValueNok' }),
    ]);
    await sys.waitForShipments([valid], ['ACCEPTED']);
    await sys.settle();
    // Rejected at intake: never reported.
    expect(sys.housePosts(over.shipmentNumber)).toEqual([]);

    const record = await sys.readShipmentRecord(manifestId, over.shipmentNumber);
    await sys.writeShipmentRecord({ ...record, status: 'RECEIVED', rejections: [] });
    await sys.sendReportMessages(sys.reportMessages(manifestId, [over.shipmentNumber]).slice(-1));

    const [failed] = await sys.waitForShipments([over.shipmentNumber], ['FAILED', 'ACCEPTED']);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.digitollErrors).toEqual([
      {
        message: A11_VOEC_VALUE_LIMIT,
        digitollPath: 'consignmentHouseLevel.goodsItem[0].itemAmountInvoicedVOEC.value',
        path: '/items/0/unitValueNok',
        in: 'shipment',
      },
    ]);
    expect(A11_VOEC_VALUE_LIMIT).toBe(
      'When item value exceeds NOK 3000, a regular import declaration has to be submitted',
    );
    expect(sys.housePosts(over.shipmentNumber)).toHaveLength(1);
  });
});

describe('changes after reporting', () => {
  /** A reported manifest with one shipment; returns its numbers and MRNs. */
  async function reported() {
    const request = sys.manifest((m) => {
      m.shipments = m.shipments.slice(0, 1);
    });
    const number = request.shipments[0]?.shipmentNumber ?? '';
    const { manifestId } = await sys.postManifest(request);
    const [shipment] = await sys.waitForShipments([number], ['ACCEPTED']);
    const manifest = await sys.waitForManifestReports(manifestId);
    expect(manifest.transport.digitollStatus).toBe('ACCEPTED');
    await sys.settle();
    return {
      request,
      manifestId,
      number,
      mrn: shipment?.mrn ?? '',
      transportMrn: manifest.transport.mrn as string,
    };
  }

  it('an amendment (PUT /v1/shipments/{n}) is a Digitoll PUT by the MRN; the MRN stays', async () => {
    const { request, number, mrn } = await reported();
    const input = structuredClone(request.shipments[0]);
    if (!input) throw new Error('no shipment');
    input.goodsDescription = 'Cotton T-shirts and a pair of trousers';
    input.items = [
      ...input.items,
      { commodityCode: '610462', description: 'Trousers', unitValueNok: 300, quantity: 2 },
    ];

    const reply = await sys.api('PUT', `/v1/shipments/${number}`, input);
    expect(reply.status).toBe(202);
    const shipment = await waitFor(
      'the amendment to be accepted',
      () => sys.getShipment(number),
      (s) => inOrder(houseEventTypes(s), ['AMENDED', 'SENDING', 'SUBMITTED', 'ACCEPTED']),
    );
    expect(shipment).toMatchObject({ status: 'ACCEPTED', mrn });

    expect(sys.requestsTo('PUT', 'house-consignment', mrn)).toHaveLength(1);
    expect(sys.housePosts(number)).toHaveLength(1);
    const [house, ...more] = sys.houses(number);
    expect(more).toEqual([]);
    expect(house).toMatchObject({ mrn, status: 'ACTIVE' });
    expect(house?.body.consignmentHouseLevel.goodsDescription).toBe(input.goodsDescription);
    expect(house?.body.consignmentHouseLevel.goodsItem).toHaveLength(3);
    expect(sys.duplicatesOf([number])).toEqual([]);
  });

  it('a withdrawal (DELETE /v1/shipments/{n}) is a Digitoll DELETE by the MRN, then CANCELLED', async () => {
    const { number, mrn } = await reported();
    const reply = await sys.api('DELETE', `/v1/shipments/${number}`);
    expect(reply.status).toBe(202);
    expect(reply.body.withdrawalRequestedAt).toEqual(expect.any(String));

    const [shipment] = await sys.waitForShipments([number], ['CANCELLED']);
    expect(
      inOrder(houseEventTypes(shipment), ['WITHDRAWAL_REQUESTED', 'SENDING', 'SUBMITTED', 'WITHDRAWN']),
    ).toBe(true);
    expect(sys.requestsTo('DELETE', 'house-consignment', mrn)).toHaveLength(1);
    expect(sys.houses(number)).toEqual([expect.objectContaining({ mrn, status: 'CANCELLED' })]);
  });

  it('an ETA change (PATCH /v1/manifests/{id}/transport) is a transport PUT: new ETA, scheduled arrival unchanged', async () => {
    const { request, manifestId, transportMrn } = await reported();
    const newEta = new Date(Date.now() + 30 * 3_600_000);
    newEta.setUTCMilliseconds(0);
    const reply = await sys.api('PATCH', `/v1/manifests/${manifestId}/transport`, {
      estimatedArrival: newEta.toISOString(),
    });
    expect(reply.status).toBe(202);

    const [put] = await waitFor(
      'the transport PUT',
      () => sys.requestsTo('PUT', 'transport', transportMrn),
      (puts) => puts.length > 0,
    );
    expect(put?.body).toMatchObject({
      estimatedDateAndTimeOfArrival: digitollInstant(newEta),
      scheduledDateAndTimeOfArrival: digitollInstant(request.transport.estimatedArrival),
    });
    await sys.settle();
    const manifest = await sys.getManifest(manifestId);
    expect(manifest.transport).toMatchObject({
      digitollStatus: 'ACCEPTED',
      mrn: transportMrn,
      estimatedArrival: newEta.toISOString(),
    });
    const [transport, ...more] = sys.transports(road(request.transport).vehicleRegistration);
    expect(more).toEqual([]);
    expect(transport).toMatchObject({ mrn: transportMrn, status: 'ACTIVE' });
    expect(transport?.body.estimatedDateAndTimeOfArrival).toBe(digitollInstant(newEta));
    expect(transport?.body.scheduledDateAndTimeOfArrival).toBe(
      digitollInstant(request.transport.estimatedArrival),
    );
    expect(sys.requestsTo('PUT', 'transport', transportMrn)).toHaveLength(1);
  });

  it('a PUT that changes the shipment number is refused 409 (the waybill number is immutable); nothing is sent', async () => {
    const { request, number } = await reported();
    const before = sys.digitoll.received().length;
    const input = { ...structuredClone(request.shipments[0]), shipmentNumber: sys.shipmentNumber() };
    const reply = await sys.api('PUT', `/v1/shipments/${number}`, input);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      type: expect.stringContaining('immutable-key'),
      status: 409,
      errors: [expect.objectContaining({ path: '/shipmentNumber', code: 'immutable' })],
    });
    await sys.settle();
    expect(sys.digitoll.received().slice(before)).toEqual([]);
    expect((await sys.getShipment(number)).status).toBe('ACCEPTED');
  });
});
