/**
 * Digitoll road v2 messages and responses as zod schemas (`shared/reference/digitoll-road-v2.md`).
 *
 * Requests (§3, §4, §12): Transport, MasterConsignment, HouseConsignment. Lengths follow the §3/§4 tables.
 * Validation messages are the bean-validation texts Digitoll answers with on a synchronous 400 (§7.1), so the
 * simulator turns a zod issue into `{ field, error }` as is, and our client can pre-check a message and get
 * exactly the error Digitoll would give. Code-list membership (CL750, CL754, ...) is NOT checked here:
 * Digitoll checks it asynchronously (A1) — only the Java-enum-like fields (`importProcedure`,
 * `typeOfExport`) are enums at this level ([INF] which fields are enums is not documented).
 *
 * Responses (§2.5, §7, §10, §12.4): lenient (`looseObject`, plain strings for codes) because our client
 * validates what Digitoll sends with them: an unknown extra field or a new reason code must not break us.
 *
 * Unknown request fields are stripped (Spring Boot's Jackson ignores unknown properties).
 */
import { z } from 'zod';
import { EXPORT_TYPES, IMPORT_PROCEDURES, INCOMPLETE_DOCUMENTATION_REASONS } from './codes.ts';
import {
  SYNC_INVALID_DATE,
  SYNC_INVALID_INSTANT,
  SYNC_NEGATIVE,
  SYNC_NOT_A_BOOLEAN,
  SYNC_NOT_A_NUMBER,
  SYNC_NOT_A_STRING,
  SYNC_NOT_AN_ARRAY,
  SYNC_NOT_AN_OBJECT,
  SYNC_NOT_BLANK,
  SYNC_NOT_NULL,
  SYNC_SIZE_UNBOUNDED_MAX,
  syncAtLeastOneOf,
  syncDigits,
  syncMustBeOneOf,
  syncSize,
} from './errors.ts';

// ---------------------------------------------------------------------------------------------------------
// Building blocks with §7.1 messages
// ---------------------------------------------------------------------------------------------------------

const missingOr =
  (missing: string, wrongType: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined || issue.input === null ? missing : wrongType;

/** A string of `min..max` characters; required strings answer `must not be blank` when missing or empty. */
export const str = (min: number, max: number) =>
  z
    .string({ error: missingOr(SYNC_NOT_BLANK, SYNC_NOT_A_STRING) })
    .refine((value) => value.trim() !== '', { message: SYNC_NOT_BLANK, abort: true })
    .min(min, { message: syncSize(min, max) })
    .max(max, { message: syncSize(min, max) });

/** A required string without a documented length (only `must not be blank`). */
const code = () =>
  z
    .string({ error: missingOr(SYNC_NOT_BLANK, SYNC_NOT_A_STRING) })
    .refine((value) => value.trim() !== '', { message: SYNC_NOT_BLANK });

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** True for a real calendar instant written exactly `yyyy-MM-ddTHH:mm:ssZ` (§3). */
export function isDigitollInstant(value: string): boolean {
  const m = INSTANT.exec(value);
  if (!m) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

/** ISO-8601 UTC instant, `yyyy-MM-ddTHH:mm:ssZ` only (§3). */
export const Instant = z
  .string({ error: missingOr(SYNC_NOT_NULL, SYNC_INVALID_INSTANT) })
  .refine(isDigitollInstant, { message: SYNC_INVALID_INSTANT })
  .describe('ISO-8601 UTC instant yyyy-MM-ddTHH:mm:ssZ');

/** Date-only `YYYY-MM-DD` (§3, `declarationDate`). */
export const LocalDate = z
  .string({ error: missingOr(SYNC_NOT_NULL, SYNC_INVALID_DATE) })
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value,
    { message: SYNC_INVALID_DATE },
  );

function digitsOk(value: number, integer: number, fraction: number): boolean {
  if (!Number.isFinite(value)) return false;
  const text = String(Math.abs(value));
  const exp = /^(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(text);
  if (exp) {
    const [, , mantissaFrac = '', sign, power = '0'] = exp;
    // >= 1e21 has at least 22 integer digits; < 1e-6 has at least 7 fraction digits.
    return sign === '+' ? Number(power) + 1 <= integer : Number(power) + mantissaFrac.length <= fraction;
  }
  const [intPart = '', fracPart = ''] = text.split('.');
  return intPart.replace(/^0+/, '').length <= integer && fracPart.length <= fraction;
}

/**
 * A number with `@Digits(integer, fraction)`; `fraction = 0` means integer only. The digit bounds of the
 * numeric fields are not documented: [INF] masses 16.6, amounts 16.2, counts 8.0, codes 1.0.
 */
export const num = (integer: number, fraction: number) =>
  z
    .number({ error: missingOr(SYNC_NOT_NULL, SYNC_NOT_A_NUMBER) })
    .refine((value) => digitsOk(value, integer, fraction), {
      message: syncDigits(integer, fraction),
      abort: true,
    })
    .refine((value) => value >= 0, { message: SYNC_NEGATIVE });

const bool = () => z.boolean({ error: missingOr(SYNC_NOT_NULL, SYNC_NOT_A_BOOLEAN) });

const obj = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.object(shape, { error: missingOr(SYNC_NOT_NULL, SYNC_NOT_AN_OBJECT) });

const arr = <T extends z.ZodType>(item: T, min = 0, max = SYNC_SIZE_UNBOUNDED_MAX) => {
  const base = z.array(item, { error: missingOr(SYNC_NOT_NULL, SYNC_NOT_AN_ARRAY) });
  const sized = min > 0 ? base.min(min, { message: syncSize(min, max) }) : base;
  return max < SYNC_SIZE_UNBOUNDED_MAX ? sized.max(max, { message: syncSize(min, max) }) : sized;
};

const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: missingOr(SYNC_NOT_NULL, syncMustBeOneOf(values)) });

