/**
 * Our manifest → Digitoll road v2 messages (`lib/adapters/digitoll/road-v2/mapping.ts`), checked field for field
 * against the documented examples of `shared/reference/digitoll-road-v2.md` §12, against the
 * shared zod request schemas, and by property over every schema-valid manifest; and Digitoll's
 * error paths (§7) mapped back to ours.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEANS_OF_TRANSPORT,
  deleteBody,
  digitollInstant,
  digitollMass,
  HOUSE_DOCUMENT_TYPE,
  houseContent,
  houseWaybillKey,
  locateDigitollPath,
  masterContent,
  transportContent,
} from '../../lib/adapters/digitoll/road-v2/mapping.ts';
import { CL141_AIRPORT_CUSTOMS_OFFICES } from '../../lib/digitoll/codes.ts';
import {
  DeleteRequest,
  type HouseConsignmentRequest,
  isDigitollInstant,
  type MasterConsignmentRequest,
  REQUEST_SCHEMAS,
  type TransportRequest,
} from '../../lib/digitoll/schemas.ts';
import { buildIntake } from '../../lib/domain/intake.ts';
import type { ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';

const isAirportOffice = (office: string) =>
  (CL141_AIRPORT_CUSTOMS_OFFICES as readonly string[]).includes(office);

import { road } from '../road.ts';

// ---------------------------------------------------------------------------------------------------------
// The §12 scenario as a partner manifest, and the §12 JSON examples verbatim
// ---------------------------------------------------------------------------------------------------------

/** §12's Swedish truck into Svinesund, written as a partner would send it to us. */
function section12Request(): ManifestRequest {
  return ManifestRequest.parse({
    reference: 'NRF-2026-05-04-0001',
    transport: {
      vehicleRegistration: 'ABC123',
      vehicleCountry: 'SE',
      vehicleType: '33',
      driver: { name: 'Erik Johan Svensson', phone: '+46701234567' },
      carrier: {
        id: 'SE556677889900',
        name: 'Nordic Road Freight AB',
        address: { street: 'Hamngatan 10', postcode: '41101', city: 'Göteborg', country: 'SE' },
      },
      borderCrossing: 'NO371001',
      // 14:30Z written with an offset: Digitoll wants the UTC instant.
      estimatedArrival: '2026-05-04T16:30:00+02:00',
    },
    masterConsignment: {
      waybill: { number: 'NRF-M-2026-000123', type: 'N730' },
      consignor: {
        name: 'Parcel Hub Sweden AB',
        identificationNumber: 'SE556000111101',
        address: { street: 'Lagergatan 5', postcode: '50630', city: 'Borås', country: 'SE' },
      },
      consignee: {
        name: 'Norsk Pakketerminal AS',
        identificationNumber: 'NO912345678',
        address: { street: 'Terminalveien 2', postcode: '0580', city: 'Oslo', country: 'NO' },
      },
      grossMassKg: 1250.5,
    },
    shipments: [
      {
        shipmentNumber: 'PKG00012345678SE',
        voecNumber: 'VOEC 2056550',
        goodsDescription: 'Cotton t-shirts; wireless earphones',
        grossMassKg: 2.4,
        packages: 1,
        consignor: {
          name: 'Example Webshop Ltd',
          address: { street: '1 Example Street', postcode: 'EC1A 1BB', city: 'London', country: 'GB' },
        },
        consignee: {
          name: 'Kari Nordmann',
          type: 'PRIVATE',
          address: { street: 'Karl Johans gate 1', postcode: '0150', city: 'Oslo', country: 'NO' },
          phone: '+4791234567',
        },
        items: [
          { commodityCode: '610910', description: 'T-shirt, cotton', unitValueNok: 149, quantity: 3 },
          { commodityCode: '851830', description: 'Wireless earphones', unitValueNok: 799, quantity: 1 },
        ],
      },
    ],
  });
}

/** §12.1 verbatim. */
const SECTION_12_1 = {
  documentIssueDate: '2026-05-04T06:00:00Z',
  representative: {
    name: 'Grensespedisjon AS',
    identificationNumber: 'NO999888777',
    address: { city: 'Halden', country: 'NO', postcode: '1788', streetLine: 'Svinesundsparken', number: '1' },
    communication: [{ identifier: 'toll@grensespedisjon.example', type: 'EM' }],
  },
  activeBorderTransportMeans: {
    identificationNumber: 'ABC123',
    typeOfIdentification: '30',
    typeOfMeansOfTransport: '33',
    countryCode: 'SE',
    modeOfTransportCode: '3',
    operator: {
      name: 'Erik Johan Svensson',
      communication: [{ identifier: '+46701234567', type: 'TE' }],
    },
  },
  carrier: {
    name: 'Nordic Road Freight AB',
    identificationNumber: 'SE556677889900',
    address: { city: 'Göteborg', country: 'SE', postcode: '41101', streetLine: 'Hamngatan', number: '10' },
    communication: [{ identifier: 'ops@nordicroad.example', type: 'EM' }],
  },
  customsOfficeOfFirstEntry: { referenceNumber: 'NO371001' },
  estimatedDateAndTimeOfArrival: '2026-05-04T14:30:00Z',
  scheduledDateAndTimeOfArrival: '2026-05-04T14:30:00Z',
  consignmentMasterLevel: [
    { transportDocumentMasterLevel: { documentNumber: 'NRF-M-2026-000123', type: 'N730' } },
  ],
};

