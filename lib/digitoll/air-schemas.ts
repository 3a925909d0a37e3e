/**
 * Digitoll air API (movement-air-api v1 + movement-air-query-api): paths, the air-only rules and the request
 * schemas (`shared/reference/tolletaten/prosedyre-mo-fly-EN.txt`, `mo-kodeverk-EN.txt`,
 * `kobling-oppdatering-og-sletting-EN.txt`).
 *
 * The air messages have the road shapes [INF]: Tolletaten's only field-level data sheet (mo-datakrav) is
 * generic across modes and was linked from the air page too, and `conveyanceReferenceNumber` is in the
 * common transport model as "flights only". So the air request schemas are the road ones plus the rules the
 * pages give for air, and the responses (202 `{requestId}`, validation-status, document status) are the road
 * response schemas in `./schemas.ts`.
 *
 * The air rules are one function per message (`airTransportErrors`, `voecAirHouseErrors`) returning
 * Digitoll-style async errors: the simulator reports them from validation-status, and the schemas below run
 * the same functions so our client can check a body before sending it and get the same texts.
 */
import type { z } from 'zod';
import {
  CL141_AIRPORT_CUSTOMS_OFFICES,
  MODE_OF_TRANSPORT_AIR,
  TYPE_OF_IDENTIFICATION_AIRCRAFT,
} from './codes.ts';
import {
  A14_INVALID_CUSTOMS_OFFICE,
  a1InvalidCode,
  a15FieldNotAllowed,
  INF_INVALID_FLIGHT_NUMBER,
  infFieldMustHaveValueFor,
  infFieldRequiredForMode,
  t7FieldMustHave,
} from './errors.ts';
import { AirTransportRequestShape, HouseConsignmentRequest, MasterConsignmentRequest } from './schemas.ts';

/** POST/PUT/DELETE base [DOC prosedyre-mo-fly]: `/transport`, `/master-consignment`, `/house-consignment`. */
export const AIR_SUBMISSION_BASE_PATH = '/api/movement/air/v1';
/**
 * Query base. `<base>/<type>/validation-status/{requestId}` is [DOC]; the lookups under it mirror the road
 * query API's paths (`/transport/{mrn}/status-with-descendants`, the `transport-document/status` lookups by
 * MRN or by waybill key `?documentNumber=&type=&carrierId=`) [INF]: the page names movement-air-query-api
 * but lists no query paths.
 */
export const AIR_STATUS_BASE_PATH = '/api/movement/air/status/v1';
/** Key lookups (by `documentNumber`, `type`, `carrierId`) of the air query API [INF paths]. */
export const AIR_LOOKUP_PATHS = {
  'master-consignment': `${AIR_STATUS_BASE_PATH}/master-consignment/transport-document/status`,
  'house-consignment': `${AIR_STATUS_BASE_PATH}/house-consignment/transport-document/status`,
} as const;

/**
 * An IATA flight number: 2-character airline designator (letters, or a letter and a digit), 1–4 digits and
 * an optional letter suffix, without spaces (`SK4321`, `EX0836`, `U21234A`). That the field carries the
 * flight number is [DOC] (kobling: "route number (conveyanceReferenceNumber) (only for flights)"); the
 * format is IATA's, and that Digitoll checks it is [INF].
 */
