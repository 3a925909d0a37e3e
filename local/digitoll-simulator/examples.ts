/**
 * The §12 example messages (one Swedish truck into Svinesund with one VOEC house), as builders for tests,
 * demos and benchmarks, and the same shipment by air (a flight into Gardermoen: the road messages with the
 * air values). Times are relative to `now` so the ETA is always in the future.
 */
import type {
  HouseConsignmentRequest,
  MasterConsignmentRequest,
  TransportRequest,
} from '../../lib/digitoll/schemas.ts';

export const EXAMPLE_CARRIER_ID = 'SE556677889900';
export const EXAMPLE_MASTER_DOC = { documentNumber: 'NRF-M-2026-000123', type: 'N730' };
/** The airline of the air examples. */
export const EXAMPLE_AIR_CARRIER_ID = 'NO998877665';
/** A master air waybill: airline prefix 157, serial 1234567, check digit 1234567 mod 7 = 5. */
export const EXAMPLE_AIR_MASTER_DOC = { documentNumber: '157-12345675', type: 'N741' };

const instant = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

export function exampleTransport(
  options: {
    now?: Date;
    etaInHours?: number;
    plate?: string;
    masterDocumentNumbers?: string[];
    /** CL754 type of the listed masters. Default N730. */
    masterType?: string;
  } = {},
): TransportRequest {
  const now = options.now ?? new Date();
  const eta = instant(new Date(now.getTime() + (options.etaInHours ?? 8) * 3_600_000));
  return {
    documentIssueDate: instant(now),
    representative: {
      name: 'Grensespedisjon AS',
      identificationNumber: 'NO999888777',
      address: {
        city: 'Halden',
        country: 'NO',
        postcode: '1788',
        streetLine: 'Svinesundsparken',
        number: '1',
      },
      communication: [{ identifier: 'toll@grensespedisjon.example', type: 'EM' }],
    },
    activeBorderTransportMeans: {
      identificationNumber: options.plate ?? 'ABC123',
      typeOfIdentification: '30',
      typeOfMeansOfTransport: '33',
      countryCode: 'SE',
      modeOfTransportCode: '3',
      operator: { name: 'Erik Johan Svensson', communication: [{ identifier: '+46701234567', type: 'TE' }] },
    },
    carrier: {
      name: 'Nordic Road Freight AB',
      identificationNumber: EXAMPLE_CARRIER_ID,
      address: { city: 'Göteborg', country: 'SE', postcode: '41101', streetLine: 'Hamngatan', number: '10' },
      communication: [{ identifier: 'ops@nordicroad.example', type: 'EM' }],
    },
    customsOfficeOfFirstEntry: { referenceNumber: 'NO371001' },
    estimatedDateAndTimeOfArrival: eta,
    scheduledDateAndTimeOfArrival: eta,
    consignmentMasterLevel: (options.masterDocumentNumbers ?? [EXAMPLE_MASTER_DOC.documentNumber]).map(
      (documentNumber) => ({
        transportDocumentMasterLevel: { documentNumber, type: options.masterType ?? 'N730' },
      }),
    ),
  };
}

