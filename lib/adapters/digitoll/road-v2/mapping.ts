/**
 * Our records → Digitoll road v2 messages (transport, master consignment, house consignment),
 * field for field per `shared/reference/digitoll-road-v2.md` §4–5 and §12, and Digitoll's paths
 * back to ours. Where the documentation is ambiguous the reading taken is marked [INF] and lives
 * only here. The bodies are typed by the Digitoll zod schemas (`lib/digitoll/schemas.ts`), without
 * casts, so the compiler checks every field against what Digitoll takes.
 */

import { AIR_WAYBILL_TYPE } from '../../../digitoll/codes.ts';
import type {
  Address,
  Communication,
  DeleteRequest,
  GoodsItem,
  HouseConsignmentRequest,
  MasterConsignmentRequest,
  MessageKind,
  Party,
  PartyAddress,
  TransportRequest,
  WaybillKey,
} from '../../../digitoll/schemas.ts';
import { contentHash } from '../../../domain/ids.ts';
import { type ManifestRecord, type ShipmentRecord, transportModeOf } from '../../../domain/records.ts';
import type { AddressInput } from '../../../manifest/schema.ts';
import type { LocatedPath, ReportContent, WireMapping } from '../wire-mapping.ts';

/** [INF] House waybills of road VOEC parcels as road consignment notes (CL754 N730), per §12. */
export const HOUSE_DOCUMENT_TYPE = 'N730';
/** CL750 30: road vehicle registration number. */
const ROAD_VEHICLE_REGISTRATION = '30';
/** CL018 3: road. */
const MODE_ROAD = '3';
/** CL751 31: truck, unless the partner says otherwise. */
export const DEFAULT_MEANS_OF_TRANSPORT = '31';
/** CL729 person types. */
const NATURAL_PERSON = 1;
const LEGAL_PERSON = 2;
const VOEC_PROCEDURE = 'IMMEDIATE_RELEASE_VOEC';
/** CL756 FR5: vendor (VOEC). */
const VOEC_ROLE = 'FR5';
/** CL228 N820: transit declaration (NCTS MRN). */
const TRANSIT_DOCUMENT = 'N820';

/** Digitoll instants are `yyyy-MM-ddTHH:mm:ssZ`: UTC, no fraction (§3). */
export function digitollInstant(value: Date | string): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Digitoll takes a mass with at most 6 decimals (a sync 400 `numeric value out of bounds (<16 digits>.<6
 * digits> expected)`), our contract any positive number: round to 6 decimals, never down to 0.
 */
export function digitollMass(kg: number): number {
  return Math.max(Number(kg.toFixed(6)), 0.000001);
}

export function content<T extends { documentIssueDate?: string | undefined }>(
  kind: MessageKind,
  body: T,
  waybillKey?: WaybillKey,
): ReportContent<T> {
  const { documentIssueDate: _issued, ...rest } = body;
  return { kind, body, contentHash: contentHash(rest), ...(waybillKey ? { waybillKey } : {}) };
}

export function address(input: AddressInput): Address {
  return { streetLine: input.street, postcode: input.postcode, city: input.city, country: input.country };
}

/** Consignors and consignees must have a postcode and a street line (or PO box), which ours always have. */
function partyAddress(input: AddressInput): PartyAddress {
  return { streetLine: input.street, postcode: input.postcode, city: input.city, country: input.country };
}

function party(
  input: { name: string; identificationNumber?: string | undefined; address: AddressInput },
  typeOfPerson: number,
  communication: Communication[] = [],
): Party {
  return {
    name: input.name,
    ...(input.identificationNumber ? { identificationNumber: input.identificationNumber } : {}),
    typeOfPerson,
    address: partyAddress(input.address),
    ...(communication.length > 0 ? { communication } : {}),
  };
}

export function masterWaybillKey(manifest: ManifestRecord): WaybillKey | undefined {
  const master = manifest.masterConsignment;
  return master
    ? {
        documentNumber: master.waybill.number,
        type: master.waybill.type,
        carrierId: manifest.transport.carrier.id,
      }
    : undefined;
}

/** The CL754 type of a manifest's house waybills: N740 (air waybill) by air, N730 by road. */
export function houseWaybillTypeOf(manifest: Pick<ManifestRecord, 'transport'>): string {
  return transportModeOf(manifest) === 'AIR' ? AIR_WAYBILL_TYPE : HOUSE_DOCUMENT_TYPE;
}