// ---------------------------------------------------------------------------------------------------------
// §3 common data types
// ---------------------------------------------------------------------------------------------------------

/** Communication (array element): `identifier` 1..512 (email or phone), `type` 1..3 (CL707 EM/TE). */
export const Communication = obj({ identifier: str(1, 512), type: str(1, 3) });
export type Communication = z.infer<typeof Communication>;

const addressShape = {
  city: str(1, 35),
  country: str(2, 2),
  subDivision: str(1, 35).optional(),
  postcode: str(1, 17).optional(),
  streetLine: str(1, 70).optional(),
  streetAdditionalLine: str(1, 70).optional(),
  number: str(1, 35).optional(),
  poBox: str(1, 70).optional(),
};

/** Address for representative/carrier (postcode optional). */
export const Address = obj(addressShape);
export type Address = z.infer<typeof Address>;

/** Address for consignor/consignee: postcode required, and streetLine or poBox (§3). */
export const PartyAddress = obj({ ...addressShape, postcode: str(1, 17) }).superRefine((address, ctx) => {
  if (address.streetLine === undefined && address.poBox === undefined) {
    ctx.addIssue({ code: 'custom', message: syncAtLeastOneOf(['streetLine', 'poBox']) });
  }
});
export type PartyAddress = z.infer<typeof PartyAddress>;

/** Party with person type (consignor/consignee). `typeOfPerson` CL729 1/2/3 (code checked async, A1). */
export const Party = obj({
  name: str(1, 70),
  identificationNumber: str(1, 17).optional(),
  typeOfPerson: num(1, 0),
  address: PartyAddress,
  communication: arr(Communication).optional(),
});
export type Party = z.infer<typeof Party>;

/** Representative (optional on all three messages). */
export const Representative = obj({
  name: str(1, 70),
  identificationNumber: str(1, 17),
  address: Address,
  communication: arr(Communication),
});
export type Representative = z.infer<typeof Representative>;

/** The master's representative may ask for release confirmations (up to 3 e-mail addresses). */
export const MasterRepresentative = obj({
  ...Representative.shape,
  releasedConfirmation: arr(obj({ emailAddress: str(1, 512) }), 0, 3).optional(),
});
export type MasterRepresentative = z.infer<typeof MasterRepresentative>;

