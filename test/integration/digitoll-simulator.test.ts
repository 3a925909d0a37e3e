/**
 * The Digitoll road v2 simulator over real HTTP: async flow, sync 400s, documented async errors,
 * PUT/DELETE, key lookups, duplicates, document status and auto-cancel.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  A10_N820_WRONG_STATE,
  A11_VOEC_VALUE_LIMIT,
  A12_UNKNOWN_VOEC_NUMBER,
  A13_GOODS_ITEM_NOT_VOEC,
  A14_INVALID_CUSTOMS_OFFICE,
  INF_CARRIER_MISMATCH,
  INF_IMMUTABLE_FIELD_CHANGED,
  INF_MRN_CANCELLED,
  INF_UNKNOWN_MRN,
  SYNC_INVALID_INSTANT,
  SYNC_NOT_BLANK,
  SYNC_NOT_NULL,
  syncAtLeastOneOf,
  syncDigits,
  syncMustBeOneOf,
  syncSize,
  T1_SCHEDULED_MISSING,
  T2_SCHEDULED_TOO_FAR,
  T4_ETA_PASSED,
  T5_ETA_TOO_FAR,
} from '../../lib/digitoll/errors.ts';
import {
  SubmissionAccepted,
  SyncValidationErrorBody,
  TransportDocumentStatus,
  ValidationStatus,
} from '../../lib/digitoll/schemas.ts';
import {
  type DigitollSimulator,
  EXAMPLE_CARRIER_ID,
  exampleHouse,
  exampleMaster,
  exampleTransport,
  startDigitollSimulator,
  type TestClient,
} from '../../local/digitoll-simulator/index.ts';

type Kind = 'transport' | 'master-consignment' | 'house-consignment';
const SUBMIT = '/api/movement/road/v2';
const STATUS = '/api/movement/road/status/v2';
const MRN = /^\d{2}NO[0-9A-Z]{14}$/;

let sim: DigitollSimulator;
let client: TestClient;
let token: string;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

beforeAll(async () => {
  sim = await startDigitollSimulator({ port: 0, processingDelayMs: 20, rateLimitPerSecond: 0 });
  client = await sim.createClient({ clientId: 'carrier-it' });
  token = await sim.tokenFor(client);
});

afterAll(async () => {
  await sim.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; raw?: string; base?: string; auth?: string } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { authorization: options.auth ?? `Bearer ${token}` };
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${options.base ?? sim.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Polls a GET until it stops answering 404. */
async function pollGet(path: string, base?: string): Promise<{ status: number; body: unknown }> {
  for (let i = 0; i < 500; i++) {
    const res = await call('GET', path, undefined, { base });
    if (res.status !== 404) return res;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`still 404: ${path}`);
}

async function submit(
  kind: Kind,
  body: unknown,
  options: { method?: 'POST' | 'PUT' | 'DELETE'; mrn?: string; base?: string } = {},
): Promise<ValidationStatus> {
  const method = options.method ?? 'POST';
  const path = options.mrn ? `${SUBMIT}/${kind}/${options.mrn}` : `${SUBMIT}/${kind}`;
  const res = await call(method, path, body, { base: options.base });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const { requestId } = SubmissionAccepted.parse(res.body);
  const result = await pollGet(`${STATUS}/${kind}/validation-status/${requestId}`, options.base);
  expect([200, 202]).toContain(result.status);
  const parsed = ValidationStatus.parse(result.body);
  expect(parsed.requestId).toBe(requestId);
  return parsed;
}

const descriptions = (result: ValidationStatus) =>
  result.validationErrorList.map((e) => ({ description: e.description, path: e.pointer.messageElementPath }));

/** A fresh linked trio (unique waybill numbers) so tests do not interfere. */
function trio(options: { etaInHours?: number } = {}) {
  const masterDoc = unique('M');
  const houseDoc = unique('H');
  return {
    masterDoc,
    houseDoc,
    transport: exampleTransport({ masterDocumentNumbers: [masterDoc], etaInHours: options.etaInHours }),
    master: exampleMaster({ documentNumber: masterDoc }),
    house: exampleHouse({ documentNumber: houseDoc, masterDocumentNumber: masterDoc }),
  };
}