export function exampleMaster(
  options: { now?: Date; documentNumber?: string; carrierId?: string; type?: string } = {},
): MasterConsignmentRequest {
  return {
    documentIssueDate: instant(options.now ?? new Date()),
    consignmentMasterLevel: {
      containerIndicator: 1,
      grossMass: 1250.5,
      carrier: { identificationNumber: options.carrierId ?? EXAMPLE_CARRIER_ID },
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
      transportDocumentMasterLevel: {
        documentNumber: options.documentNumber ?? EXAMPLE_MASTER_DOC.documentNumber,
        type: options.type ?? 'N730',
      },
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
}

export function exampleHouse(
  options: {
    now?: Date;
    documentNumber?: string;
    masterDocumentNumber?: string;
    carrierId?: string;
    values?: number[];
    voecNumber?: string;
    /** CL754 types of the house's and its master's waybill. Default N730. */
    type?: string;
    masterType?: string;
  } = {},
): HouseConsignmentRequest {
  const values = options.values ?? [149, 799];
  return {
    documentIssueDate: instant(options.now ?? new Date()),
    consignmentHouseLevel: {
      containerIndicator: 1,
      totalGrossMass: 2.4,
      numberOfPackages: 1,
      goodsDescription: 'Cotton t-shirts; wireless earphones',
      transportDocumentHouseLevel: {
        documentNumber: options.documentNumber ?? 'PKG00012345678SE',
        type: options.type ?? 'N730',
      },
      consignmentMasterLevel: {
        carrierIdentificationNumber: options.carrierId ?? EXAMPLE_CARRIER_ID,
        transportDocumentMasterLevel: {
          documentNumber: options.masterDocumentNumber ?? EXAMPLE_MASTER_DOC.documentNumber,
          type: options.masterType ?? 'N730',
        },
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
      goodsItem: values.map((value, i) => ({
        itemAmountInvoicedVOEC: { value, numberOfItems: i === 0 ? 3 : 1 },
        commodityCodeVOEC: { harmonizedSystemSubheadingCode: i === 0 ? '610910' : '851830' },
        additionalFiscalReferences: { vatIdentificationNumber: options.voecNumber ?? '2056550', role: 'FR5' },
      })),
    },
  };
}

/**
 * A flight into Gardermoen: the road transport with mode 4, the aircraft's registration (CL750 41), the
 * flight number as conveyanceReferenceNumber, CL751 4000 (aircraft, type unknown), the airline as carrier and
 * master air waybills (N741).
 */
export function exampleAirTransport(
  options: {
    now?: Date;
    etaInHours?: number;
    registration?: string;
    flightNumber?: string;
    office?: string;
    masterDocumentNumbers?: string[];
  } = {},
): TransportRequest {
  const road = exampleTransport({
    now: options.now,
    etaInHours: options.etaInHours,
    plate: options.registration ?? 'LN-RKT',
    masterDocumentNumbers: options.masterDocumentNumbers ?? [EXAMPLE_AIR_MASTER_DOC.documentNumber],
    masterType: EXAMPLE_AIR_MASTER_DOC.type,
  });
  return {
    ...road,
    activeBorderTransportMeans: {
      ...road.activeBorderTransportMeans,
      typeOfIdentification: '41',
      typeOfMeansOfTransport: '4000',
      conveyanceReferenceNumber: options.flightNumber ?? 'SK4321',
      countryCode: 'NO',
      modeOfTransportCode: '4',
      operator: { name: 'Ingrid Marie Berg', communication: [{ identifier: '+4790000001', type: 'TE' }] },
    },
    carrier: {
      name: 'Nordlys Air Cargo AS',
      identificationNumber: EXAMPLE_AIR_CARRIER_ID,
      address: { city: 'Gardermoen', country: 'NO', postcode: '2060', streetLine: 'Cargoveien', number: '4' },
      communication: [{ identifier: 'ops@nordlyscargo.example', type: 'EM' }],
    },
    customsOfficeOfFirstEntry: { referenceNumber: options.office ?? 'NO351001' },
  };
}

/** The master air waybill (N741) of the air examples. */
export function exampleAirMaster(
  options: { now?: Date; documentNumber?: string } = {},
): MasterConsignmentRequest {
  return exampleMaster({
    now: options.now,
    documentNumber: options.documentNumber ?? EXAMPLE_AIR_MASTER_DOC.documentNumber,
    carrierId: EXAMPLE_AIR_CARRIER_ID,
    type: EXAMPLE_AIR_MASTER_DOC.type,
  });
}

/** A VOEC house by air (variant 7) on an air waybill (N740) under the master air waybill. */
export function exampleAirHouse(
  options: { now?: Date; documentNumber?: string; masterDocumentNumber?: string; values?: number[] } = {},
): HouseConsignmentRequest {
  return exampleHouse({
    now: options.now,
    documentNumber: options.documentNumber ?? 'SBX100000001NO',
    masterDocumentNumber: options.masterDocumentNumber ?? EXAMPLE_AIR_MASTER_DOC.documentNumber,
    carrierId: EXAMPLE_AIR_CARRIER_ID,
    values: options.values,
    type: 'N740',
    masterType: EXAMPLE_AIR_MASTER_DOC.type,
  });
}