/** §12.2 verbatim. */
const SECTION_12_2 = {
  documentIssueDate: '2026-05-04T06:01:00Z',
  representative: {
    name: 'Grensespedisjon AS',
    identificationNumber: 'NO999888777',
    address: { city: 'Halden', country: 'NO', postcode: '1788', streetLine: 'Svinesundsparken', number: '1' },
    communication: [{ identifier: 'toll@grensespedisjon.example', type: 'EM' }],
    releasedConfirmation: [{ emailAddress: 'release@grensespedisjon.example' }],
  },
  consignmentMasterLevel: {
    containerIndicator: 1,
    grossMass: 1250.5,
    carrier: { identificationNumber: 'SE556677889900' },
    consignor: {
      name: 'Parcel Hub Sweden AB',
      identificationNumber: 'SE556000111101',
      typeOfPerson: 2,
      address: { city: 'Borås', country: 'SE', postcode: '50630', streetLine: 'Lagergatan 5' },
    },
    consignee: {
      name: 'Norsk Pakketerminal AS',
      identificationNumber: 'NO912345678',
      typeOfPerson: 2,
      address: { city: 'Oslo', country: 'NO', postcode: '0580', streetLine: 'Terminalveien 2' },
    },
    transportDocumentMasterLevel: { documentNumber: 'NRF-M-2026-000123', type: 'N730' },
    transportEquipment: [
      {
        containerSizeAndType: '17',
        containerPackedStatus: 'B',
        containerSupplierType: '2',
        containerIdentificationNumber: 'XYZ987',
      },
    ],
    placeOfLoading: { unloCode: 'SEBRS' },
    placeOfUnloading: { location: 'Oslo', address: { country: 'NO' } },
    placeOfDelivery: { unloCode: 'NOOSL' },
  },
};

/** §12.3 verbatim (variant 7). */
const SECTION_12_3 = {
  documentIssueDate: '2026-05-04T06:02:00Z',
  consignmentHouseLevel: {
    containerIndicator: 1,
    totalGrossMass: 2.4,
    numberOfPackages: 1,
    goodsDescription: 'Cotton t-shirts; wireless earphones',
    transportDocumentHouseLevel: { documentNumber: 'PKG00012345678SE', type: 'N730' },
    consignmentMasterLevel: {
      carrierIdentificationNumber: 'SE556677889900',
      transportDocumentMasterLevel: { documentNumber: 'NRF-M-2026-000123', type: 'N730' },
    },
    importProcedure: { importProcedure: 'IMMEDIATE_RELEASE_VOEC', hasOutgoingProcedure: false },
    consignor: {
      name: 'Example Webshop Ltd',
      typeOfPerson: 2,
      address: { city: 'London', country: 'GB', postcode: 'EC1A 1BB', streetLine: '1 Example Street' },
    },
    consignee: {
      name: 'Kari Nordmann',
      typeOfPerson: 1,
      address: { city: 'Oslo', country: 'NO', postcode: '0150', streetLine: 'Karl Johans gate 1' },
      communication: [{ identifier: '+4791234567', type: 'TE' }],
    },
    placeOfAcceptance: { location: 'Borås', address: { country: 'SE' } },
    placeOfDelivery: { location: 'Oslo', address: { country: 'NO' } },
    goodsItem: [
      {
        itemAmountInvoicedVOEC: { value: 149.0, numberOfItems: 3 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '610910' },
        additionalFiscalReferences: { vatIdentificationNumber: '2056550', role: 'FR5' },
      },
      {
        itemAmountInvoicedVOEC: { value: 799.0, numberOfItems: 1 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '851830' },
        additionalFiscalReferences: { vatIdentificationNumber: '2056550', role: 'FR5' },
      },
    ],
  },
};

/** §12.3 variant 10 fragment verbatim, with our transit MRN. */
const variant10 = (transitMrn: string) => ({
  importProcedure: {
    importProcedure: 'IMMEDIATE_RELEASE_VOEC',
    outgoingProcedure: 'TRA',
    hasOutgoingProcedure: true,
  },
  previousDocuments: [{ typeOfReference: 'N820', referenceNumber: transitMrn }],
});

/** Manifest and shipment records as intake stores them. */
function records(request: ManifestRequest, receivedAt = '2026-05-04T05:59:00.000Z') {
  const { manifest, records: shipments } = buildIntake(
    { partnerId: 'nordic', manifestId: 'm-1', receivedAt },
    request,
  );
  return { manifest, shipments };
}

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1);
  return list[0] as T;
}