/** Transport document key (waybill): `documentNumber` 1..70, `type` 4..4 (CL754). */
export const TransportDocument = obj({ documentNumber: str(1, 70), type: str(4, 4) });
export type TransportDocument = z.infer<typeof TransportDocument>;

export const TransportEquipment = obj({
  containerSizeAndType: str(1, 2),
  containerPackedStatus: str(1, 1),
  containerSupplierType: str(1, 1),
  containerIdentificationNumber: str(1, 17),
});
export type TransportEquipment = z.infer<typeof TransportEquipment>;

/** Place: if neither address nor location is given, unloCode is required (async A9). */
export const Place = obj({
  location: str(1, 35).optional(),
  unloCode: str(1, 17).optional(),
  address: obj({ country: str(2, 2) }).optional(),
});
export type Place = z.infer<typeof Place>;

/** Root fields every request schema carries as optional; set by Customs, clients should leave them out. */
const rootRefs = {
  requestId: z.string().optional(),
  userId: z.string().optional(),
  mrn: z.string().optional(),
};

// ---------------------------------------------------------------------------------------------------------
// §4.1 Transport
// ---------------------------------------------------------------------------------------------------------

export const TransportMasterRef = obj({
  transportDocumentMasterLevel: TransportDocument,
});
export type TransportMasterRef = z.infer<typeof TransportMasterRef>;

const transportShape = {
  ...rootRefs,
  documentIssueDate: Instant,
  representative: Representative.optional(),
  activeBorderTransportMeans: obj({
    identificationNumber: str(1, 35),
    typeOfIdentification: code(),
    typeOfMeansOfTransport: str(1, 4),
    conveyanceReferenceNumber: str(1, 17).optional(),
    countryCode: str(2, 2),
    modeOfTransportCode: code(),
    operator: obj({
      name: str(1, 70),
      communication: arr(Communication, 1),
    }),
  }),
  carrier: obj({
    name: str(1, 70),
    identificationNumber: str(1, 17),
    address: Address,
    communication: arr(Communication).optional(),
  }),
  customsOfficeOfFirstEntry: obj({ referenceNumber: str(8, 8) }),
  estimatedDateAndTimeOfArrival: Instant,
  scheduledDateAndTimeOfArrival: Instant,
  consignmentMasterLevel: arr(TransportMasterRef).optional(),
};

/** Transport request body (POST/PUT `/api/movement/road/v2/transport`). */
export const TransportRequest = obj(transportShape);
export type TransportRequest = z.infer<typeof TransportRequest>;

/**
 * The air API's transport: the road shape, except that the operator (road: the driver) may be left out
 * [INF]. A flight's crew is not what a cargo manifest knows, and the pages state nothing about an
 * operator of an aircraft; the generic data sheet's "operator" is described as the driver.
 */
const airTransportShape = {
  ...transportShape,
  activeBorderTransportMeans: obj({
    ...transportShape.activeBorderTransportMeans.shape,
    operator: transportShape.activeBorderTransportMeans.shape.operator.optional(),
  }),
};
export const AirTransportRequestShape = obj(airTransportShape);
export type AirTransportRequestShape = z.infer<typeof AirTransportRequestShape>;

/**
 * What the simulator checks synchronously for a transport: ETA and scheduled time are left to the async
 * checks T1/T3, which only make sense if the service does not reject their absence synchronously ([INF]).
 */
export const TransportRequestLenient = obj({
  ...transportShape,
  estimatedDateAndTimeOfArrival: Instant.optional(),
  scheduledDateAndTimeOfArrival: Instant.optional(),
});

/** The air API's transport as the simulator checks it synchronously (see `TransportRequestLenient`). */
export const AirTransportRequestLenient = obj({
  ...airTransportShape,
  estimatedDateAndTimeOfArrival: Instant.optional(),
  scheduledDateAndTimeOfArrival: Instant.optional(),
});

// ---------------------------------------------------------------------------------------------------------
// §4.2 Master consignment
// ---------------------------------------------------------------------------------------------------------

