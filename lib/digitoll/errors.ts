/**
 * Digitoll road v2 error texts, shared by the simulator and our Digitoll client so both match on
 * the very same strings. Source: `shared/reference/digitoll-road-v2.md` §7.1 (synchronous, bean-validation
 * style) and §7.2 (asynchronous `validationErrorList[].description`). Digitoll has no numeric error codes:
 * an error is identified by its description text and its `pointer.messageElementPath`.
 *
 * Entries marked [INF] are NOT documented by Tolletaten; the simulator uses them for cases the docs leave
 * open. A client must never rely on an [INF] text when talking to the real service.
 */

// ---------------------------------------------------------------------------------------------------------
// §7.1 synchronous (HTTP 400 `{ validationErrors: [{ field, error }] }`)
// ---------------------------------------------------------------------------------------------------------

export const SYNC_NOT_NULL = 'must not be null';
export const SYNC_NOT_BLANK = 'must not be blank';
export const SYNC_INVALID_INSTANT = 'invalid ISO-8601 instant in UTC (yyyy-MM-ddTHH:mm:ssZ)';
/** `size must be between <min> and <max>` (strings and arrays). */
export const syncSize = (min: number, max: number): string => `size must be between ${min} and ${max}`;
/** Bean validation's unbounded maximum, used by `@Size(min = 1)` on arrays. [INF] that arrays use it. */
export const SYNC_SIZE_UNBOUNDED_MAX = 2_147_483_647;
/** `numeric value out of bounds (<I digits>.<F digits> expected)`; F = 0 means integer only. */
export const syncDigits = (integer: number, fraction: number): string =>
  `numeric value out of bounds (<${integer} digits>.<${fraction} digits> expected)`;
/** `At least one of the following fields should be non null: [a, b]` */
export const syncAtLeastOneOf = (fields: readonly string[]): string =>
  `At least one of the following fields should be non null: [${fields.join(', ')}]`;
/** `Must be one of [v1, v2]` */
export const syncMustBeOneOf = (values: readonly (string | number)[]): string =>
  `Must be one of [${values.join(', ')}]`;

// [INF] undocumented synchronous texts (Jackson / bean-validation defaults are a guess).
export const SYNC_NOT_A_STRING = 'must be a string'; // [INF]
export const SYNC_NOT_A_NUMBER = 'must be a number'; // [INF]
export const SYNC_NOT_A_BOOLEAN = 'must be a boolean'; // [INF]
export const SYNC_NOT_AN_OBJECT = 'must be an object'; // [INF]
export const SYNC_NOT_AN_ARRAY = 'must be an array'; // [INF]
export const SYNC_NEGATIVE = 'must be greater than or equal to 0'; // [INF] bean @PositiveOrZero default text
export const SYNC_INVALID_DATE = 'invalid ISO-8601 date (yyyy-MM-dd)'; // [INF] for `declarationDate`
export const SYNC_MALFORMED_JSON = 'malformed JSON request body'; // [INF] field is '' (root)

// ---------------------------------------------------------------------------------------------------------
// §7.2 asynchronous (validation-status `validationErrorList[].description`)
// ---------------------------------------------------------------------------------------------------------

/** A1 — the docs print `[..]`; the simulator fills in the code list, e.g. `[EM, TE]`. */
export const A1_INVALID_CODE_PREFIX = 'Invalid code. Expected codes are one of ';
export const a1InvalidCode = (codes: readonly (string | number)[]): string =>
  `${A1_INVALID_CODE_PREFIX}[${codes.join(', ')}]`;
export const A2_COUNTRY_INVALID = 'Country is invalid';
export const a3InvalidExportMrn = (typeOfExport: string): string =>
  `Invalid MRN format for export of type ${typeOfExport}`;
export const A4_AES_EXPORT_NOT_FOUND = 'Export of type AES_EXPORT is not found or has wrong status in AES.';
export const A5_EIDR_EXPORT_NOT_FOUND = 'Export of type EIDR_EXPORT is not found or has wrong status in AES.';
/** A6 — `${outgoingProcedureCodes}` rendered as `[TRA, EXP, TRE]` [INF rendering]. */
export const a6OutgoingProcedure = (codes: readonly string[]): string =>
  `When field is provided, it has to be one of [${codes.join(', ')}]`;
