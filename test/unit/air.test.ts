/**
 * Air transport: the contract (mode, flight, airport office, master air waybill) and the air API
 * mapping. Every expected value is written out by hand from the shared air example and Tolletaten's
 * pages (prosedyre-mo-fly: VOEC variant 7; mo-kodeverk: CL018 4, CL750 41, CL751 4000, CL754
 * N740/N741; kobling: conveyanceReferenceNumber "only for flights").
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOrThrow, ValidationError } from '../../functions/http/answers.ts';
import { OPERATIONS } from '../../functions/http/routes.ts';
import { AIR_MAPPING, airTransportContent } from '../../lib/adapters/digitoll/air/mapping.ts';
import { AirHouseConsignmentRequest, AirTransportRequest } from '../../lib/digitoll/air-schemas.ts';
import { MasterConsignmentRequest } from '../../lib/digitoll/schemas.ts';
import { buildIntake } from '../../lib/domain/intake.ts';
import { transportModeOf } from '../../lib/domain/records.ts';
import { openApiDocument } from '../../lib/manifest/openapi.ts';
import {
  FLIGHT_NUMBER,
  MASTER_REQUIRED,
  ManifestRequest,
  normaliseAirWaybill,
} from '../../lib/manifest/schema.ts';

const airText = readFileSync(new URL('../fixtures/manifest.air.example.json', import.meta.url), 'utf8');
const roadText = readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8');
const air = (): any => JSON.parse(airText);
const road = (): any => JSON.parse(roadText);

function errorsOf(value: unknown): Array<{ path: string; code: string; message: string }> {
  try {
    parseOrThrow(ManifestRequest, value);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('accepted');
}

describe('the air manifest contract', () => {
  it('accepts the shared air example exactly as it is, and the road example still', () => {
    const parsed = ManifestRequest.parse(air());
    expect(parsed.transport.mode).toBe('AIR');
    expect(parsed.masterConsignment.waybill).toEqual({ number: '157-12345675', type: 'N741' });
    const roadParsed = ManifestRequest.parse(road());
    expect(roadParsed.transport.mode).toBeUndefined();
    expect(transportModeOf(roadParsed)).toBe('ROAD');
    expect(transportModeOf(parsed)).toBe('AIR');
  });

  it('normalises the air waybill number to prefix-serial', () => {
    const manifest = air();
    manifest.masterConsignment.waybill.number = '15712345675';
    expect(ManifestRequest.parse(manifest).masterConsignment.waybill.number).toBe('157-12345675');
  });

  it('refuses a wrong AWB check digit at /masterConsignment/waybill/number', () => {
    const manifest = air();
    manifest.masterConsignment.waybill.number = '157-12345674';
    expect(errorsOf(manifest)).toEqual([
      {
        path: '/masterConsignment/waybill/number',
        code: 'invalid_air_waybill',
        message: expect.stringContaining('modulo 7'),
      },
    ]);
  });

  it('wants N741 for the master of a flight', () => {
    const manifest = air();
    manifest.masterConsignment.waybill.type = 'N730';
    expect(errorsOf(manifest).map((e) => e.path)).toEqual(['/masterConsignment/waybill/type']);
  });

  it('refuses a transit on an air manifest', () => {
    const manifest = air();
    manifest.transit = { mrn: '26SE000001188424T0' };
    const [error, ...more] = errorsOf(manifest);
    expect(more).toEqual([]);
    expect(error).toMatchObject({ path: '/transit', code: 'not_allowed' });
    expect(error?.message).toContain('no previous documents');
  });

  it('refuses a manifest without a master, road or air, and says why', () => {
    for (const manifest of [road(), air()]) {
      delete manifest.masterConsignment;
      expect(errorsOf(manifest)).toEqual([
        { path: '/masterConsignment', code: 'required', message: MASTER_REQUIRED },
      ]);
    }
    expect(MASTER_REQUIRED).toContain("master's waybill");
  });

  it('keeps road and airport offices apart', () => {
    const flight = air();
    flight.transport.borderCrossing = 'NO371001'; // Svinesund, a road border
    expect(errorsOf(flight).map((e) => e.path)).toEqual(['/transport/borderCrossing']);
    const truck = road();
    truck.transport.borderCrossing = 'NO351001'; // Gardermoen
    expect(errorsOf(truck).map((e) => e.path)).toEqual(['/transport/borderCrossing']);
    for (const office of ['NO343001', 'NO345002', 'NO321003']) {
      const other = air();
      other.transport.borderCrossing = office; // Flesland, Sola, Tromsø
      expect(ManifestRequest.safeParse(other).success).toBe(true);
    }
  });

  it('points at the field of the mode that is wrong', () => {
    const flight = air();
    flight.transport.vehicleRegistration = 'AB12345';
    delete flight.transport.scheduledArrival;
    expect(errorsOf(flight).map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['/transport/scheduledArrival', 'required'],
        ['/transport/vehicleRegistration', 'unrecognized_key'],
      ]),
    );
    const unknown = air();
    unknown.transport.mode = 'SEA';
    expect(errorsOf(unknown)).toEqual([
      {
        path: '/transport/mode',
        code: 'invalid_union',
        message: 'must be ROAD or AIR (or left out for ROAD)',
      },
    ]);
  });

  it('takes IATA flight numbers only', () => {
    for (const valid of ['QR8161', 'SK4321', 'EX0836', 'U21234A', '3U8888', 'DY1']) {
      const manifest = air();
      manifest.transport.flightNumber = valid;
      expect(ManifestRequest.safeParse(manifest).success, valid).toBe(true);
    }
    for (const invalid of ['QR 8161', 'qr8161', 'QTR8161', 'QR12345', '8161', 'QR', 'QR8161AB', '']) {
      const manifest = air();
      manifest.transport.flightNumber = invalid;
      expect(
        errorsOf(manifest).map((e) => e.path),
        invalid,
      ).toEqual(['/transport/flightNumber']);
    }
  });
});

describe('the OpenAPI document', () => {
  it('shows both transports, road with its vehicle and air with its flight', () => {
    const text = JSON.stringify(openApiDocument(OPERATIONS));
    for (const field of [
      'flightNumber',
      'aircraftRegistration',
      'scheduledArrival',
      'vehicleRegistration',
      'driver',
    ]) {
      expect(text, field).toContain(`"${field}"`);
    }
    expect(text).toContain('"AIR"');
    expect(text).toContain('"ROAD"');
  });
});

describe('air waybill check digits', () => {
  it('hand-checked numbers', () => {
    // 1234567 = 7 · 176366 + 5; 0 = 7 · 0 + 0; 1000000 = 7 · 142857 + 1; 9999999 = 7 · 1428571 + 2.
    expect(normaliseAirWaybill('157-12345675')).toBe('157-12345675');
    expect(normaliseAirWaybill('020-00000000')).toBe('020-00000000');
    expect(normaliseAirWaybill('61810000001')).toBe('618-10000001');
    expect(normaliseAirWaybill(' 176 99999992 ')).toBe('176-99999992');
    for (const wrong of ['157-12345674', '157-12345676', '020-00000007', '618-10000000', '176-99999995']) {
      expect(normaliseAirWaybill(wrong), wrong).toBeUndefined();
    }
    for (const malformed of ['157-1234567', '1571-2345675', 'ABC-12345675', '157--12345675', '']) {
      expect(normaliseAirWaybill(malformed), malformed).toBeUndefined();
    }
  });

  it('exactly one check digit makes any prefix and serial valid, with or without the hyphen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 9_999_999 }),
        fc.integer({ min: 0, max: 9 }),
        (prefix, serial, digit) => {
          const p = String(prefix).padStart(3, '0');
          const s = String(serial).padStart(7, '0');
          const valid = digit < 7 && serial % 7 === digit;
          expect(normaliseAirWaybill(`${p}-${s}${digit}`)).toBe(valid ? `${p}-${s}${digit}` : undefined);
          expect(normaliseAirWaybill(`${p}${s}${digit}`)).toBe(valid ? `${p}-${s}${digit}` : undefined);
        },
      ),
    );
  });

  it('the flight number pattern is a designator, 1-4 digits and at most one letter', () => {
    const designator = fc.stringMatching(/^(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])$/);
    fc.assert(
      fc.property(
        designator,
        fc.stringMatching(/^[0-9]{1,4}$/),
        fc.option(fc.stringMatching(/^[A-Z]$/), { nil: '' }),
        (d, n, suffix) => {
          expect(FLIGHT_NUMBER.test(`${d}${n}${suffix}`)).toBe(true);
          expect(FLIGHT_NUMBER.test(`${d} ${n}${suffix}`)).toBe(false);
          expect(FLIGHT_NUMBER.test(`${d}${n}${suffix}`.toLowerCase())).toBe(false);
          expect(FLIGHT_NUMBER.test(`${d}${n}12345`)).toBe(false);
        },
      ),
    );
  });
});

describe('the air API mapping (the air example, bodies written out by hand)', () => {
  const issuedAt = new Date('2027-03-01T12:00:00.000Z');
  const { manifest, records } = buildIntake(
    { partnerId: 'skybridge', manifestId: 'm-air', receivedAt: '2027-03-01T11:59:00.000Z' },
    ManifestRequest.parse(air()),
  );
  const carrierAddress = { streetLine: 'Cargo Village 3', postcode: '24959', city: 'Doha', country: 'QA' };
  const masterDocument = { documentNumber: '157-12345675', type: 'N741' };

  it('the transport: the flight, its aircraft, mode 4, the airport office, the scheduled arrival', () => {
    const content = AIR_MAPPING.content(
      { kind: 'TRANSPORT', manifest, scheduledArrival: '2027-03-02T05:35:00.000Z' },
      issuedAt,
    );
    expect(content.kind).toBe('transport');
    expect(content.body).toEqual({
      documentIssueDate: '2027-03-01T12:00:00Z',
      activeBorderTransportMeans: {
        identificationNumber: 'A7-BFG',
        typeOfIdentification: '41',
        typeOfMeansOfTransport: '4000',
        conveyanceReferenceNumber: 'QR8161',
        countryCode: 'QA',
        modeOfTransportCode: '4',
      },
      carrier: {
        name: 'Skybridge Cargo Airlines',
        identificationNumber: 'QA00000012345',
        address: carrierAddress,
      },
      customsOfficeOfFirstEntry: { referenceNumber: 'NO351001' },
      // 06:50 and 06:35 at +01:00
      estimatedDateAndTimeOfArrival: '2027-03-02T05:50:00Z',
      scheduledDateAndTimeOfArrival: '2027-03-02T05:35:00Z',
      consignmentMasterLevel: [{ transportDocumentMasterLevel: masterDocument }],
    });
    expect(content.scheduledArrival).toBe('2027-03-02T05:35:00Z');
    expect(AirTransportRequest.safeParse(content.body).success).toBe(true);
  });

  it('a new ETA changes the estimated time and never the scheduled one', () => {
    const later = {
      ...manifest,
      transport: { ...manifest.transport, estimatedArrival: '2027-03-02T07:40:00.000Z' },
    };
    const body = airTransportContent(later, issuedAt).body;
    expect(body.estimatedDateAndTimeOfArrival).toBe('2027-03-02T07:40:00Z');
    expect(body.scheduledDateAndTimeOfArrival).toBe('2027-03-02T05:35:00Z');
  });

  it('the master: the master air waybill, keyed with the airline', () => {
    const content = AIR_MAPPING.content({ kind: 'MASTER', manifest }, issuedAt);
    expect(content.body).toEqual({
      documentIssueDate: '2027-03-01T12:00:00Z',
      consignmentMasterLevel: {
        containerIndicator: 0,
        grossMass: 1280,
        carrier: { identificationNumber: 'QA00000012345' },
        consignor: {
          name: 'Skybridge E-commerce Consolidation',
          typeOfPerson: 2,
          address: {
            streetLine: 'Airport Logistics Park 18',
            postcode: '518128',
            city: 'Shenzhen',
            country: 'CN',
          },
        },
        consignee: {
          name: 'Skybridge Norge AS',
          typeOfPerson: 2,
          address: {
            streetLine: 'Hans Gaarders vei 21',
            postcode: '2060',
            city: 'Gardermoen',
            country: 'NO',
          },
        },
        transportDocumentMasterLevel: masterDocument,
      },
    });
    expect(content.waybillKey).toEqual({ ...masterDocument, carrierId: 'QA00000012345' });
    expect(MasterConsignmentRequest.safeParse(content.body).success).toBe(true);
  });

  it('a house: VOEC variant 7, an N740 air waybill under the master, no previous documents', () => {
    const [first, second] = records;
    if (!first || !second) throw new Error('two shipments expected');
    const content = AIR_MAPPING.content({ kind: 'HOUSE', manifest, shipment: first }, issuedAt);
    expect(content.body).toEqual({
      documentIssueDate: '2027-03-01T12:00:00Z',
      consignmentHouseLevel: {
        containerIndicator: 0,
        totalGrossMass: 0.3,
        numberOfPackages: 1,
        goodsDescription: 'Wireless earbuds',
        transportDocumentHouseLevel: { documentNumber: 'SBX100000001NO', type: 'N740' },
        consignmentMasterLevel: {
          carrierIdentificationNumber: 'QA00000012345',
          transportDocumentMasterLevel: masterDocument,
        },
        importProcedure: { importProcedure: 'IMMEDIATE_RELEASE_VOEC', hasOutgoingProcedure: false },
        consignor: {
          name: 'Example Electronics Ltd',
          typeOfPerson: 2,
          address: { streetLine: '88 Keji Road', postcode: '518057', city: 'Shenzhen', country: 'CN' },
        },
        consignee: {
          name: 'Nora Lie',
          typeOfPerson: 1,
          address: { streetLine: 'Thorvald Meyers gate 40', postcode: '0555', city: 'Oslo', country: 'NO' },
        },
        goodsItem: [
          {
            itemAmountInvoicedVOEC: { value: 389, numberOfItems: 1 },
            commodityCodeVOEC: { harmonizedSystemSubheadingCode: '851830' },
            additionalFiscalReferences: { vatIdentificationNumber: '2056550', role: 'FR5' },
          },
        ],
      },
    });
    expect(content.waybillKey).toEqual({
      documentNumber: 'SBX100000001NO',
      type: 'N740',
      carrierId: 'QA00000012345',
    });
    expect(AirHouseConsignmentRequest.safeParse(content.body).success).toBe(true);

    // "VOEC 2021137" is sent as its digits; two item lines, per-piece values.
    const other = AIR_MAPPING.content({ kind: 'HOUSE', manifest, shipment: second }, issuedAt);
    const level = (other.body as { consignmentHouseLevel: { goodsItem: unknown[] } }).consignmentHouseLevel;
    expect(level.goodsItem).toEqual([
      {
        itemAmountInvoicedVOEC: { value: 89, numberOfItems: 2 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '392690' },
        additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
      },
      {
        itemAmountInvoicedVOEC: { value: 129, numberOfItems: 1 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '854442' },
        additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
      },
    ]);
  });

  it("Digitoll's air paths point at the flight's fields", () => {
    expect(
      AIR_MAPPING.locate('transport', 'transport.activeBorderTransportMeans.conveyanceReferenceNumber'),
    ).toEqual({ in: 'manifest', path: '/transport/flightNumber' });
    expect(AIR_MAPPING.locate('transport', 'activeBorderTransportMeans.typeOfIdentification')).toEqual({
      in: 'manifest',
      path: '/transport/aircraftRegistration',
    });
    expect(AIR_MAPPING.locate('transport', 'customsOfficeOfFirstEntry.referenceNumber')).toEqual({
      in: 'manifest',
      path: '/transport/borderCrossing',
    });
    expect(AIR_MAPPING.locate('transport', 'scheduledDateAndTimeOfArrival')).toEqual({
      in: 'manifest',
      path: '/transport/scheduledArrival',
    });
    expect(AIR_MAPPING.locate('house-consignment', 'consignmentHouseLevel.previousDocuments')).toEqual({
      in: 'manifest',
      path: '/transit/mrn',
    });
  });
});