export const MasterConsignmentRequest = obj({
  ...rootRefs,
  documentIssueDate: Instant,
  representative: MasterRepresentative.optional(),
  consignmentMasterLevel: obj({
    containerIndicator: num(1, 0),
    grossMass: num(16, 6),
    carrier: obj({ identificationNumber: str(1, 17) }),
    consignee: Party,
    consignor: Party,
    transportDocumentMasterLevel: TransportDocument,
    transportEquipment: arr(TransportEquipment).optional(),
    /** Postal only: receptacle keys. */
    consignmentHouseLevel: arr(
      obj({ receptacle: arr(obj({ receptacleIdentificationNumber: str(1, 35) })).optional() }),
    ).optional(),
    placeOfLoading: Place.optional(),
    placeOfUnloading: Place.optional(),
    placeOfDelivery: Place.optional(),
  }),
});
export type MasterConsignmentRequest = z.infer<typeof MasterConsignmentRequest>;

// ---------------------------------------------------------------------------------------------------------
// §4.3 / §5 House consignment
// ---------------------------------------------------------------------------------------------------------

/** VOEC goods item (§5 point 3). `value` is NOK per piece excl. VAT, freight and insurance. */
export const GoodsItem = obj({
  itemAmountInvoicedVOEC: obj({ value: num(16, 2), numberOfItems: num(8, 0) }),
  commodityCodeVOEC: obj({ harmonizedSystemSubheadingCode: str(6, 6) }),
  additionalFiscalReferences: obj({ vatIdentificationNumber: str(1, 17), role: str(1, 3) }),
});
export type GoodsItem = z.infer<typeof GoodsItem>;

export const ImportProcedure = obj({
  importProcedure: enumOf(IMPORT_PROCEDURES).optional(),
  outgoingProcedure: str(1, 35).optional(),
  /** Defaults to `true` when omitted (§4.3): send `false` explicitly for VOEC variant 7. */
  hasOutgoingProcedure: bool().optional(),
});
export type ImportProcedure = z.infer<typeof ImportProcedure>;

export const PreviousDocument = obj({
  referenceNumber: str(1, 70).optional(),
  typeOfReference: str(4, 4),
  declarantNumber: str(9, 11).optional(),
  declarationDate: LocalDate.optional(),
  sequenceNumber: str(1, 6).optional(),
});
export type PreviousDocument = z.infer<typeof PreviousDocument>;

export const ExportFromEU = obj({ exportId: str(1, 35), typeOfExport: enumOf(EXPORT_TYPES) });
export type ExportFromEU = z.infer<typeof ExportFromEU>;

export const HouseMasterRef = obj({
  carrierIdentificationNumber: str(1, 17),
  transportDocumentMasterLevel: TransportDocument,
});
export type HouseMasterRef = z.infer<typeof HouseMasterRef>;

export const HouseConsignmentRequest = obj({
  ...rootRefs,
  documentIssueDate: Instant,
  representative: Representative.optional(),
  consignmentHouseLevel: obj({
    receptacleIdentificationNumber: str(1, 35).optional(),
    containerIndicator: num(1, 0),
    totalGrossMass: num(16, 6),
    numberOfPackages: num(8, 0),
    goodsDescription: str(1, 512),
    transportDocumentHouseLevel: TransportDocument,
    consignmentMasterLevel: HouseMasterRef.optional(),
    importProcedure: ImportProcedure.optional(),
    previousDocuments: arr(PreviousDocument).optional(),
    exportFromEU: arr(ExportFromEU).optional(),
    consignor: Party,
    consignee: Party,
    placeOfAcceptance: Place.optional(),
    placeOfDelivery: Place.optional(),
    goodsItem: arr(GoodsItem).optional(),
    transportEquipment: arr(TransportEquipment).optional(),
  }),
});
export type HouseConsignmentRequest = z.infer<typeof HouseConsignmentRequest>;