export function houseWaybillKey(
  manifest: ManifestRecord,
  shipmentNumber: string,
  houseType: string = houseWaybillTypeOf(manifest),
): WaybillKey {
  return {
    documentNumber: shipmentNumber,
    type: houseType,
    carrierId: manifest.transport.carrier.id,
  };
}

/**
 * The transport. Its houses link to it through the master's waybill key (the path Tolletaten
 * documents field by field); a record stored before every manifest had a master lists none.
 */
export function transportContent(
  manifest: ManifestRecord,
  issuedAt: Date,
  /** What Digitoll has as scheduled arrival; before the first accepted POST, the current ETA. */
  scheduledArrival: string = manifest.scheduledArrival ?? manifest.transport.estimatedArrival,
): ReportContent<TransportRequest> {
  const { transport } = manifest;
  if (transport.mode === 'AIR') throw new Error(`Manifest ${manifest.manifestId} is an air transport`);
  const master = manifest.masterConsignment;
  const body: TransportRequest = {
    documentIssueDate: digitollInstant(issuedAt),
    activeBorderTransportMeans: {
      identificationNumber: transport.vehicleRegistration,
      typeOfIdentification: ROAD_VEHICLE_REGISTRATION,
      typeOfMeansOfTransport: transport.vehicleType ?? DEFAULT_MEANS_OF_TRANSPORT,
      countryCode: transport.vehicleCountry,
      modeOfTransportCode: MODE_ROAD,
      operator: {
        name: transport.driver.name,
        communication: [{ identifier: transport.driver.phone, type: 'TE' }],
      },
    },
    carrier: carrierParty(transport.carrier),
    customsOfficeOfFirstEntry: { referenceNumber: transport.borderCrossing },
    estimatedDateAndTimeOfArrival: digitollInstant(transport.estimatedArrival),
    // Must equal the ETA on the first POST and never change after (§4.1, §8).
    scheduledDateAndTimeOfArrival: digitollInstant(scheduledArrival),
    ...masterLink(master),
  };
  return { ...content('transport', body), scheduledArrival: body.scheduledDateAndTimeOfArrival };
}

/** The transport's link to its houses: the master's waybill key (absent on old records without one). */
export function masterLink(master: ManifestRecord['masterConsignment']) {
  return master
    ? {
        consignmentMasterLevel: [
          {
            transportDocumentMasterLevel: {
              documentNumber: master.waybill.number,
              type: master.waybill.type,
            },
          },
        ],
      }
    : {};
}

/** The transport's carrier (the haulier, or the airline) as Digitoll's party. */
export function carrierParty(carrier: ManifestRecord['transport']['carrier']) {
  return { name: carrier.name, identificationNumber: carrier.id, address: address(carrier.address) };
}

export function masterContent(
  manifest: ManifestRecord,
  issuedAt: Date,
): ReportContent<MasterConsignmentRequest> {
  const master = manifest.masterConsignment;
  const key = masterWaybillKey(manifest);
  if (!master || !key) throw new Error(`Manifest ${manifest.manifestId} has no master consignment`);
  const body: MasterConsignmentRequest = {
    documentIssueDate: digitollInstant(issuedAt),
    consignmentMasterLevel: {
      containerIndicator: 0,
      grossMass: digitollMass(master.grossMassKg),
      carrier: { identificationNumber: manifest.transport.carrier.id },
      consignor: party(master.consignor, LEGAL_PERSON),
      consignee: party(master.consignee, LEGAL_PERSON),
      transportDocumentMasterLevel: { documentNumber: master.waybill.number, type: master.waybill.type },
    },
  };
  return content('master-consignment', body, key);
}

/**
 * One house consignment per shipment: VOEC procedure, one goods item per item line (per-piece NOK
 * value and number of pieces, HS6, the seller's VOEC number with role FR5). Under a transit the
 * outgoing procedure is TRA with the transit MRN as an N820 previous document (variant 10);
 * otherwise variant 7 with `hasOutgoingProcedure: false` (it defaults to true, §4.3).
 */