const IATA_FLIGHT_NUMBER = /^(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?$/;
export const isIataFlightNumber = (value: string): boolean => IATA_FLIGHT_NUMBER.test(value);

/** One air-rule violation: the async error Digitoll (the simulator) reports, and where it is in the body. */
export interface AirRuleError {
  description: string;
  /** The async `pointer.messageElementPath`, rooted like the documented errors of the same family. */
  messageElementPath: string;
  /** The field's path in the request body (for zod). */
  path: string[];
}

const ruleError = (description: string, messageElementPath: string): AirRuleError => ({
  description,
  messageElementPath,
  path: messageElementPath.replace(/^transport\./, '').split('.'),
});

/**
 * The transport rules of the air API:
 * - `modeOfTransportCode` must be `4`: A1 with the list `[4]` [INF: that the air API's list is {4}];
 * - with mode 4, `typeOfIdentification` must be `41` (T7's text, documented for road/rail, applied to air
 *   [INF]), and `conveyanceReferenceNumber` must hold an IATA flight number (required [INF], T6's
 *   counterpart text [INF]);
 * - `customsOfficeOfFirstEntry` must be an airport office of CL141: A14's documented text [INF that the air
 *   API validates against the airport subset and answers with A14].
 * The scheduled arrival (the flight's scheduled in-block time [INF]; vei-fly calls it the "scheduled landing
 * time") is immutable on PUT like road's [DOC kobling]: that check is the road one.
 */
export function airTransportErrors(
  body: Pick<AirTransportRequestShape, 'activeBorderTransportMeans' | 'customsOfficeOfFirstEntry'>,
): AirRuleError[] {
  const errors: AirRuleError[] = [];
  const means = body.activeBorderTransportMeans;
  const mode = means.modeOfTransportCode;
  if (mode !== MODE_OF_TRANSPORT_AIR) {
    errors.push(
      ruleError(a1InvalidCode([MODE_OF_TRANSPORT_AIR]), 'activeBorderTransportMeans.modeOfTransportCode'),
    );
  } else {
    if (means.typeOfIdentification !== TYPE_OF_IDENTIFICATION_AIRCRAFT) {
      errors.push(
        ruleError(
          t7FieldMustHave(mode, TYPE_OF_IDENTIFICATION_AIRCRAFT),
          'transport.activeBorderTransportMeans.typeOfIdentification',
        ),
      );
    }
    const flight = means.conveyanceReferenceNumber;
    const at = 'transport.activeBorderTransportMeans.conveyanceReferenceNumber';
    if (flight === undefined) errors.push(ruleError(infFieldRequiredForMode(mode), at));
    else if (!isIataFlightNumber(flight)) errors.push(ruleError(INF_INVALID_FLIGHT_NUMBER, at));
  }
  const office = body.customsOfficeOfFirstEntry.referenceNumber;
  if (!(CL141_AIRPORT_CUSTOMS_OFFICES as readonly string[]).includes(office)) {
    errors.push(ruleError(A14_INVALID_CUSTOMS_OFFICE, 'customsOfficeOfFirstEntry.referenceNumber'));
  }
  return errors;
}

type HouseLevel = HouseConsignmentRequest['consignmentHouseLevel'];

/**
 * VOEC by air is variant 7 only [DOC prosedyre-mo-fly]: `IMMEDIATE_RELEASE_VOEC`, `hasOutgoingProcedure:
 * false`, no outgoingProcedure, no previousDocuments, no exportFromEU. A filled-in field the variant leaves
 * empty is refused with A15's documented text ("Specified field cannot have a value when a specified customs
 * procedure is provided") [INF that A15 is the text here]; a `hasOutgoingProcedure` other than false (omitted
 * means true, §4.3) with the [INF] text `Field should have value false when …`. Other procedures: no air rule.
 */
export function voecAirHouseErrors(
  level: Pick<HouseLevel, 'importProcedure' | 'previousDocuments' | 'exportFromEU'>,
): AirRuleError[] {
  const procedure = level.importProcedure?.importProcedure;
  if (procedure !== 'IMMEDIATE_RELEASE_VOEC') return [];
  const errors: AirRuleError[] = [];
  const p = 'consignmentHouseLevel';
  if (level.importProcedure?.outgoingProcedure !== undefined) {
    errors.push(ruleError(a15FieldNotAllowed(procedure), `${p}.importProcedure.outgoingProcedure`));
  }
  if (level.importProcedure?.hasOutgoingProcedure !== false) {
    errors.push(
      ruleError(infFieldMustHaveValueFor('false', procedure), `${p}.importProcedure.hasOutgoingProcedure`),
    );
  }
  if ((level.previousDocuments ?? []).length > 0) {
    errors.push(ruleError(a15FieldNotAllowed(procedure), `${p}.previousDocuments`));
  }
  if ((level.exportFromEU ?? []).length > 0) {
    errors.push(ruleError(a15FieldNotAllowed(procedure), `${p}.exportFromEU`));
  }
  return errors;
}

const refineWith =
  <T>(rules: (body: T) => AirRuleError[]) =>
  (body: T, ctx: z.core.$RefinementCtx<T>): void => {
    for (const error of rules(body))
      ctx.addIssue({ code: 'custom', message: error.description, path: error.path });
  };

/** Transport for `POST/PUT /api/movement/air/v1/transport`: the road shape (operator optional) plus `airTransportErrors`. */
export const AirTransportRequest = AirTransportRequestShape.superRefine(refineWith(airTransportErrors));
export type AirTransportRequest = z.infer<typeof AirTransportRequest>;

/**
 * Master for `/api/movement/air/v1/master-consignment`: the road shape. The waybill is normally a master air
 * waybill (`N741`), but every CL754 type is accepted as on road [INF: the pages restrict none for air].
 */
export const AirMasterConsignmentRequest = MasterConsignmentRequest;
export type AirMasterConsignmentRequest = z.infer<typeof AirMasterConsignmentRequest>;

/** House for `/api/movement/air/v1/house-consignment`: the road shape plus `voecAirHouseErrors`. */
export const AirHouseConsignmentRequest = HouseConsignmentRequest.superRefine(
  refineWith((body: HouseConsignmentRequest) => voecAirHouseErrors(body.consignmentHouseLevel)),
);
export type AirHouseConsignmentRequest = z.infer<typeof AirHouseConsignmentRequest>;

export const AIR_REQUEST_SCHEMAS = {
  transport: AirTransportRequest,
  'master-consignment': AirMasterConsignmentRequest,
  'house-consignment': AirHouseConsignmentRequest,
} as const;