/** [INF] optional DELETE body (§2.2 note): at least `documentIssueDate`. A DELETE without body is accepted too. */
export const DeleteRequest = obj({ ...rootRefs, documentIssueDate: Instant.optional() });
export type DeleteRequest = z.infer<typeof DeleteRequest>;

export const MESSAGE_KINDS = ['transport', 'master-consignment', 'house-consignment'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The key of a master or house at Digitoll (its transport document and the carrier), for lookups (§2.3). */
export interface WaybillKey {
  documentNumber: string;
  type: string;
  carrierId: string;
}

export const REQUEST_SCHEMAS = {
  transport: TransportRequest,
  'master-consignment': MasterConsignmentRequest,
  'house-consignment': HouseConsignmentRequest,
} as const;

// ---------------------------------------------------------------------------------------------------------
// Responses (§2.5, §7, §12.4)
// ---------------------------------------------------------------------------------------------------------

/** 202 body of POST/PUT/DELETE. */
export const SubmissionAccepted = z.looseObject({ requestId: z.guid() });
export type SubmissionAccepted = z.infer<typeof SubmissionAccepted>;

/** Sync 400 body (§7.1). */
export const SyncValidationError = z.looseObject({ field: z.string(), error: z.string() });
export const SyncValidationErrorBody = z.looseObject({ validationErrors: z.array(SyncValidationError) });
export type SyncValidationErrorBody = z.infer<typeof SyncValidationErrorBody>;

export const AsyncValidationError = z.looseObject({
  description: z.string(),
  pointer: z.looseObject({ messageElementPath: z.string() }),
});
export type AsyncValidationError = z.infer<typeof AsyncValidationError>;

export const DocumentStatus = z.enum(['SUCCESS', 'INCOMPLETE']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;
export const IncompleteDocumentationReason = z.enum(INCOMPLETE_DOCUMENTATION_REASONS);
export type IncompleteDocumentationReason = z.infer<typeof IncompleteDocumentationReason>;

/**
 * validation-status body (§2.5, §7.2, §12.4). HTTP 200 or 202 (the docs disagree, §14.3): accept both.
 * The MRN field name is [INF]/[3P] `mrn`; v1 used `masterReferenceNumber`. Reason codes are kept as plain
 * strings so a new code does not break parsing (compare with `IncompleteDocumentationReason`).
 */
export const ValidationStatus = z.looseObject({
  status: z.enum(['SUCCESS', 'FAILURE']),
  requestId: z.string(),
  notificationDate: z.string(),
  mrn: z.string().optional(),
  masterReferenceNumber: z.string().optional(),
  validationErrorList: z.array(AsyncValidationError).default([]),
  documentStatus: z.string().optional(),
  incompleteDocumentationReasonList: z.array(z.string()).optional(),
});
export type ValidationStatus = z.infer<typeof ValidationStatus>;

/** The MRN of a validation-status body, whichever field carries it. */
export const mrnOf = (status: ValidationStatus): string | undefined =>
  status.mrn ?? status.masterReferenceNumber;

/**
 * Document status of one transport document (§7.3), as returned by the `transport-document/status` lookups.
 * `documentNumber`, `type`, `documentStatus`, `incompleteDocumentationReasonList` are documented; the
 * `mrn`, `masterReferenceNumber`, `carrierId` and `messageStatus` fields are [INF] (the simulator adds them).
 */
export const TransportDocumentStatus = z.looseObject({
  documentNumber: z.string(),
  type: z.string(),
  documentStatus: z.string().optional(),
  incompleteDocumentationReasonList: z.array(z.string()).default([]),
  mrn: z.string().optional(),
  masterReferenceNumber: z.string().optional(),
  carrierId: z.string().optional(),
  messageStatus: z.string().optional(),
});
export type TransportDocumentStatus = z.infer<typeof TransportDocumentStatus>;

/** OAuth2 token response (Maskinporten §10 step 1, Customs token exchange step 2). */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number(),
  issued_token_type: z.string().optional(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const OAuthErrorBody = z.looseObject({ error: z.string(), error_description: z.string().optional() });
export type OAuthErrorBody = z.infer<typeof OAuthErrorBody>;