export function houseContent(
  manifest: ManifestRecord,
  shipment: ShipmentRecord,
  issuedAt: Date,
  /** CL754 type of the house waybill: N730 by road, N740 by air. */
  houseType: string = HOUSE_DOCUMENT_TYPE,
): ReportContent<HouseConsignmentRequest> {
  const input = shipment.input;
  const master = manifest.masterConsignment;
  if (!master) throw new Error(`Manifest ${manifest.manifestId} has no master consignment`);
  const consigneeContacts: Communication[] = [
    ...(input.consignee.phone ? [{ identifier: input.consignee.phone, type: 'TE' }] : []),
    ...(input.consignee.email ? [{ identifier: input.consignee.email, type: 'EM' }] : []),
  ];
  const goodsItem: GoodsItem[] = input.items.map((item) => ({
    itemAmountInvoicedVOEC: { value: item.unitValueNok, numberOfItems: item.quantity },
    commodityCodeVOEC: { harmonizedSystemSubheadingCode: item.commodityCode },
    additionalFiscalReferences: { vatIdentificationNumber: shipment.voecNumber, role: VOEC_ROLE },
  }));
  const body: HouseConsignmentRequest = {
    documentIssueDate: digitollInstant(issuedAt),
    consignmentHouseLevel: {
      containerIndicator: 0,
      totalGrossMass: digitollMass(input.grossMassKg),
      numberOfPackages: input.packages,
      goodsDescription: input.goodsDescription,
      transportDocumentHouseLevel: { documentNumber: input.shipmentNumber, type: houseType },
      consignmentMasterLevel: {
        carrierIdentificationNumber: manifest.transport.carrier.id,
        transportDocumentMasterLevel: {
          documentNumber: master.waybill.number,
          type: master.waybill.type,
        },
      },
      importProcedure: manifest.transit
        ? { importProcedure: VOEC_PROCEDURE, outgoingProcedure: 'TRA', hasOutgoingProcedure: true }
        : { importProcedure: VOEC_PROCEDURE, hasOutgoingProcedure: false },
      ...(manifest.transit
        ? {
            previousDocuments: [{ typeOfReference: TRANSIT_DOCUMENT, referenceNumber: manifest.transit.mrn }],
          }
        : {}),
      consignor: party(input.consignor, LEGAL_PERSON),
      consignee: party(input.consignee, NATURAL_PERSON, consigneeContacts),
      goodsItem,
    },
  };
  return content('house-consignment', body, houseWaybillKey(manifest, input.shipmentNumber, houseType));
}

export function deleteBody(issuedAt: Date): DeleteRequest {
  return { documentIssueDate: digitollInstant(issuedAt) };
}

const PARTY_FIELDS: Record<string, string> = {
  name: 'name',
  identificationNumber: 'identificationNumber',
  typeOfPerson: 'type',
  'address.streetLine': 'address/street',
  'address.postcode': 'address/postcode',
  'address.city': 'address/city',
  'address.country': 'address/country',
  address: 'address',
};

export type Rule = [RegExp, (match: RegExpExecArray) => LocatedPath | undefined];

export const shipmentAt = (path: string): LocatedPath => ({ in: 'shipment', path });
export const manifestAt = (path: string): LocatedPath => ({ in: 'manifest', path });
const partyPath = (prefix: string, rest: string | undefined): string =>
  rest === undefined ? prefix : `${prefix}/${PARTY_FIELDS[rest] ?? rest.replaceAll('.', '/')}`;

export const HOUSE_RULES: Rule[] = [
  [/^goodsItem\[(\d+)\]\.itemAmountInvoicedVOEC\.value$/, (m) => shipmentAt(`/items/${m[1]}/unitValueNok`)],
  [
    /^goodsItem\[(\d+)\]\.itemAmountInvoicedVOEC\.numberOfItems$/,
    (m) => shipmentAt(`/items/${m[1]}/quantity`),
  ],
  [/^goodsItem\[(\d+)\]\.commodityCodeVOEC\b.*$/, (m) => shipmentAt(`/items/${m[1]}/commodityCode`)],
  [/^goodsItem\[(\d+)\]\.additionalFiscalReferences\b.*$/, () => shipmentAt('/voecNumber')],
  [/^goodsItem\[(\d+)\].*$/, (m) => shipmentAt(`/items/${m[1]}`)],
  [/^goodsItem$/, () => shipmentAt('/items')],
  [/^goodsDescription$/, () => shipmentAt('/goodsDescription')],
  [/^totalGrossMass$/, () => shipmentAt('/grossMassKg')],
  [/^numberOfPackages$/, () => shipmentAt('/packages')],
  [/^transportDocumentHouseLevel\b.*$/, () => shipmentAt('/shipmentNumber')],
  [/^consignor(?:\.(.+))?$/, (m) => shipmentAt(partyPath('/consignor', m[1]))],
  [/^consignee\.communication\b.*$/, () => shipmentAt('/consignee')],
  [/^consignee(?:\.(.+))?$/, (m) => shipmentAt(partyPath('/consignee', m[1]))],
  [/^previousDocuments\b.*$/, () => manifestAt('/transit/mrn')],
  [/^importProcedure\b.*$/, () => manifestAt('/transit')],
  [/^consignmentMasterLevel\.carrierIdentificationNumber$/, () => manifestAt('/transport/carrier/id')],
  [
    /^consignmentMasterLevel\.transportDocumentMasterLevel\b.*$/,
    () => manifestAt('/masterConsignment/waybill'),
  ],
];