export const A7_INVALID_UNLOCODE = 'Invalid code. Expected valid UNLOCODE';
export const A8_EXPORT_WITH_TRA =
  'Field cannot have values when consignmentHouseLevel.importProcedure.outgoingProcedure is TRA';
export const A9_UNLOCODE_REQUIRED = 'If location AND address is not provided, then unloCode is required';
export const A10_N820_WRONG_STATE =
  'Document with typeOfReference N820 contains a referenceNumber in wrong state';
export const A11_VOEC_VALUE_LIMIT =
  'When item value exceeds NOK 3000, a regular import declaration has to be submitted';
export const A12_UNKNOWN_VOEC_NUMBER = 'Unknown vatIdentificationNumber';
export const A13_GOODS_ITEM_NOT_VOEC =
  'If consignmentHouseLevel.importProcedure.importProcedure is not IMMEDIATE_RELEASE_VOEC, it should not be provided.';
export const A14_INVALID_CUSTOMS_OFFICE = 'Must be a valid customs office';
export const a15FieldNotAllowed = (importProcedure: string): string =>
  `Field cannot be filled out when consignmentHouseLevel.importProcedure is ${importProcedure}`;
export const A16_N820_WITH_EXP =
  'Field cannot have value N820 out when consignmentHouseLevel.outgoingProcedure is EXP';
export const A17_REQUIRED_FOR_CUDE = 'Required field when typeReference is CUDE';
export const A18_IMPORT_PROCEDURE_REQUIRED =
  'importProcedure is required when any consignmentHouseLevel.previousDocuments[] is provided';
export const A19_ONE_CUDE_ONLY = 'PreviousDocuments can only contain one document of type CUDE';
export const A20_REFERENCE_REQUIRED = 'Field should have value unless typeOfReference is CUDE';
export const a21DuplicatePreviousDocument = (referenceNumber: string): string =>
  `Duplicate PreviousDocuments with referenceNumber: ${referenceNumber}`;
export const a23DuplicateExport = (exportId: string): string =>
  `Duplicate ExportFromEU with exportId: ${exportId}`;

// Transport-level async errors (2025-03 page, [OLD] in the reference; assumed to still apply).
export const T1_SCHEDULED_MISSING = 'scheduledDateAndTimeOfArrival should be present';
export const T2_SCHEDULED_TOO_FAR =
  'scheduledDateAndTimeOfArrival cannot be more than one year into the future';
export const T3_ETA_MISSING = 'estimatedDateAndTimeOfArrival should be present';
export const T4_ETA_PASSED = 'estimatedDateAndTimeOfArrival has already passed';
export const T5_ETA_TOO_FAR = 'estimatedDateAndTimeOfArrival cannot be more than one year into the future';
export const t6FieldNotAllowed = (modeOfTransportCode: string): string =>
  `transport.activeBorderTransportMeans.modeOfTransportCode is ${modeOfTransportCode}, then this field should not be provided`;
export const t7FieldMustHave = (modeOfTransportCode: string, required: string): string =>
  `transport.activeBorderTransportMeans.modeOfTransportCode is ${modeOfTransportCode}, then this field should have value ${required}`;
export const T8_VEHICLE_NOT_FOUND =
  'Could not find identificationNumber in Norwegian Public Roads Administration’s register of motor vehicles';
export const H1_DECLARATION_NOT_VALID = 'Customs declaration is not valid';
export const H2_DECLARATION_WRONG_STATE = 'Customs declaration is in wrong state';

// ---------------------------------------------------------------------------------------------------------
// [INF] async texts for cases the docs require but do not word. Simulator-only; the real service's
// wording is unknown, so a client must treat them as "some FAILURE" and keep the text verbatim.
// ---------------------------------------------------------------------------------------------------------

/** [INF] A linked message (same transport-document key) names a different carrier (§4.4). */
export const INF_CARRIER_MISMATCH =
  'carrier identificationNumber does not match the carrier of the linked message with the same transport document key';