describe('async flow (§2.5)', () => {
  it('answers 404 until processed, then the result with an MRN', async () => {
    const slow = await startDigitollSimulator({ processingDelayMs: 60_000, requireAuth: false });
    try {
      const res = await call('POST', `${SUBMIT}/transport`, exampleTransport(), { base: slow.url });
      expect(res.status).toBe(202);
      const { requestId } = SubmissionAccepted.parse(res.body);
      const status = await call('GET', `${STATUS}/transport/validation-status/${requestId}`, undefined, {
        base: slow.url,
      });
      expect(status.status).toBe(404);
      // an unknown request id is 404 too, and the wrong kind does not reveal it
      expect((await call('GET', `${STATUS}/transport/validation-status/${crypto.randomUUID()}`)).status).toBe(
        404,
      );
    } finally {
      await slow.close();
    }
  });

  it('accepts transport, master and house and links them (happy path)', async () => {
    const t = trio();
    const transport = await submit('transport', t.transport);
    const master = await submit('master-consignment', t.master);
    const house = await submit('house-consignment', t.house);
    for (const result of [transport, master, house]) {
      expect(result.status).toBe('SUCCESS');
      expect(result.validationErrorList).toEqual([]);
      expect(result.mrn).toMatch(MRN);
      expect(result.masterReferenceNumber).toBe(result.mrn);
      expect(result.notificationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect(new Set([transport.mrn, master.mrn, house.mrn]).size).toBe(3);
    expect(house.documentStatus).toBe('SUCCESS');
    expect(house.incompleteDocumentationReasonList).toEqual([]);

    const tree = await call('GET', `${STATUS}/transport/${transport.mrn}/status-with-descendants`);
    expect(tree.status).toBe(200);
    const body = tree.body as {
      mrn: string;
      consignmentMasterLevel: Array<{
        received: boolean;
        mrn: string;
        consignmentHouseLevel: Array<{ mrn: string }>;
      }>;
    };
    expect(body.mrn).toBe(transport.mrn);
    expect(body.consignmentMasterLevel).toHaveLength(1);
    expect(body.consignmentMasterLevel[0]?.received).toBe(true);
    expect(body.consignmentMasterLevel[0]?.mrn).toBe(master.mrn);
    expect(body.consignmentMasterLevel[0]?.consignmentHouseLevel.map((h) => h.mrn)).toEqual([house.mrn]);

    const houseStatus = await call(
      'GET',
      `${STATUS}/house-consignment/${house.mrn}/transport-document/status`,
    );
    expect(TransportDocumentStatus.parse(houseStatus.body)).toMatchObject({
      documentNumber: t.houseDoc,
      type: 'N730',
      documentStatus: 'SUCCESS',
      mrn: house.mrn,
    });
    const masterByKey = await call(
      'GET',
      `${STATUS}/master-consignment/transport-document/status?documentNumber=${t.masterDoc}&type=N730&carrierId=${EXAMPLE_CARRIER_ID}`,
    );
    expect(masterByKey.status).toBe(200);
    expect((masterByKey.body as { mrn: string }).mrn).toBe(master.mrn);
    expect(
      (await call('GET', `${STATUS}/transport/${transport.mrn}/house-consignment/transport-document/status`))
        .body,
    ).toMatchObject({ consignmentHouseLevel: [{ mrn: house.mrn }] });
  });

  it('shows a listed master that has not arrived as received: false', async () => {
    const transport = await submit('transport', exampleTransport({ masterDocumentNumbers: [unique('M')] }));
    const tree = await call('GET', `${STATUS}/transport/${transport.mrn}/status-with-descendants`);
    expect(tree.body).toMatchObject({ consignmentMasterLevel: [{ received: false }] });
  });

  it('finds a house by its waybill key (documentNumber, type, carrierId)', async () => {
    const t = trio();
    const house = await submit('house-consignment', t.house);
    const found = await call(
      'GET',
      `${STATUS}/house-consignment/transport-document/status?documentNumber=${t.houseDoc}&type=N730&carrierId=${EXAMPLE_CARRIER_ID}`,
    );
    expect(found.status).toBe(200);
    expect(TransportDocumentStatus.parse(found.body).mrn).toBe(house.mrn);
    const otherCarrier = await call(
      'GET',
      `${STATUS}/house-consignment/transport-document/status?documentNumber=${t.houseDoc}&type=N730&carrierId=NO1`,
    );
    expect(otherCarrier.status).toBe(404);
    const missing = await call(
      'GET',
      `${STATUS}/house-consignment/transport-document/status?documentNumber=x`,
    );
    expect(missing.status).toBe(400);
  });

  it('can answer a finished validation-status with 200 instead of 202', async () => {
    const sim200 = await startDigitollSimulator({
      processingDelayMs: 1,
      requireAuth: false,
      validationStatusHttpCode: 200,
    });
    try {
      const res = await call('POST', `${SUBMIT}/transport`, exampleTransport(), { base: sim200.url });
      const { requestId } = SubmissionAccepted.parse(res.body);
      const result = await pollGet(`${STATUS}/transport/validation-status/${requestId}`, sim200.url);
      expect(result.status).toBe(200);
    } finally {
      await sim200.close();
    }
  });
});

describe('routing and media type', () => {
  it('404s unknown routes and 415s a non-JSON body', async () => {
    expect((await call('GET', '/api/movement/road/v2/nope')).status).toBe(404);
    expect((await call('POST', '/api/movement/road/v3/transport', {})).status).toBe(404);
    const res = await call('POST', `${SUBMIT}/transport`, undefined, {
      raw: '<xml/>',
      contentType: 'text/xml',
    });
    expect(res.status).toBe(415);
    expect((await call('POST', `${SUBMIT}/transport/${'2'.repeat(18)}`, exampleTransport())).status).toBe(
      405,
    );
  });

  it('answers test-auth with 200', async () => {
    expect((await call('GET', `${SUBMIT}/test-auth`)).status).toBe(200);
  });
});

describe('sync validation (§7.1)', () => {
  const errorsOf = (body: unknown) => SyncValidationErrorBody.parse(body).validationErrors;

  it('reports required, blank, instant, size, enum and numeric-bounds errors and stores nothing', async () => {
    const before = sim.messages().length;
    const transport = exampleTransport() as Record<string, unknown>;
    delete transport.carrier;
    transport.documentIssueDate = '2026-05-04T06:00:00.000Z';
    (transport.customsOfficeOfFirstEntry as { referenceNumber: string }).referenceNumber = 'NO37100';
    const res = await call('POST', `${SUBMIT}/transport`, transport);
    expect(res.status).toBe(400);
    expect(errorsOf(res.body)).toEqual(
      expect.arrayContaining([
        { field: 'carrier', error: SYNC_NOT_NULL },
        { field: 'documentIssueDate', error: SYNC_INVALID_INSTANT },
        { field: 'customsOfficeOfFirstEntry.referenceNumber', error: syncSize(8, 8) },
      ]),
    );

    const house = exampleHouse({ documentNumber: unique('H') });
    const level = house.consignmentHouseLevel as Record<string, unknown>;
    level.goodsDescription = '   ';
    (level.importProcedure as Record<string, unknown>).importProcedure = 'VOEC';
    delete (house.consignmentHouseLevel.consignee.address as Record<string, unknown>).streetLine;
    const items = level.goodsItem as Array<{
      itemAmountInvoicedVOEC: { value: number; numberOfItems: number };
    }>;
    if (items[0]) items[0].itemAmountInvoicedVOEC.value = 10.123;
    if (items[1]) items[1].itemAmountInvoicedVOEC.numberOfItems = 1.5;
    const houseRes = await call('POST', `${SUBMIT}/house-consignment`, house);
    expect(houseRes.status).toBe(400);
    expect(errorsOf(houseRes.body)).toEqual(
      expect.arrayContaining([
        { field: 'consignmentHouseLevel.goodsDescription', error: SYNC_NOT_BLANK },
        {
          field: 'consignmentHouseLevel.importProcedure.importProcedure',
          error: expect.stringMatching(
            /^Must be one of \[IMMEDIATE_RELEASE_IMPORT, .*IMMEDIATE_RELEASE_VOEC/,
          ),
        },
        {
          field: 'consignmentHouseLevel.consignee.address',
          error: syncAtLeastOneOf(['streetLine', 'poBox']),
        },
        {
          field: 'consignmentHouseLevel.goodsItem[0].itemAmountInvoicedVOEC.value',
          error: syncDigits(16, 2),
        },
        {
          field: 'consignmentHouseLevel.goodsItem[1].itemAmountInvoicedVOEC.numberOfItems',
          error: syncDigits(8, 0),
        },
      ]),
    );
    expect(syncMustBeOneOf(['A', 'B'])).toBe('Must be one of [A, B]');

    const master = exampleMaster() as unknown as { consignmentMasterLevel: Record<string, unknown> };
    master.consignmentMasterLevel.transportDocumentMasterLevel = { documentNumber: '', type: 'N7300' };
    master.consignmentMasterLevel.grossMass = null; // JSON null = absent
    const masterRes = await call('POST', `${SUBMIT}/master-consignment`, master);
    expect(errorsOf(masterRes.body)).toEqual(
      expect.arrayContaining([
        {
          field: 'consignmentMasterLevel.transportDocumentMasterLevel.documentNumber',
          error: SYNC_NOT_BLANK,
        },
        { field: 'consignmentMasterLevel.transportDocumentMasterLevel.type', error: syncSize(4, 4) },
        { field: 'consignmentMasterLevel.grossMass', error: SYNC_NOT_NULL },
      ]),
    );

    const malformed = await call('POST', `${SUBMIT}/transport`, undefined, { raw: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(sim.messages().length).toBe(before);
  });
});

describe('async validation (§7.2)', () => {
  it('A11: an item above NOK 3000 fails at its goodsItem path; exactly 3000 passes', async () => {
    const house = exampleHouse({ documentNumber: unique('H'), values: [149, 3000.01] });
    const result = await submit('house-consignment', house);
    expect(result.status).toBe('FAILURE');
    expect(result.mrn).toBeUndefined();
    expect(descriptions(result)).toEqual([
      {
        description: A11_VOEC_VALUE_LIMIT,
        path: 'consignmentHouseLevel.goodsItem[1].itemAmountInvoicedVOEC.value',
      },
    ]);
    const ok = await submit(
      'house-consignment',
      exampleHouse({ documentNumber: unique('H'), values: [3000] }),
    );
    expect(ok.status).toBe('SUCCESS');
  });

  it('A12: an unknown VOEC number fails; the configured register is used', async () => {
    const result = await submit(
      'house-consignment',
      exampleHouse({ documentNumber: unique('H'), voecNumber: '1234567' }),
    );
    expect(descriptions(result)).toEqual([
      {
        description: A12_UNKNOWN_VOEC_NUMBER,
        path: 'consignmentHouseLevel.goodsItem[0].additionalFiscalReferences.vatIdentificationNumber',
      },
      {
        description: A12_UNKNOWN_VOEC_NUMBER,
        path: 'consignmentHouseLevel.goodsItem[1].additionalFiscalReferences.vatIdentificationNumber',
      },
    ]);
    for (const voecNumber of ['2056550', '2021137', '2024926', '2034417']) {
      const ok = await submit('house-consignment', exampleHouse({ documentNumber: unique('H'), voecNumber }));
      expect(ok.status, voecNumber).toBe('SUCCESS');
    }
  });

  it('A10: an N820 transit reference containing INVALID fails; TRA without N820 is INCOMPLETE', async () => {
    const house = exampleHouse({ documentNumber: unique('H') });
    house.consignmentHouseLevel.importProcedure = {
      importProcedure: 'IMMEDIATE_RELEASE_VOEC',
      outgoingProcedure: 'TRA',
      hasOutgoingProcedure: true,
    };
    house.consignmentHouseLevel.previousDocuments = [
      { typeOfReference: 'N820', referenceNumber: '26SE0000INVALID123' },
    ];
    const failed = await submit('house-consignment', house);
    expect(descriptions(failed)).toEqual([
      {
        description: A10_N820_WRONG_STATE,
        path: 'consignmentHouseLevel.previousDocuments[0].referenceNumber',
      },
    ]);

    house.consignmentHouseLevel.previousDocuments = [
      { typeOfReference: 'N820', referenceNumber: '26SE00000000001234' },
    ];
    const ok = await submit('house-consignment', house);
    expect(ok.status).toBe('SUCCESS');
    expect(ok.documentStatus).toBe('SUCCESS');

    const incomplete = exampleHouse({ documentNumber: unique('H') });
    incomplete.consignmentHouseLevel.importProcedure = {
      importProcedure: 'IMMEDIATE_RELEASE_VOEC',
      outgoingProcedure: 'TRA',
      hasOutgoingProcedure: true,
    };
    const result = await submit('house-consignment', incomplete);
    expect(result.status).toBe('SUCCESS');
    expect(result.mrn).toMatch(MRN);
    expect(result.documentStatus).toBe('INCOMPLETE');
    expect(result.incompleteDocumentationReasonList).toEqual(['INCOMPLETE_TRA_DOCUMENTATION']);
  });

  it('INCOMPLETE_VOEC_DOCUMENTATION when a VOEC house has no goods items', async () => {
    const house = exampleHouse({ documentNumber: unique('H') });
    delete house.consignmentHouseLevel.goodsItem;
    const result = await submit('house-consignment', house);
    expect(result.documentStatus).toBe('INCOMPLETE');
    expect(result.incompleteDocumentationReasonList).toEqual(['INCOMPLETE_VOEC_DOCUMENTATION']);
  });

  it('A13: goods items on a non-VOEC procedure', async () => {
    const house = exampleHouse({ documentNumber: unique('H') });
    house.consignmentHouseLevel.importProcedure = {
      importProcedure: 'COLLECTIVE_RELEASE',
      hasOutgoingProcedure: false,
    };
    const result = await submit('house-consignment', house);
    expect(descriptions(result)).toEqual([
      { description: A13_GOODS_ITEM_NOT_VOEC, path: 'consignmentHouseLevel.goodsItem' },
    ]);
  });

  it('T1, T2, T4, T5 and A14 on the transport', async () => {
    const past = exampleTransport({ etaInHours: -1 });
    expect(descriptions(await submit('transport', past))).toEqual([
      { description: T4_ETA_PASSED, path: 'transport.estimatedDateAndTimeOfArrival' },
    ]);
    const far = exampleTransport({ etaInHours: 24 * 370 });
    expect(descriptions(await submit('transport', far))).toEqual([
      { description: T2_SCHEDULED_TOO_FAR, path: 'transport.scheduledDateAndTimeOfArrival' },
      { description: T5_ETA_TOO_FAR, path: 'transport.estimatedDateAndTimeOfArrival' },
    ]);
    const noScheduled = exampleTransport() as Record<string, unknown>;
    delete noScheduled.scheduledDateAndTimeOfArrival;
    expect(descriptions(await submit('transport', noScheduled))).toEqual([
      { description: T1_SCHEDULED_MISSING, path: 'transport.scheduledDateAndTimeOfArrival' },
    ]);
    const office = exampleTransport();
    office.customsOfficeOfFirstEntry.referenceNumber = 'NO999999';
    expect(descriptions(await submit('transport', office))).toEqual([
      { description: A14_INVALID_CUSTOMS_OFFICE, path: 'customsOfficeOfFirstEntry.referenceNumber' },
    ]);
  });

  it('[INF] carrier mismatch between house and master, and between master and transport', async () => {
    const t = trio();
    expect((await submit('master-consignment', t.master)).status).toBe('SUCCESS');
    const house = exampleHouse({
      documentNumber: t.houseDoc,
      masterDocumentNumber: t.masterDoc,
      carrierId: 'NO999999999',
    });
    expect(descriptions(await submit('house-consignment', house))).toEqual([
      {
        description: INF_CARRIER_MISMATCH,
        path: 'consignmentHouseLevel.consignmentMasterLevel.carrierIdentificationNumber',
      },
    ]);

    const u = trio();
    expect((await submit('transport', u.transport)).status).toBe('SUCCESS');
    const master = exampleMaster({ documentNumber: u.masterDoc, carrierId: 'NO999999999' });
    expect(descriptions(await submit('master-consignment', master))).toEqual([
      { description: INF_CARRIER_MISMATCH, path: 'consignmentMasterLevel.carrier.identificationNumber' },
    ]);
    // the transport side: a transport listing a master that exists under another carrier
    const v = trio();
    expect(
      (await submit('master-consignment', exampleMaster({ documentNumber: v.masterDoc, carrierId: 'NO1' })))
        .status,
    ).toBe('SUCCESS');
    expect(descriptions(await submit('transport', v.transport))).toEqual([
      { description: INF_CARRIER_MISMATCH, path: 'carrier.identificationNumber' },
    ]);
  });
});

describe('PUT and DELETE (§4.5)', () => {
  it('PUT keeps the MRN; changing an immutable key fails', async () => {
    const t = trio();
    const transport = await submit('transport', t.transport);
    const later = exampleTransport({ masterDocumentNumbers: [t.masterDoc], etaInHours: 9 });
    const put = await submit(
      'transport',
      { ...later, scheduledDateAndTimeOfArrival: t.transport.scheduledDateAndTimeOfArrival },
      {
        method: 'PUT',
        mrn: transport.mrn,
      },
    );
    expect(put.status).toBe('SUCCESS');
    expect(put.mrn).toBe(transport.mrn);

    const moved = await submit('transport', later, { method: 'PUT', mrn: transport.mrn });
    expect(descriptions(moved)).toEqual([
      { description: INF_IMMUTABLE_FIELD_CHANGED, path: 'scheduledDateAndTimeOfArrival' },
    ]);
    const replated = await submit(
      'transport',
      {
        ...t.transport,
        activeBorderTransportMeans: {
          ...t.transport.activeBorderTransportMeans,
          identificationNumber: 'XYZ999',
        },
      },
      { method: 'PUT', mrn: transport.mrn },
    );
    expect(descriptions(replated)).toEqual([
      { description: INF_IMMUTABLE_FIELD_CHANGED, path: 'activeBorderTransportMeans.identificationNumber' },
    ]);

    const master = await submit('master-consignment', t.master);
    const otherCarrier = exampleMaster({ documentNumber: t.masterDoc, carrierId: 'SE000000000001' });
    const failed = await submit('master-consignment', otherCarrier, { method: 'PUT', mrn: master.mrn });
    expect(descriptions(failed)).toContainEqual({
      description: INF_IMMUTABLE_FIELD_CHANGED,
      path: 'consignmentMasterLevel.carrier.identificationNumber',
    });

    const house = await submit('house-consignment', t.house);
    const renamed = exampleHouse({ documentNumber: unique('H'), masterDocumentNumber: t.masterDoc });
    expect(
      descriptions(await submit('house-consignment', renamed, { method: 'PUT', mrn: house.mrn })),
    ).toEqual([
      {
        description: INF_IMMUTABLE_FIELD_CHANGED,
        path: 'consignmentHouseLevel.transportDocumentHouseLevel.documentNumber',
      },
    ]);
  });

  it('[INF] PUT/DELETE of an unknown MRN is an async FAILURE', async () => {
    const result = await submit('house-consignment', exampleHouse(), {
      method: 'PUT',
      mrn: '26NO00000000000000',
    });
    expect(descriptions(result)).toEqual([{ description: INF_UNKNOWN_MRN, path: 'masterReferenceNumber' }]);
    const del = await submit('transport', undefined, { method: 'DELETE', mrn: '26NO00000000000000' });
    expect(del.status).toBe('FAILURE');
  });

  it('DELETE (with or without body) cancels; the MRN cannot be updated afterwards', async () => {
    const t = trio();
    const house = await submit('house-consignment', t.house);
    const deleted = await submit('house-consignment', undefined, { method: 'DELETE', mrn: house.mrn });
    expect(deleted.status).toBe('SUCCESS');
    expect(deleted.mrn).toBe(house.mrn);
    expect(sim.messages().find((m) => m.mrn === house.mrn)).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'DELETE',
    });
    const lookup = await call(
      'GET',
      `${STATUS}/house-consignment/transport-document/status?documentNumber=${t.houseDoc}&type=N730&carrierId=${EXAMPLE_CARRIER_ID}`,
    );
    expect(lookup.body).toMatchObject({ mrn: house.mrn, messageStatus: 'CANCELLED' });
    const again = await submit('house-consignment', t.house, { method: 'PUT', mrn: house.mrn });
    expect(descriptions(again)).toEqual([{ description: INF_MRN_CANCELLED, path: 'masterReferenceNumber' }]);

    const transport = await submit('transport', t.transport);
    const withBody = await submit(
      'transport',
      { documentIssueDate: `${new Date().toISOString().slice(0, 19)}Z` },
      { method: 'DELETE', mrn: transport.mrn },
    );
    expect(withBody.status).toBe('SUCCESS');
    const badBody = await call('DELETE', `${SUBMIT}/transport/${transport.mrn}`, {
      documentIssueDate: 'yesterday',
    });
    expect(badBody.status).toBe(400);
  });
});

describe('duplicates', () => {
  beforeEach(() => {
    sim.reset();
  });

  it('counts a second POST of an active house waybill key, but not a re-POST after DELETE', async () => {
    token = await sim.tokenFor(client); // reset cleared nothing auth-related, but keep the flow honest
    const t = trio();
    const first = await submit('house-consignment', t.house);
    expect(sim.duplicates()).toEqual([]);
    const second = await submit('house-consignment', t.house);
    expect(second.status).toBe('SUCCESS');
    expect(second.mrn).not.toBe(first.mrn);
    expect(sim.duplicates()).toEqual([
      {
        kind: 'house-consignment',
        documentNumber: t.houseDoc,
        type: 'N730',
        carrierId: EXAMPLE_CARRIER_ID,
        mrns: [first.mrn, second.mrn],
        count: 2,
      },
    ]);
    const viaAdmin = await fetch(`${sim.url}/__sim/duplicates`);
    expect(await viaAdmin.json()).toHaveLength(1);

    const u = trio();
    const a = await submit('house-consignment', u.house);
    await submit('house-consignment', undefined, { method: 'DELETE', mrn: a.mrn });
    await submit('house-consignment', u.house);
    expect(sim.duplicates().map((d) => d.documentNumber)).toEqual([t.houseDoc]);
  });
});

describe('auto-cancel (§4.5, lazy against clock())', () => {
  it('cancels a transport 72 h after its ETA and an unlinked house after 30 days', async () => {
    let offsetMs = 0;
    const clocked = await startDigitollSimulator({
      processingDelayMs: 1,
      requireAuth: false,
      clock: () => new Date(Date.now() + offsetMs),
    });
    try {
      const t = trio({ etaInHours: 1 });
      const transport = await submit('transport', t.transport, { base: clocked.url });
      const house = await submit('house-consignment', exampleHouse({ masterDocumentNumber: unique('M') }), {
        base: clocked.url,
      });
      offsetMs = 74 * 3_600_000;
      const status = (mrn: string | undefined) => clocked.messages().find((m) => m.mrn === mrn);
      expect(status(transport.mrn)).toMatchObject({
        status: 'CANCELLED',
        cancelReason: 'AUTO_72H_AFTER_ETA',
      });
      expect(status(house.mrn)?.status).toBe('ACTIVE');
      offsetMs = 31 * 24 * 3_600_000;
      expect(status(house.mrn)).toMatchObject({ status: 'CANCELLED', cancelReason: 'AUTO_30_DAYS_UNLINKED' });
    } finally {
      await clocked.close();
    }
  });
});