export const MASTER_RULES: Rule[] = [
  [/^grossMass$/, () => manifestAt('/masterConsignment/grossMassKg')],
  [/^carrier\b.*$/, () => manifestAt('/transport/carrier/id')],
  [/^consignor(?:\.(.+))?$/, (m) => manifestAt(partyPath('/masterConsignment/consignor', m[1]))],
  [/^consignee(?:\.(.+))?$/, (m) => manifestAt(partyPath('/masterConsignment/consignee', m[1]))],
  [/^transportDocumentMasterLevel\.documentNumber$/, () => manifestAt('/masterConsignment/waybill/number')],
  [/^transportDocumentMasterLevel\.type$/, () => manifestAt('/masterConsignment/waybill/type')],
];

const TRANSPORT_RULES: Rule[] = [
  [/^activeBorderTransportMeans\.identificationNumber$/, () => manifestAt('/transport/vehicleRegistration')],
  [/^activeBorderTransportMeans\.countryCode$/, () => manifestAt('/transport/vehicleCountry')],
  [/^activeBorderTransportMeans\.typeOfMeansOfTransport$/, () => manifestAt('/transport/vehicleType')],
  [/^activeBorderTransportMeans\.operator\.name$/, () => manifestAt('/transport/driver/name')],
  [/^activeBorderTransportMeans\.operator\b.*$/, () => manifestAt('/transport/driver/phone')],
  [/^activeBorderTransportMeans\b.*$/, () => manifestAt('/transport/vehicleRegistration')],
  [/^carrier\.identificationNumber$/, () => manifestAt('/transport/carrier/id')],
  [/^carrier\.name$/, () => manifestAt('/transport/carrier/name')],
  [
    /^carrier\.address(?:\.(.+))?$/,
    (m) => manifestAt(partyPath('/transport/carrier', m[1] ? `address.${m[1]}` : 'address')),
  ],
  [/^customsOfficeOfFirstEntry\b.*$/, () => manifestAt('/transport/borderCrossing')],
  [/^(?:estimated|scheduled)DateAndTimeOfArrival$/, () => manifestAt('/transport/estimatedArrival')],
  [/^consignmentMasterLevel\b.*$/, () => manifestAt('/masterConsignment/waybill')],
];

/** Where a Digitoll error path (sync `field` or async `messageElementPath`) points in our data. */
export function locateDigitollPath(kind: MessageKind, digitollPath: string): LocatedPath | undefined {
  const [prefix, rules] =
    kind === 'house-consignment'
      ? ['consignmentHouseLevel.', HOUSE_RULES]
      : kind === 'master-consignment'
        ? ['consignmentMasterLevel.', MASTER_RULES]
        : ['transport.', TRANSPORT_RULES];
  // Paths are not consistently rooted (§7.2): accept them with or without the message's root.
  const relative = digitollPath.startsWith(prefix) ? digitollPath.slice(prefix.length) : digitollPath;
  for (const [pattern, locate] of rules) {
    const match = pattern.exec(relative);
    if (match) return locate(match);
  }
  return undefined;
}

/** The road v2 mapping, as the reporting adapter uses it (one per Digitoll movement API). */
export const ROAD_V2_MAPPING: WireMapping = {
  content(message, issuedAt) {
    switch (message.kind) {
      case 'TRANSPORT':
        return transportContent(message.manifest, issuedAt, message.scheduledArrival);
      case 'MASTER':
        return masterContent(message.manifest, issuedAt);
      case 'HOUSE':
        return houseContent(message.manifest, message.shipment, issuedAt);
    }
  },
  deleteBody,
  locate: locateDigitollPath,
};