/** Valid per the shared request schema, and nothing in it the schema does not know (zod would strip it silently). */
function expectValid(kind: keyof typeof REQUEST_SCHEMAS, body: unknown): void {
  const parsed = REQUEST_SCHEMAS[kind].safeParse(body);
  if (!parsed.success) {
    throw new Error(`${kind} body fails the schema: ${JSON.stringify(parsed.error.issues)}`);
  }
  expect(parsed.data).toEqual(body);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// ---------------------------------------------------------------------------------------------------------
// §12, field for field
// ---------------------------------------------------------------------------------------------------------

describe('the §12 examples', () => {
  it('§12.1 transport: every field as documented, except what we do not hold', () => {
    const { manifest } = records(section12Request());
    const content = transportContent(manifest, new Date('2026-05-04T06:00:00.789Z'));
    expect(content.kind).toBe('transport');
    expect(content.waybillKey).toBeUndefined();

    // We report as the carrier: no representative. The carrier's contact is not part of our
    // contract, and street and number travel together in streetLine.
    const { representative: _representative, ...documented } = SECTION_12_1;
    const expected = {
      ...documented,
      carrier: {
        name: 'Nordic Road Freight AB',
        identificationNumber: 'SE556677889900',
        address: { city: 'Göteborg', country: 'SE', postcode: '41101', streetLine: 'Hamngatan 10' },
      },
    };
    expect(content.body).toEqual(expected);
    expectValid('transport', content.body);
  });

  it('§12.2 master: every field as documented, except equipment and places we do not hold', () => {
    const { manifest } = records(section12Request());
    const content = masterContent(manifest, new Date('2026-05-04T06:01:00.001Z'));
    expect(content.kind).toBe('master-consignment');

    // No trailer data in our contract: containerIndicator 0 (1 would require transportEquipment);
    // no representative, no places (all optional).
    const {
      transportEquipment: _equipment,
      placeOfLoading: _loading,
      placeOfUnloading: _unloading,
      placeOfDelivery: _delivery,
      ...level
    } = SECTION_12_2.consignmentMasterLevel;
    const expected: MasterConsignmentRequest = {
      documentIssueDate: SECTION_12_2.documentIssueDate,
      consignmentMasterLevel: { ...level, containerIndicator: 0 },
    };
    expect(content.body).toEqual(expected);
    expect(content.waybillKey).toEqual({
      documentNumber: 'NRF-M-2026-000123',
      type: 'N730',
      carrierId: 'SE556677889900',
    });
    expectValid('master-consignment', content.body);
  });

  it('§12.3 house, variant 7: VOEC procedure, hasOutgoingProcedure false, no previousDocuments', () => {
    const { manifest, shipments } = records(section12Request());
    const content = houseContent(manifest, only(shipments), new Date('2026-05-04T06:02:00Z'));
    expect(content.kind).toBe('house-consignment');

    const {
      placeOfAcceptance: _acceptance,
      placeOfDelivery: _delivery,
      ...level
    } = SECTION_12_3.consignmentHouseLevel;
    const expected = {
      documentIssueDate: SECTION_12_3.documentIssueDate,
      consignmentHouseLevel: { ...level, containerIndicator: 0 },
    };
    expect(content.body).toEqual(expected);
    const house = content.body.consignmentHouseLevel;
    expect(house.importProcedure).toEqual({
      importProcedure: 'IMMEDIATE_RELEASE_VOEC',
      hasOutgoingProcedure: false,
    });
    expect(house).not.toHaveProperty('previousDocuments');
    expect(house).not.toHaveProperty('exportFromEU');
    expect(house).not.toHaveProperty('directConsignment');
    expect(content.waybillKey).toEqual({
      documentNumber: 'PKG00012345678SE',
      type: 'N730',
      carrierId: 'SE556677889900',
    });
    expectValid('house-consignment', content.body);
  });

  it('§12.3 house under a transit: variant 10 (TRA, N820 with the transit MRN, no exportFromEU)', () => {
    const request = section12Request();
    request.transit = { mrn: '26SE000001188424T0' };
    const { manifest, shipments } = records(request);
    const house = houseContent(manifest, only(shipments), new Date('2026-05-04T06:02:00Z')).body
      .consignmentHouseLevel;
    expect({ importProcedure: house.importProcedure, previousDocuments: house.previousDocuments }).toEqual(
      variant10('26SE000001188424T0'),
    );
    expect(house.importProcedure?.hasOutgoingProcedure).toBe(true);
    expect(house).not.toHaveProperty('exportFromEU');
    // Everything else is as in variant 7.
    const { importProcedure: _i, previousDocuments: _p, ...rest } = house;
    const { importProcedure: _i7, ...rest7 } = houseContent(
      records(section12Request()).manifest,
      only(records(section12Request()).shipments),
      new Date('2026-05-04T06:02:00Z'),
    ).body.consignmentHouseLevel;
    expect(rest).toEqual(rest7);
  });

  it('a house without a transit never carries an outgoing procedure', () => {
    const { manifest, shipments } = records(section12Request());
    const house = houseContent(manifest, only(shipments), new Date()).body.consignmentHouseLevel;
    expect(house.importProcedure).not.toHaveProperty('outgoingProcedure');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Details the examples do not show
// ---------------------------------------------------------------------------------------------------------

describe('the house consignment', () => {
  it('has one goods item per item line: per-piece NOK value, number of pieces, HS6, the normalised VOEC number as FR5', () => {
    const request = section12Request();
    const shipment = request.shipments[0];
    if (!shipment) throw new Error('no shipment');
    shipment.voecNumber = ' voec-2021137 ';
    shipment.items = [
      { commodityCode: '610910', description: 'T-shirt', unitValueNok: 199.5, quantity: 2 },
      { commodityCode: '610910', description: 'Another T-shirt line', unitValueNok: 2999.99, quantity: 1 },
      { commodityCode: '420221', description: 'Handbag', unitValueNok: 0, quantity: 1_000_000 },
    ];
    const { manifest, shipments } = records(request);
    const body = houseContent(manifest, only(shipments), new Date()).body;
    expect(body.consignmentHouseLevel.goodsItem).toEqual([
      {
        itemAmountInvoicedVOEC: { value: 199.5, numberOfItems: 2 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '610910' },
        additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
      },
      {
        itemAmountInvoicedVOEC: { value: 2999.99, numberOfItems: 1 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '610910' },
        additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
      },
      {
        itemAmountInvoicedVOEC: { value: 0, numberOfItems: 1_000_000 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: '420221' },
        additionalFiscalReferences: { vatIdentificationNumber: '2021137', role: 'FR5' },
      },
    ]);
    // The capital-H spelling of the examples page (§5.8) is never sent.
    expect(JSON.stringify(body)).not.toContain('SubHeading');
    expectValid('house-consignment', body);
  });

  it('names the consignee a natural person (1) with phone and e-mail, the consignor a legal person (2)', () => {
    const request = section12Request();
    const shipment = request.shipments[0];
    if (!shipment) throw new Error('no shipment');
    shipment.consignee.email = 'kari@example.no';
    shipment.consignee.identificationNumber = '01019012345';
    shipment.consignor.identificationNumber = 'GB123456789';
    const { manifest, shipments } = records(request);
    const { consignor, consignee } = houseContent(manifest, only(shipments), new Date()).body
      .consignmentHouseLevel;
    expect(consignee).toEqual({
      name: 'Kari Nordmann',
      identificationNumber: '01019012345',
      typeOfPerson: 1,
      address: { streetLine: 'Karl Johans gate 1', postcode: '0150', city: 'Oslo', country: 'NO' },
      communication: [
        { identifier: '+4791234567', type: 'TE' },
        { identifier: 'kari@example.no', type: 'EM' },
      ],
    });
    expect(consignor).toMatchObject({ identificationNumber: 'GB123456789', typeOfPerson: 2 });
    expect(consignor).not.toHaveProperty('communication');
  });

  it('leaves out the consignee communication when there is no phone or e-mail', () => {
    const request = section12Request();
    const shipment = request.shipments[0];
    if (!shipment) throw new Error('no shipment');
    delete shipment.consignee.phone;
    const { manifest, shipments } = records(request);
    const body = houseContent(manifest, only(shipments), new Date()).body;
    expect(body.consignmentHouseLevel.consignee).not.toHaveProperty('communication');
    expectValid('house-consignment', body);
  });

  it('rounds masses to the 6 decimals Digitoll takes, never down to 0', () => {
    const request = section12Request();
    const shipment = request.shipments[0];
    if (!shipment || !request.masterConsignment) throw new Error('no shipment');
    shipment.grossMassKg = 0.1234567;
    request.masterConsignment.grossMassKg = 412.0000004;
    const { manifest, shipments } = records(request);
    const house = houseContent(manifest, only(shipments), new Date()).body;
    const master = masterContent(manifest, new Date()).body;
    expect(house.consignmentHouseLevel.totalGrossMass).toBe(0.123457);
    expect(master.consignmentMasterLevel.grossMass).toBe(412);
    expectValid('house-consignment', house);
    expect(digitollMass(1e-9)).toBe(0.000001);
    expect(digitollMass(2.4)).toBe(2.4);
  });

  it('the content hash ignores the issue date and follows the content', () => {
    const { manifest, shipments } = records(section12Request());
    const shipment = only(shipments);
    const first = houseContent(manifest, shipment, new Date('2026-05-04T06:02:00Z'));
    const later = houseContent(manifest, shipment, new Date('2026-05-04T09:00:00Z'));
    expect(later.body.documentIssueDate).toBe('2026-05-04T09:00:00Z');
    expect(later.contentHash).toBe(first.contentHash);
    const amended: ShipmentRecord = {
      ...shipment,
      input: { ...shipment.input, goodsDescription: 'Cotton t-shirts' },
    };
    expect(houseContent(manifest, amended, new Date()).contentHash).not.toBe(first.contentHash);
  });
});

describe('no direct consignments', () => {
  it('a record without a master (stored before masters were required) links no house to the transport', () => {
    const request = section12Request();
    const { manifest, shipments } = records(request);
    const { masterConsignment: _dropped, ...legacy } = manifest;
    const transport = transportContent(legacy, new Date('2026-05-04T06:00:00Z')).body;
    expect(transport).not.toHaveProperty('consignmentMasterLevel');
    expect(transport).not.toHaveProperty('consignmentHouseLevel');
    const [shipment] = shipments;
    if (!shipment) throw new Error('no shipment');
    // The undocumented direct-consignment fields are never sent: such a house is not built at all.
    expect(() => houseContent(legacy, shipment, new Date())).toThrow('has no master consignment');
  });
});

describe('the transport', () => {
  it('writes every instant as yyyy-MM-ddTHH:mm:ssZ in UTC', () => {
    expect(digitollInstant('2026-05-04T16:30:00+02:00')).toBe('2026-05-04T14:30:00Z');
    expect(digitollInstant('2026-12-31T23:59:59.999-01:00')).toBe('2027-01-01T00:59:59Z');
    expect(digitollInstant(new Date('2026-05-04T06:00:00.5Z'))).toBe('2026-05-04T06:00:00Z');
    const { manifest } = records(section12Request());
    const body = transportContent(manifest, new Date('2026-05-04T06:00:00.999Z')).body;
    for (const value of [
      body.documentIssueDate,
      body.estimatedDateAndTimeOfArrival,
      body.scheduledDateAndTimeOfArrival,
    ]) {
      expect(value).toMatch(INSTANT);
      expect(isDigitollInstant(value)).toBe(true);
    }
    expect(deleteBody(new Date('2026-05-04T07:00:00.123Z'))).toEqual({
      documentIssueDate: '2026-05-04T07:00:00Z',
    });
    expect(DeleteRequest.safeParse(deleteBody(new Date())).success).toBe(true);
  });

  it('keeps the scheduled arrival at the first ETA when the ETA changes; the ETA follows', () => {
    const { manifest } = records(section12Request());
    const first = transportContent(manifest, new Date('2026-05-04T06:00:00Z'));
    expect(first.body.scheduledDateAndTimeOfArrival).toBe(first.body.estimatedDateAndTimeOfArrival);

    // What PATCH /v1/manifests/{id}/transport stores.
    const later: ManifestRecord = {
      ...manifest,
      transport: { ...manifest.transport, estimatedArrival: '2026-05-04T18:15:00.000Z' },
    };
    const updated = transportContent(later, new Date('2026-05-04T08:00:00Z'));
    expect(updated.body.scheduledDateAndTimeOfArrival).toBe('2026-05-04T14:30:00Z');
    expect(updated.body.estimatedDateAndTimeOfArrival).toBe('2026-05-04T18:15:00Z');
    expect(updated.contentHash).not.toBe(first.contentHash);
  });

  it('defaults the means of transport to a truck (CL751 31)', () => {
    const request = section12Request();
    delete road(request.transport).vehicleType;
    const { manifest } = records(request);
    const body = transportContent(manifest, new Date()).body;
    expect(body.activeBorderTransportMeans.typeOfMeansOfTransport).toBe(DEFAULT_MEANS_OF_TRANSPORT);
    expect(DEFAULT_MEANS_OF_TRANSPORT).toBe('31');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over every schema-valid manifest
// ---------------------------------------------------------------------------------------------------------

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(''));
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÆØÅæøåÄÖäöéü';
const DIGITS = '0123456789';
/** Free text of `min..max` characters that is not blank (the contract's and Digitoll's rule). */
const text = (max: number) =>
  fc
    .tuple(
      chars(LETTERS + DIGITS),
      fc.string({ unit: chars(`${LETTERS + DIGITS} .,;:'&/()-`), maxLength: max - 1 }),
    )
    .map(([head, tail]) => head + tail);
const country = fc.stringMatching(/^[A-Z]{2}$/);
const address = fc.record({ street: text(70), postcode: text(17), city: text(35), country });
/** A phone number the contract accepts: at least 4 digits among spaces, brackets and hyphens. */
const phone = fc
  .tuple(
    fc.boolean(),
    fc.string({ unit: chars('0123456789'), minLength: 3, maxLength: 10 }),
    fc.string({ unit: chars('0123456789 ()-'), minLength: 0, maxLength: 19 }),
  )
  .map(([plus, digits, rest]) => `${plus ? '+' : ''}7${digits}${rest}`);
const email = fc.constantFrom('kari@example.no', 'a.b+c@post.example.com');
const party = fc.record(
  { name: text(70), identificationNumber: text(17), address },
  { requiredKeys: ['name', 'address'] },
);
const consignee = fc.record(
  {
    name: text(70),
    type: fc.constant('PRIVATE' as const),
    identificationNumber: text(17),
    address,
    phone,
    email,
  },
  { requiredKeys: ['name', 'type', 'address'] },
);
/** Masses as the contract accepts them: positive, at most 6 decimals (milligram steps). */
const mass = (max: number) =>
  fc.integer({ min: 1, max: max * 1_000_000 }).map((micro) => Number((micro / 1_000_000).toFixed(6)));
const item = fc.record({
  commodityCode: fc.stringMatching(/^\d{6}$/),
  description: text(512),
  unitValueNok: fc.integer({ min: 0, max: 99_999_999_900 }).map((cents) => cents / 100),
  quantity: fc.integer({ min: 1, max: 1_000_000 }),
});
const shipmentNumber = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,69}$/);
const shipment = (number: string) =>
  fc.record({
    shipmentNumber: fc.constant(number),
    voecNumber: fc
      .tuple(fc.constantFrom('', 'VOEC ', 'voec-', ' VOEC'), fc.stringMatching(/^\d{1,17}$/))
      .map(([prefix, digits]) => `${prefix}${digits}`),
    goodsDescription: text(512),
    grossMassKg: mass(100_000),
    packages: fc.integer({ min: 1, max: 99_999 }),
    consignor: party,
    consignee,
    items: fc.array(item, { minLength: 1, maxLength: 5 }),
  });
const offset = fc.constantFrom('Z', '+00:00', '+01:00', '+02:00', '-05:30', '+14:00', '-12:00');
const withOffset = (date: Date, suffix: string): string => {
  if (suffix === 'Z') return date.toISOString();
  const sign = suffix.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(suffix.slice(1, 3)) * 60 + Number(suffix.slice(4, 6)));
  const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 23);
  return `${local}${suffix}`;
};
const instant = fc
  .tuple(
    fc.date({
      min: new Date('2000-01-02T00:00:00Z'),
      max: new Date('2100-12-30T00:00:00Z'),
      noInvalidDate: true,
    }),
    offset,
  )
  .map(([date, suffix]) => withOffset(date, suffix));
const transport = fc.record(
  {
    vehicleRegistration: text(35),
    vehicleCountry: country,
    vehicleType: fc.stringMatching(/^\d{2,4}$/),
    driver: fc.record({ name: fc.tuple(text(30), text(30)).map(([a, b]) => `${a} ${b}`), phone }),
    carrier: fc.record({ id: text(17), name: text(70), address }),
    // Road border offices: the airport offices of CL141 are refused for road.
    borderCrossing: fc.stringMatching(/^NO\d{6}$/).filter((office) => !isAirportOffice(office)),
    estimatedArrival: instant,
  },
  {
    requiredKeys: [
      'vehicleRegistration',
      'vehicleCountry',
      'driver',
      'carrier',
      'borderCrossing',
      'estimatedArrival',
    ],
  },
);
const manifestRequest = fc
  .record({
    reference: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}$/),
    transport,
    transit: fc.option(fc.record({ mrn: fc.stringMatching(/^\d{2}[A-Z]{2}[A-Z0-9]{14}$/) }), {
      nil: undefined,
    }),
    // Every manifest has a master.
    masterConsignment: fc.record({
      waybill: fc.record({
        number: text(70),
        type: fc.constantFrom('N730', 'N703', 'N704', 'N741', 'N750', 'C624'),
      }),
      consignor: party,
      consignee: party,
      grossMassKg: mass(1_000_000),
    }),
    numbers: fc.uniqueArray(shipmentNumber, { minLength: 1, maxLength: 4 }),
  })
  .chain(({ numbers, transit, masterConsignment, ...rest }) =>
    fc.tuple(...numbers.map(shipment)).map((shipments) => ({
      ...rest,
      ...(transit ? { transit } : {}),
      masterConsignment,
      shipments,
    })),
  );

describe('properties', () => {
  it('for any schema-valid manifest, every body passes the Digitoll schemas and the keys link up', () => {
    fc.assert(
      fc.property(
        manifestRequest,
        fc.date({ min: new Date('2020-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (raw, issuedAt) => {
          const parsed = ManifestRequest.safeParse(raw);
          if (!parsed.success) throw new Error(`arbitrary made an invalid manifest: ${parsed.error.message}`);
          const request = parsed.data;
          const { manifest, shipments } = records(request);
          const carrierId = request.transport.carrier.id;

          const master = request.masterConsignment;

          const transport: TransportRequest = transportContent(manifest, issuedAt).body;
          expectValid('transport', transport);
          expect(transport.carrier.identificationNumber).toBe(carrierId);
          expect(transport.scheduledDateAndTimeOfArrival).toBe(transport.estimatedDateAndTimeOfArrival);
          expect(transport.estimatedDateAndTimeOfArrival).toBe(
            `${new Date(request.transport.estimatedArrival).toISOString().slice(0, 19)}Z`,
          );
          for (const value of [transport.documentIssueDate, transport.estimatedDateAndTimeOfArrival]) {
            expect(value).toMatch(INSTANT);
          }

          if (master) {
            const masterDoc = { documentNumber: master.waybill.number, type: master.waybill.type };
            expect(transport.consignmentMasterLevel).toEqual([{ transportDocumentMasterLevel: masterDoc }]);
            expect(transport).not.toHaveProperty('consignmentHouseLevel');
            const content = masterContent(manifest, issuedAt);
            expectValid('master-consignment', content.body);
            const level = content.body.consignmentMasterLevel;
            expect(level.carrier.identificationNumber).toBe(carrierId);
            expect(level.transportDocumentMasterLevel).toEqual(masterDoc);
            expect(content.waybillKey).toEqual({ ...masterDoc, carrierId });
            expect([level.consignor.typeOfPerson, level.consignee.typeOfPerson]).toEqual([2, 2]);
          } else {
            throw new Error('every manifest has a master');
          }

          for (const record of shipments) {
            const content = houseContent(manifest, record, issuedAt);
            const body: HouseConsignmentRequest = content.body;
            expectValid('house-consignment', body);
            const house = body.consignmentHouseLevel;
            expect(content.waybillKey).toEqual(houseWaybillKey(manifest, record.shipmentNumber));
            expect(house.transportDocumentHouseLevel).toEqual({
              documentNumber: record.shipmentNumber,
              type: HOUSE_DOCUMENT_TYPE,
            });
            if (master) {
              expect(house.consignmentMasterLevel).toEqual({
                carrierIdentificationNumber: carrierId,
                transportDocumentMasterLevel:
                  transport.consignmentMasterLevel?.[0]?.transportDocumentMasterLevel,
              });
              expect(house).not.toHaveProperty('directConsignment');
              expect(house).not.toHaveProperty('transportLevel');
            }
            expect(house.importProcedure?.importProcedure).toBe('IMMEDIATE_RELEASE_VOEC');
            if (request.transit) {
              expect(house.importProcedure).toMatchObject({
                outgoingProcedure: 'TRA',
                hasOutgoingProcedure: true,
              });
              expect(house.previousDocuments).toEqual([
                { typeOfReference: 'N820', referenceNumber: request.transit.mrn },
              ]);
            } else {
              expect(house.importProcedure).toEqual({
                importProcedure: 'IMMEDIATE_RELEASE_VOEC',
                hasOutgoingProcedure: false,
              });
              expect(house).not.toHaveProperty('previousDocuments');
            }
            expect(house).not.toHaveProperty('exportFromEU');
            expect(house.consignee.typeOfPerson).toBe(1);
            expect(house.consignor.typeOfPerson).toBe(2);
            expect(house.goodsItem).toHaveLength(record.input.items.length);
            record.input.items.forEach((input, i) => {
              expect(house.goodsItem?.[i]).toEqual({
                itemAmountInvoicedVOEC: { value: input.unitValueNok, numberOfItems: input.quantity },
                commodityCodeVOEC: { harmonizedSystemSubheadingCode: input.commodityCode },
                additionalFiscalReferences: { vatIdentificationNumber: record.voecNumber, role: 'FR5' },
              });
            });
            expect(record.voecNumber).toMatch(/^\d{1,17}$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the scheduled arrival is the first ETA, whatever ETA follows', () => {
    fc.assert(
      fc.property(manifestRequest, instant, (raw, nextEta) => {
        const request = ManifestRequest.parse(raw);
        const { manifest } = records(request);
        const first = transportContent(manifest, new Date()).body;
        const later: ManifestRecord = {
          ...manifest,
          transport: { ...manifest.transport, estimatedArrival: new Date(nextEta).toISOString() },
        };
        const updated = transportContent(later, new Date()).body;
        expect(updated.scheduledDateAndTimeOfArrival).toBe(first.scheduledDateAndTimeOfArrival);
        expect(updated.estimatedDateAndTimeOfArrival).toBe(digitollInstant(nextEta));
        expectValid('transport', updated);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Digitoll's error paths back to ours
// ---------------------------------------------------------------------------------------------------------

describe('locateDigitollPath', () => {
  const cases: Array<
    [string, Parameters<typeof locateDigitollPath>[0], string, ReturnType<typeof locateDigitollPath>]
  > = [
    // §12.4 / §7.2 A11 (the path is [INF]), with and without the message root.
    [
      'A11',
      'house-consignment',
      'consignmentHouseLevel.goodsItem[1].itemAmountInvoicedVOEC.value',
      { in: 'shipment', path: '/items/1/unitValueNok' },
    ],
    [
      'A11 unrooted',
      'house-consignment',
      'goodsItem[0].itemAmountInvoicedVOEC.value',
      { in: 'shipment', path: '/items/0/unitValueNok' },
    ],
    [
      'A12',
      'house-consignment',
      'consignmentHouseLevel.goodsItem[0].additionalFiscalReferences.vatIdentificationNumber',
      { in: 'shipment', path: '/voecNumber' },
    ],
    [
      'A12 on the object',
      'house-consignment',
      'consignmentHouseLevel.goodsItem[3].additionalFiscalReferences',
      { in: 'shipment', path: '/voecNumber' },
    ],
    ['A13', 'house-consignment', 'consignmentHouseLevel.goodsItem', { in: 'shipment', path: '/items' }],
    [
      'A1 on an item',
      'house-consignment',
      'consignmentHouseLevel.goodsItem[2].itemAmountInvoicedVOEC.numberOfItems',
      { in: 'shipment', path: '/items/2/quantity' },
    ],
    [
      'HS code',
      'house-consignment',
      'consignmentHouseLevel.goodsItem[0].commodityCodeVOEC.harmonizedSystemSubheadingCode',
      { in: 'shipment', path: '/items/0/commodityCode' },
    ],
    [
      'A10',
      'house-consignment',
      'consignmentHouseLevel.previousDocuments[0].referenceNumber',
      { in: 'manifest', path: '/transit/mrn' },
    ],
    [
      'A10 on the list',
      'house-consignment',
      'consignmentHouseLevel.previousDocuments',
      { in: 'manifest', path: '/transit/mrn' },
    ],
    [
      'outgoing procedure',
      'house-consignment',
      'consignmentHouseLevel.importProcedure.outgoingProcedure',
      { in: 'manifest', path: '/transit' },
    ],
    [
      'carrier mismatch (house)',
      'house-consignment',
      'consignmentHouseLevel.consignmentMasterLevel.carrierIdentificationNumber',
      { in: 'manifest', path: '/transport/carrier/id' },
    ],
    [
      'master key (house)',
      'house-consignment',
      'consignmentHouseLevel.consignmentMasterLevel.transportDocumentMasterLevel.documentNumber',
      { in: 'manifest', path: '/masterConsignment/waybill' },
    ],
    [
      'sync blank description (§12.4)',
      'house-consignment',
      'consignmentHouseLevel.goodsDescription',
      { in: 'shipment', path: '/goodsDescription' },
    ],
    [
      'mass',
      'house-consignment',
      'consignmentHouseLevel.totalGrossMass',
      { in: 'shipment', path: '/grossMassKg' },
    ],
    [
      'packages',
      'house-consignment',
      'consignmentHouseLevel.numberOfPackages',
      { in: 'shipment', path: '/packages' },
    ],
    [
      'immutable house key',
      'house-consignment',
      'consignmentHouseLevel.transportDocumentHouseLevel.documentNumber',
      { in: 'shipment', path: '/shipmentNumber' },
    ],
    [
      'consignee postcode',
      'house-consignment',
      'consignmentHouseLevel.consignee.address.postcode',
      { in: 'shipment', path: '/consignee/address/postcode' },
    ],
    [
      'consignee street',
      'house-consignment',
      'consignmentHouseLevel.consignee.address.streetLine',
      { in: 'shipment', path: '/consignee/address/street' },
    ],
    [
      'consignee person type',
      'house-consignment',
      'consignmentHouseLevel.consignee.typeOfPerson',
      { in: 'shipment', path: '/consignee/type' },
    ],
    [
      'consignee phone',
      'house-consignment',
      'consignmentHouseLevel.consignee.communication[0].identifier',
      { in: 'shipment', path: '/consignee' },
    ],
    [
      'consignor country (A2)',
      'house-consignment',
      'consignmentHouseLevel.consignor.address.country',
      { in: 'shipment', path: '/consignor/address/country' },
    ],
    [
      'carrier mismatch (master)',
      'master-consignment',
      'consignmentMasterLevel.carrier.identificationNumber',
      { in: 'manifest', path: '/transport/carrier/id' },
    ],
    [
      'master mass',
      'master-consignment',
      'consignmentMasterLevel.grossMass',
      { in: 'manifest', path: '/masterConsignment/grossMassKg' },
    ],
    [
      'master waybill',
      'master-consignment',
      'consignmentMasterLevel.transportDocumentMasterLevel.documentNumber',
      { in: 'manifest', path: '/masterConsignment/waybill/number' },
    ],
    [
      'master consignee',
      'master-consignment',
      'consignmentMasterLevel.consignee.address.city',
      { in: 'manifest', path: '/masterConsignment/consignee/address/city' },
    ],
    [
      'carrier mismatch (transport)',
      'transport',
      'carrier.identificationNumber',
      { in: 'manifest', path: '/transport/carrier/id' },
    ],
    [
      'T1',
      'transport',
      'transport.scheduledDateAndTimeOfArrival',
      { in: 'manifest', path: '/transport/estimatedArrival' },
    ],
    [
      'T4',
      'transport',
      'transport.estimatedDateAndTimeOfArrival',
      { in: 'manifest', path: '/transport/estimatedArrival' },
    ],
    [
      'T5 unrooted',
      'transport',
      'estimatedDateAndTimeOfArrival',
      { in: 'manifest', path: '/transport/estimatedArrival' },
    ],
    [
      'T6',
      'transport',
      'transport.activeBorderTransportMeans.conveyanceReferenceNumber',
      { in: 'manifest', path: '/transport/vehicleRegistration' },
    ],
    [
      'T8',
      'transport',
      'transport.activeBorderTransportMeans.identificationNumber',
      { in: 'manifest', path: '/transport/vehicleRegistration' },
    ],
    [
      'driver name',
      'transport',
      'activeBorderTransportMeans.operator.name',
      { in: 'manifest', path: '/transport/driver/name' },
    ],
    [
      'driver phone',
      'transport',
      'activeBorderTransportMeans.operator.communication[0].identifier',
      { in: 'manifest', path: '/transport/driver/phone' },
    ],
    [
      'A14',
      'transport',
      'customsOfficeOfFirstEntry.referenceNumber',
      { in: 'manifest', path: '/transport/borderCrossing' },
    ],
    [
      'carrier address',
      'transport',
      'carrier.address.postcode',
      { in: 'manifest', path: '/transport/carrier/address/postcode' },
    ],
    [
      'listed master',
      'transport',
      'consignmentMasterLevel[0].transportDocumentMasterLevel.type',
      { in: 'manifest', path: '/masterConsignment/waybill' },
    ],
    [
      'a house list on the transport (never sent: no direct consignments)',
      'transport',
      'consignmentHouseLevel[1].transportDocumentHouseLevel.documentNumber',
      undefined,
    ],
  ];

  it.each(cases)('%s: %s %s', (_name, kind, digitollPath, expected) => {
    expect(locateDigitollPath(kind, digitollPath)).toEqual(expected);
  });

  it('returns nothing for a path it cannot place (the error is still kept verbatim)', () => {
    // The simulator's [INF] unknown-MRN error, a malformed-JSON root error, and nonsense.
    expect(locateDigitollPath('house-consignment', 'masterReferenceNumber')).toBeUndefined();
    expect(locateDigitollPath('transport', '')).toBeUndefined();
    expect(locateDigitollPath('master-consignment', 'consignmentMasterLevel.nothingHere')).toBeUndefined();
  });
});