/** [INF] PUT changed a field that §4.5 declares immutable. */
export const INF_IMMUTABLE_FIELD_CHANGED = 'Field cannot be changed after the first submission';
/** [INF] PUT/DELETE addressed an MRN that does not exist for that message type. */
export const INF_UNKNOWN_MRN = 'No message of this type exists with the given MRN';
/** [INF] PUT/DELETE addressed an MRN whose message is already cancelled. */
export const INF_MRN_CANCELLED = 'The message with the given MRN is cancelled';
/** [INF] `hasOutgoingProcedure` is true (or omitted: it defaults to true) but no `outgoingProcedure` is given (§4.3). */
export const INF_OUTGOING_PROCEDURE_REQUIRED = 'Required field when hasOutgoingProcedure is true';
/** [INF] `hasOutgoingProcedure` is false but an `outgoingProcedure` is given (§4.3). */
export const INF_OUTGOING_PROCEDURE_NOT_ALLOWED =
  'Field cannot be filled out when hasOutgoingProcedure is false';

/** Every fixed (non-parameterised) async text, for lookups and exhaustive tests. */
export const ASYNC_ERROR_TEXTS = {
  A2: A2_COUNTRY_INVALID,
  A4: A4_AES_EXPORT_NOT_FOUND,
  A5: A5_EIDR_EXPORT_NOT_FOUND,
  A7: A7_INVALID_UNLOCODE,
  A8: A8_EXPORT_WITH_TRA,
  A9: A9_UNLOCODE_REQUIRED,
  A10: A10_N820_WRONG_STATE,
  A11: A11_VOEC_VALUE_LIMIT,
  A12: A12_UNKNOWN_VOEC_NUMBER,
  A13: A13_GOODS_ITEM_NOT_VOEC,
  A14: A14_INVALID_CUSTOMS_OFFICE,
  A16: A16_N820_WITH_EXP,
  A17: A17_REQUIRED_FOR_CUDE,
  A18: A18_IMPORT_PROCEDURE_REQUIRED,
  A19: A19_ONE_CUDE_ONLY,
  A20: A20_REFERENCE_REQUIRED,
  T1: T1_SCHEDULED_MISSING,
  T2: T2_SCHEDULED_TOO_FAR,
  T3: T3_ETA_MISSING,
  T4: T4_ETA_PASSED,
  T5: T5_ETA_TOO_FAR,
  T8: T8_VEHICLE_NOT_FOUND,
  H1: H1_DECLARATION_NOT_VALID,
  H2: H2_DECLARATION_WRONG_STATE,
  INF_CARRIER_MISMATCH,
  INF_IMMUTABLE_FIELD_CHANGED,
  INF_UNKNOWN_MRN,
  INF_MRN_CANCELLED,
  INF_OUTGOING_PROCEDURE_REQUIRED,
  INF_OUTGOING_PROCEDURE_NOT_ALLOWED,
} as const;

// ---------------------------------------------------------------------------------------------------------
// [INF] Air API (movement-air-api v1) and routing texts. The pages state the air rules (mode 4, the flight
// number in conveyanceReferenceNumber, VOEC variant 7) but no error texts for them; these follow the
// documented texts' patterns (T6/T7, A15) and are simulator-only like the other INF_ texts.
// ---------------------------------------------------------------------------------------------------------

/** [INF] The counterpart of T6 for air: with mode 4 the flight number (`conveyanceReferenceNumber`) is required. */
export const infFieldRequiredForMode = (modeOfTransportCode: string): string =>
  `transport.activeBorderTransportMeans.modeOfTransportCode is ${modeOfTransportCode}, then this field should be provided`;
/** [INF] `conveyanceReferenceNumber` is not an IATA flight number (no format is documented). */
export const INF_INVALID_FLIGHT_NUMBER =
  'Invalid flight number. Expected an IATA airline designator (2 characters) followed by 1 to 4 digits and an optional letter';
/** [INF] A field that the procedure variant fixes to one value has another (e.g. hasOutgoingProcedure on VOEC by air). */
export const infFieldMustHaveValueFor = (value: string, importProcedure: string): string =>
  `Field should have value ${value} when consignmentHouseLevel.importProcedure is ${importProcedure}`;
/** [INF] Routing API: a `marker` that is no routingResult.id the caller has received (400, field `marker`). */
export const INF_UNKNOWN_ROUTING_MARKER = 'marker does not refer to a routing result available to the caller';
