/**
 * The simulator's state and asynchronous processing (`digitoll-road-v2.md` §2.5, §4.4–4.5, §5–7).
 *
 * One engine per movement API: road v2 and air v1 run the same rules on separate stores (a road house and an
 * air house with the same waybill are different documents), and `api` switches on the few air rules
 * (`lib/digitoll/air-schemas.ts`) and off the road-only ones.
 *
 * A submission is processed when it arrives (in arrival order, so results are deterministic) and its
 * result becomes visible `processingDelayMs` later: until then validation-status answers 404 and the new
 * message is invisible to the status/lookup endpoints (§2.5 "404 means not finished yet").
 * Business time (ETA checks, notificationDate, auto-cancel, token expiry) comes from `clock()`; the
 * processing delay uses the real monotonic clock so a frozen test clock still lets results appear.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { airTransportErrors, voecAirHouseErrors } from '../../lib/digitoll/air-schemas.ts';
import {
  CL018_MODES_OF_TRANSPORT,
  CL141_CUSTOMS_OFFICES,
  CL707_COMMUNICATION_TYPES,
  CL708_CONTAINER_INDICATORS,
  CL709_PACKED_STATUS,
  CL711_SUPPLIER_TYPES,
  CL729_TYPES_OF_PERSON,
  CL750_TYPES_OF_IDENTIFICATION,
  CL754_TRANSPORT_DOCUMENT_TYPES,
  CL756_FISCAL_ROLES,
  OUTGOING_PROCEDURES,
  PREVIOUS_DOCUMENT_TYPES,
} from '../../lib/digitoll/codes.ts';
import {
  A2_COUNTRY_INVALID,
  A4_AES_EXPORT_NOT_FOUND,
  A5_EIDR_EXPORT_NOT_FOUND,
  A7_INVALID_UNLOCODE,
  A8_EXPORT_WITH_TRA,
  A9_UNLOCODE_REQUIRED,
  A10_N820_WRONG_STATE,
  A11_VOEC_VALUE_LIMIT,
  A12_UNKNOWN_VOEC_NUMBER,
  A13_GOODS_ITEM_NOT_VOEC,
  A14_INVALID_CUSTOMS_OFFICE,
  A16_N820_WITH_EXP,
  A17_REQUIRED_FOR_CUDE,
  A18_IMPORT_PROCEDURE_REQUIRED,
  A19_ONE_CUDE_ONLY,
  A20_REFERENCE_REQUIRED,
  a1InvalidCode,
  a3InvalidExportMrn,
  a6OutgoingProcedure,
  a15FieldNotAllowed,
  a21DuplicatePreviousDocument,
  a23DuplicateExport,
  H1_DECLARATION_NOT_VALID,
  INF_CARRIER_MISMATCH,
  INF_IMMUTABLE_FIELD_CHANGED,
  INF_MRN_CANCELLED,
  INF_OUTGOING_PROCEDURE_NOT_ALLOWED,
  INF_OUTGOING_PROCEDURE_REQUIRED,
  INF_UNKNOWN_MRN,
  T1_SCHEDULED_MISSING,
  T2_SCHEDULED_TOO_FAR,
  T3_ETA_MISSING,
  T4_ETA_PASSED,
  T5_ETA_TOO_FAR,
  T8_VEHICLE_NOT_FOUND,
  t6FieldNotAllowed,
  t7FieldMustHave,
} from '../../lib/digitoll/errors.ts';
import type { MessageKind } from '../../lib/digitoll/schemas.ts';
import type { ParsedMessage } from './sync-validation.ts';

export type TransportBody = ParsedMessage['transport'];
export type MasterBody = ParsedMessage['master-consignment'];
export type HouseBody = ParsedMessage['house-consignment'];

export interface AsyncError {
  description: string;
  pointer: { messageElementPath: string };
}

export interface ValidationResultBody {
  status: 'SUCCESS' | 'FAILURE';
  requestId: string;
  notificationDate: string;
  mrn?: string;
  masterReferenceNumber?: string;
  validationErrorList: AsyncError[];
  documentStatus?: 'SUCCESS' | 'INCOMPLETE';
  incompleteDocumentationReasonList?: string[];
}

export type CancelReason = 'DELETE' | 'AUTO_72H_AFTER_ETA' | 'AUTO_30_DAYS_UNLINKED';

/** The movement API a message came through: movement-road-api-v2 or movement-air-api (v1). */
export type MovementApi = 'road' | 'air';

interface StoredBase {
  mrn: string;
  api: MovementApi;
  status: 'ACTIVE' | 'CANCELLED';
  cancelReason?: CancelReason;
  clientId: string;
  /** Organisation number of the submitter's token: who may read the routing of the message (§9.2). */
  orgNo: string;
  createdAt: string;
  updatedAt: string;
  /** Real-time ms (performance clock) at which the first POST's result became visible. */
  visibleAtMs: number;
  requestIds: string[];
  /** Transports only: when the arrival was registered (`POST /__sim/arrivals`), `clock()` ISO. */
  arrivedAt?: string;
}
export type StoredMessage =
  | (StoredBase & { kind: 'transport'; body: TransportBody })
  | (StoredBase & { kind: 'master-consignment'; body: MasterBody })
  | (StoredBase & {
      kind: 'house-consignment';
      body: HouseBody;
      documentStatus: 'SUCCESS' | 'INCOMPLETE';
      incompleteDocumentationReasonList: string[];
    });

export interface DocumentKey {
  documentNumber: string;
  type: string;
  carrierId: string;
}

export interface DuplicateRecord extends DocumentKey {
  kind: 'master-consignment' | 'house-consignment';
  /** `air` for the air API; absent for road (the records' shape from before the air API). */
  api?: 'air';
  /** MRNs issued for this key while another message with the key was active (first one included). */
  mrns: string[];
  /** How many active messages were created for this key (mrns.length). */
  count: number;
}

interface RequestRecord {
  kind: MessageKind;
  readyAtMs: number;
  result: ValidationResultBody;
}

export interface EngineOptions {
  clock: () => Date;
  nowMs: () => number;
  processingDelayMs: number;
  voecRegister: Iterable<string>;
  /** Default `road`. */
  api?: MovementApi;
  /** MRNs issued so far, shared between the engines of one simulator so MRNs stay unique across APIs. */
  issuedMrns?: Set<string>;
}

interface Submitter {
  clientId: string;
  /** Default: the clientId. */
  orgNo?: string;
}
export type Submission = Submitter &
  (
    | { kind: 'transport'; method: 'POST' | 'PUT'; mrn?: string; body: TransportBody }
    | { kind: 'master-consignment'; method: 'POST' | 'PUT'; mrn?: string; body: MasterBody }
    | { kind: 'house-consignment'; method: 'POST' | 'PUT'; mrn?: string; body: HouseBody }
    | { kind: MessageKind; method: 'DELETE'; mrn: string }
  );

export type ArrivalOutcome =
  | { ok: true; transport: Extract<StoredMessage, { kind: 'transport' }>; alreadyArrived: boolean }
  | { ok: false; reason: 'NOT_FOUND' | 'CANCELLED' };

/** A house on an arrived transport, with the master it is linked through (none for a direct consignment). */
export interface LinkedHouse {
  house: Extract<StoredMessage, { kind: 'house-consignment' }>;
  master?: Extract<StoredMessage, { kind: 'master-consignment' }>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const VOEC_LIMIT_NOK = 3000;
const CUDE_PROCEDURES = ['IMMEDIATE_RELEASE_IMPORT', 'WAREHOUSE_RELEASE', 'CUSTOMS_DECLARATION'];
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ']);

/** `yyyy-MM-ddTHH:mm:ssZ` */
export const toInstant = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

function isCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  try {
    return REGION_NAMES.of(code) !== code;
  } catch {
    return false;
  }
}

const sameDoc = (a: { documentNumber: string; type: string }, b: { documentNumber: string; type: string }) =>
  a.documentNumber === b.documentNumber && a.type === b.type;

const keyString = (kind: string, key: DocumentKey) =>
  JSON.stringify([kind, key.documentNumber, key.type, key.carrierId]);

function addYear(date: Date): Date {
  const out = new Date(date.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + 1);
  return out;
}

export function masterKey(body: MasterBody): DocumentKey {
  const level = body.consignmentMasterLevel;
  return { ...level.transportDocumentMasterLevel, carrierId: level.carrier.identificationNumber };
}

export function houseKey(body: HouseBody): DocumentKey {
  const level = body.consignmentHouseLevel;
  return {
    ...level.transportDocumentHouseLevel,
    carrierId: level.consignmentMasterLevel?.carrierIdentificationNumber ?? '',
  };
}

/** Visits every primitive leaf with its dotted path and its own key. */
function walk(
  value: unknown,
  path: string,
  key: string,
  visit: (value: unknown, path: string, key: string) => void,
) {
  if (Array.isArray(value)) {
    value.forEach((inner, i) => {
      walk(inner, `${path}[${i}]`, key, visit);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, inner] of Object.entries(value)) walk(inner, path === '' ? k : `${path}.${k}`, k, visit);
  } else {
    visit(value, path, key);
  }
}

class Errors {
  readonly list: AsyncError[] = [];
  add(description: string, messageElementPath: string): void {
    this.list.push({ description, pointer: { messageElementPath } });
  }
}

/**
 * §7.2 A1/A2/A7/A14 on any message: code lists, countries, UN/LOCODEs, customs office. `ownRules` are paths
 * an API checks with narrower lists of its own (air: mode and office), so they are not reported twice.
 */
function checkCodes(body: unknown, errors: Errors, ownRules: ReadonlySet<string>): void {
  const codeLists: Array<[RegExp, readonly (string | number)[]]> = [
    [/(^|\.)communication\[\d+\]\.type$/, CL707_COMMUNICATION_TYPES],
    [/(^|\.)typeOfPerson$/, CL729_TYPES_OF_PERSON],
    [/(^|\.)containerIndicator$/, CL708_CONTAINER_INDICATORS],
    [/(^|\.)containerPackedStatus$/, CL709_PACKED_STATUS],
    [/(^|\.)containerSupplierType$/, CL711_SUPPLIER_TYPES],
    [/transportDocument(Master|House)Level\.type$/, CL754_TRANSPORT_DOCUMENT_TYPES],
    [/additionalFiscalReferences\.role$/, CL756_FISCAL_ROLES],
    [/previousDocuments\[\d+\]\.typeOfReference$/, PREVIOUS_DOCUMENT_TYPES],
    [/activeBorderTransportMeans\.modeOfTransportCode$/, CL018_MODES_OF_TRANSPORT],
    [/activeBorderTransportMeans\.typeOfIdentification$/, CL750_TYPES_OF_IDENTIFICATION],
  ];
  walk(body, '', '', (value, path, key) => {
    if (ownRules.has(path)) return;
    if (key === 'country' || key === 'countryCode') {
      if (typeof value === 'string' && !isCountry(value)) errors.add(A2_COUNTRY_INVALID, path);
      return;
    }
    if (key === 'unloCode') {
      if (typeof value === 'string' && !/^[A-Z]{2}[A-Z2-9]{3}$/.test(value))
        errors.add(A7_INVALID_UNLOCODE, path);
      return;
    }
    if (path === 'customsOfficeOfFirstEntry.referenceNumber') {
      if (!(CL141_CUSTOMS_OFFICES as readonly unknown[]).includes(value))
        errors.add(A14_INVALID_CUSTOMS_OFFICE, path);
      return;
    }
    for (const [pattern, codes] of codeLists) {
      if (pattern.test(path)) {
        if (!(codes as readonly unknown[]).includes(value)) errors.add(a1InvalidCode(codes), path);
        return;
      }
    }
  });
}

/** A9: a place without location and address needs an unloCode. */
function checkPlaces(
  places: Record<string, { location?: string; unloCode?: string; address?: unknown } | undefined>,
  prefix: string,
  errors: Errors,
): void {
  for (const [name, place] of Object.entries(places)) {
    if (
      place &&
      place.location === undefined &&
      place.address === undefined &&
      place.unloCode === undefined
    ) {
      errors.add(A9_UNLOCODE_REQUIRED, `${prefix}.${name}.unloCode`);
    }
  }
}

/** Air transports: mode and office are checked against the air API's own lists (`airTransportErrors`). */
const AIR_OWN_CODE_PATHS: ReadonlySet<string> = new Set([
  'activeBorderTransportMeans.modeOfTransportCode',
  'customsOfficeOfFirstEntry.referenceNumber',
]);
const NO_OWN_CODE_PATHS: ReadonlySet<string> = new Set();

export class DigitollEngine {
  readonly api: MovementApi;
  private readonly messagesByMrn = new Map<string, StoredMessage>();
  private readonly requests = new Map<string, RequestRecord>();
  private readonly dupes = new Map<string, DuplicateRecord>();
  private readonly issuedMrns: Set<string>;
  /** Secondary indexes (MRN sets) so each request costs O(matches), not O(all messages). */
  private readonly index = new Map<string, Set<string>>();
  private lastSweepMs = Number.NEGATIVE_INFINITY;
  private voecRegister: Set<string>;

  constructor(private readonly options: EngineOptions) {
    this.api = options.api ?? 'road';
    this.issuedMrns = options.issuedMrns ?? new Set();
    this.voecRegister = new Set(options.voecRegister);
  }

  reset(): void {
    this.messagesByMrn.clear();
    this.requests.clear();
    this.dupes.clear();
    this.issuedMrns.clear();
    this.index.clear();
    this.lastSweepMs = Number.NEGATIVE_INFINITY;
  }

  private indexKeys(message: StoredMessage): string[] {
    const doc = (d: { documentNumber: string; type: string }) => JSON.stringify([d.documentNumber, d.type]);
    if (message.kind === 'master-consignment') {
      return [`own:master:${doc(message.body.consignmentMasterLevel.transportDocumentMasterLevel)}`];
    }
    if (message.kind === 'house-consignment') {
      const level = message.body.consignmentHouseLevel;
      const keys = [`own:house:${doc(level.transportDocumentHouseLevel)}`];
      if (level.consignmentMasterLevel) {
        keys.push(`houseOf:${doc(level.consignmentMasterLevel.transportDocumentMasterLevel)}`);
      }
      return keys;
    }
    return (message.body.consignmentMasterLevel ?? []).map(
      (ref) => `listedBy:${doc(ref.transportDocumentMasterLevel)}`,
    );
  }

  private reindex(previous: StoredMessage | undefined, next: StoredMessage): void {
    if (previous) for (const key of this.indexKeys(previous)) this.index.get(key)?.delete(previous.mrn);
    for (const key of this.indexKeys(next)) {
      const set = this.index.get(key) ?? new Set<string>();
      set.add(next.mrn);
      this.index.set(key, set);
    }
  }

  /** Active messages of a kind found under an index key. */
  private lookup<K extends MessageKind>(kind: K, key: string): Array<Extract<StoredMessage, { kind: K }>> {
    const out: Array<Extract<StoredMessage, { kind: K }>> = [];
    for (const mrn of this.index.get(key) ?? []) {
      const m = this.messagesByMrn.get(mrn);
      if (m && m.kind === kind && m.status === 'ACTIVE') out.push(m as Extract<StoredMessage, { kind: K }>);
    }
    return out;
  }

  private mastersWithDoc(doc: { documentNumber: string; type: string }) {
    return this.lookup('master-consignment', `own:master:${JSON.stringify([doc.documentNumber, doc.type])}`);
  }

  private housesWithDoc(doc: { documentNumber: string; type: string }) {
    return this.lookup('house-consignment', `own:house:${JSON.stringify([doc.documentNumber, doc.type])}`);
  }

  private transportsListing(doc: { documentNumber: string; type: string }) {
    return this.lookup('transport', `listedBy:${JSON.stringify([doc.documentNumber, doc.type])}`);
  }

  private housesReferencing(doc: { documentNumber: string; type: string }) {
    return this.lookup('house-consignment', `houseOf:${JSON.stringify([doc.documentNumber, doc.type])}`);
  }

  setVoecRegister(numbers: Iterable<string>): void {
    this.voecRegister = new Set(numbers);
  }

  // ---------------------------------------------------------------------------------------------------
  // Submissions
  // ---------------------------------------------------------------------------------------------------

  /** Processes a POST/PUT/DELETE that passed sync validation; returns the requestId (§2.5). */
  submit(submission: Submission): string {
    this.sweep();
    const requestId = randomUUID();
    const now = this.options.clock();
    const readyAtMs = this.options.nowMs() + this.options.processingDelayMs;
    const notificationDate = toInstant(new Date(now.getTime() + this.options.processingDelayMs));
    const errors = new Errors();
    const result: ValidationResultBody = {
      status: 'FAILURE',
      requestId,
      notificationDate,
      validationErrorList: [],
    };

    if (submission.method === 'DELETE') {
      const stored = this.target(submission.kind, submission.mrn, errors);
      if (stored) {
        // §4.5: DELETE cancels the message by MRN.
        stored.status = 'CANCELLED';
        stored.cancelReason = 'DELETE';
        stored.updatedAt = now.toISOString();
        stored.requestIds.push(requestId);
        this.succeed(result, stored.mrn);
      }
    } else {
      const existing =
        submission.method === 'PUT' ? this.target(submission.kind, submission.mrn ?? '', errors) : undefined;
      if (submission.method === 'POST' || existing) {
        this.checkMessage(submission, existing, errors, now);
        if (errors.list.length === 0) {
          const stored = this.store(submission, existing, requestId, readyAtMs, now);
          this.succeed(result, stored.mrn);
          if (stored.kind === 'house-consignment') {
            result.documentStatus = stored.documentStatus;
            result.incompleteDocumentationReasonList = [...stored.incompleteDocumentationReasonList];
          }
        }
      }
    }
    result.validationErrorList = errors.list;
    this.requests.set(requestId, { kind: submission.kind, readyAtMs, result });
    return requestId;
  }

  private succeed(result: ValidationResultBody, mrn: string): void {
    result.status = 'SUCCESS';
    // [INF]/[3P] the v2 field is `mrn`; v1 used `masterReferenceNumber`. Send both (§2.5).
    result.mrn = mrn;
    result.masterReferenceNumber = mrn;
  }

  /** PUT/DELETE target. Decision [INF]: an unknown or cancelled MRN is an async FAILURE, not a 404. */
  private target(kind: MessageKind, mrn: string, errors: Errors): StoredMessage | undefined {
    const stored = this.messagesByMrn.get(mrn);
    if (!stored || stored.kind !== kind) {
      errors.add(INF_UNKNOWN_MRN, 'masterReferenceNumber');
      return undefined;
    }
    if (stored.status === 'CANCELLED') {
      errors.add(INF_MRN_CANCELLED, 'masterReferenceNumber');
      return undefined;
    }
    return stored;
  }

  private newMrn(now: Date): string {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const yy = String(now.getUTCFullYear() % 100).padStart(2, '0');
    for (;;) {
      const bytes = randomBytes(14);
      let tail = '';
      for (const byte of bytes) tail += alphabet[byte % alphabet.length];
      const mrn = `${yy}NO${tail}`;
      if (!this.issuedMrns.has(mrn)) {
        this.issuedMrns.add(mrn);
        return mrn;
      }
    }
  }

  private store(
    submission: Extract<Submission, { method: 'POST' | 'PUT' }>,
    existing: StoredMessage | undefined,
    requestId: string,
    readyAtMs: number,
    now: Date,
  ): StoredMessage {
    const base: StoredBase = existing
      ? { ...existing, updatedAt: now.toISOString(), requestIds: [...existing.requestIds, requestId] }
      : {
          mrn: this.newMrn(now),
          api: this.api,
          status: 'ACTIVE',
          clientId: submission.clientId,
          orgNo: submission.orgNo ?? submission.clientId,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          visibleAtMs: readyAtMs,
          requestIds: [requestId],
        };
    let stored: StoredMessage;
    if (submission.kind === 'house-consignment') {
      const reasons = documentReasons(submission.body);
      stored = {
        ...base,
        kind: 'house-consignment',
        body: submission.body,
        documentStatus: reasons.length > 0 ? 'INCOMPLETE' : 'SUCCESS',
        incompleteDocumentationReasonList: reasons,
      };
    } else if (submission.kind === 'master-consignment') {
      stored = { ...base, kind: 'master-consignment', body: submission.body };
    } else {
      stored = { ...base, kind: 'transport', body: submission.body };
    }
    if (!existing && stored.kind !== 'transport') this.countDuplicate(stored);
    this.messagesByMrn.set(stored.mrn, stored);
    this.reindex(existing, stored);
    return stored;
  }

  /** A POST of a master/house whose key is already held by an active message creates a second message. */
  private countDuplicate(stored: StoredMessage): void {
    if (stored.kind === 'transport') return;
    const key = this.keyOf(stored);
    if (!key) return;
    const pool = stored.kind === 'master-consignment' ? this.mastersWithDoc(key) : this.housesWithDoc(key);
    const others = pool.filter((m: StoredMessage) => {
      const other = this.keyOf(m);
      return other !== undefined && keyString(m.kind, other) === keyString(stored.kind, key);
    });
    if (others.length === 0) return;
    const id = keyString(stored.kind, key);
    const record = this.dupes.get(id) ?? {
      kind: stored.kind,
      ...(this.api === 'air' ? { api: 'air' as const } : {}),
      ...key,
      mrns: others.map((m) => m.mrn),
      count: 0,
    };
    for (const other of others) if (!record.mrns.includes(other.mrn)) record.mrns.push(other.mrn);
    record.mrns.push(stored.mrn);
    record.count = record.mrns.length;
    this.dupes.set(id, record);
  }

  private keyOf(message: StoredMessage): DocumentKey | undefined {
    if (message.kind === 'master-consignment') return masterKey(message.body);
    if (message.kind === 'house-consignment') return houseKey(message.body);
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------
  // Async checks (§5, §6, §7.2, §4.4, §4.5)
  // ---------------------------------------------------------------------------------------------------

  private checkMessage(
    submission: Extract<Submission, { method: 'POST' | 'PUT' }>,
    existing: StoredMessage | undefined,
    errors: Errors,
    now: Date,
  ): void {
    const air = this.api === 'air' && submission.kind === 'transport';
    checkCodes(submission.body, errors, air ? AIR_OWN_CODE_PATHS : NO_OWN_CODE_PATHS);
    if (submission.kind === 'transport') {
      this.checkTransport(
        submission.body,
        existing?.kind === 'transport' ? existing.body : undefined,
        errors,
        now,
      );
    } else if (submission.kind === 'master-consignment') {
      this.checkMaster(
        submission.body,
        existing?.kind === 'master-consignment' ? existing.body : undefined,
        errors,
      );
    } else {
      this.checkHouse(
        submission.body,
        existing?.kind === 'house-consignment' ? existing.body : undefined,
        errors,
      );
    }
  }

  private checkTransport(
    body: TransportBody,
    previous: TransportBody | undefined,
    errors: Errors,
    now: Date,
  ): void {
    const inAYear = addYear(now);
    // T1–T5 (§7.2 transport-level errors, [OLD]); paths start with `transport.` as documented.
    const scheduled = body.scheduledDateAndTimeOfArrival;
    const eta = body.estimatedDateAndTimeOfArrival;
    if (scheduled === undefined) errors.add(T1_SCHEDULED_MISSING, 'transport.scheduledDateAndTimeOfArrival');
    else if (new Date(scheduled) > inAYear)
      errors.add(T2_SCHEDULED_TOO_FAR, 'transport.scheduledDateAndTimeOfArrival');
    if (eta === undefined) errors.add(T3_ETA_MISSING, 'transport.estimatedDateAndTimeOfArrival');
    else if (new Date(eta) < now) errors.add(T4_ETA_PASSED, 'transport.estimatedDateAndTimeOfArrival');
    else if (new Date(eta) > inAYear) errors.add(T5_ETA_TOO_FAR, 'transport.estimatedDateAndTimeOfArrival');

    const means = body.activeBorderTransportMeans;
    const mode = means.modeOfTransportCode;
    if ((mode === '2' || mode === '3') && means.conveyanceReferenceNumber !== undefined) {
      errors.add(t6FieldNotAllowed(mode), 'transport.activeBorderTransportMeans.conveyanceReferenceNumber');
    }
    if (mode === '3' && means.typeOfIdentification !== '30') {
      errors.add(t7FieldMustHave(mode, '30'), 'transport.activeBorderTransportMeans.typeOfIdentification');
    }
    // T8 stub [INF]: a Norwegian plate containing `INVALID` is "not in the register" (playground convention §7.6).
    if (
      mode === '3' &&
      means.countryCode === 'NO' &&
      means.identificationNumber.toUpperCase().includes('INVALID')
    ) {
      errors.add(T8_VEHICLE_NOT_FOUND, 'transport.activeBorderTransportMeans.identificationNumber');
    }
    // Air API: mode 4, aircraft registration (41), the flight number, an airport office of first entry.
    if (this.api === 'air') {
      for (const error of airTransportErrors(body)) errors.add(error.description, error.messageElementPath);
    }

    // §4.4 carrier of the transport must equal the carrier of each listed master [INF error text].
    const carrierId = body.carrier.identificationNumber;
    for (const ref of body.consignmentMasterLevel ?? []) {
      const masters = this.mastersWithDoc(ref.transportDocumentMasterLevel);
      if (masters.length > 0 && !masters.some((m) => masterKey(m.body).carrierId === carrierId)) {
        errors.add(INF_CARRIER_MISMATCH, 'carrier.identificationNumber');
        break;
      }
    }

    // §4.5 immutable on PUT: vehicle id + typeOfIdentification, conveyanceReferenceNumber, scheduled time.
    if (previous) {
      const was = previous.activeBorderTransportMeans;
      const pairs: Array<[unknown, unknown, string]> = [
        [
          was.identificationNumber,
          means.identificationNumber,
          'activeBorderTransportMeans.identificationNumber',
        ],
        [
          was.typeOfIdentification,
          means.typeOfIdentification,
          'activeBorderTransportMeans.typeOfIdentification',
        ],
        [
          was.conveyanceReferenceNumber,
          means.conveyanceReferenceNumber,
          'activeBorderTransportMeans.conveyanceReferenceNumber',
        ],
        [previous.scheduledDateAndTimeOfArrival, scheduled, 'scheduledDateAndTimeOfArrival'],
      ];
      for (const [before, after, path] of pairs)
        if (before !== after) errors.add(INF_IMMUTABLE_FIELD_CHANGED, path);
    }
  }

  private checkMaster(body: MasterBody, previous: MasterBody | undefined, errors: Errors): void {
    const level = body.consignmentMasterLevel;
    checkPlaces(
      {
        placeOfLoading: level.placeOfLoading,
        placeOfUnloading: level.placeOfUnloading,
        placeOfDelivery: level.placeOfDelivery,
      },
      'consignmentMasterLevel',
      errors,
    );
    // §4.4: master carrier must equal the carrier of a transport listing this master's waybill [INF text].
    const key = masterKey(body);
    const transports = this.transportsListing(key);
    if (
      transports.length > 0 &&
      !transports.some((t) => t.body.carrier.identificationNumber === key.carrierId)
    ) {
      errors.add(INF_CARRIER_MISMATCH, 'consignmentMasterLevel.carrier.identificationNumber');
    }
    // §4.5 immutable on PUT: waybill documentNumber + type, carrier id.
    if (previous) {
      const was = masterKey(previous);
      if (was.documentNumber !== key.documentNumber) {
        errors.add(
          INF_IMMUTABLE_FIELD_CHANGED,
          'consignmentMasterLevel.transportDocumentMasterLevel.documentNumber',
        );
      }
      if (was.type !== key.type) {
        errors.add(INF_IMMUTABLE_FIELD_CHANGED, 'consignmentMasterLevel.transportDocumentMasterLevel.type');
      }
      if (was.carrierId !== key.carrierId) {
        errors.add(INF_IMMUTABLE_FIELD_CHANGED, 'consignmentMasterLevel.carrier.identificationNumber');
      }
    }
  }

  private checkHouse(body: HouseBody, previous: HouseBody | undefined, errors: Errors): void {
    const level = body.consignmentHouseLevel;
    const p = 'consignmentHouseLevel';
    checkPlaces(
      { placeOfAcceptance: level.placeOfAcceptance, placeOfDelivery: level.placeOfDelivery },
      p,
      errors,
    );

    const procedure = level.importProcedure?.importProcedure;
    const outgoing = level.importProcedure?.outgoingProcedure;
    const hasOutgoing = level.importProcedure?.hasOutgoingProcedure ?? true; // §4.3 defaults to true
    const previousDocuments = level.previousDocuments ?? [];
    const exports = level.exportFromEU ?? [];

    // A6 and the hasOutgoingProcedure rule (§4.3) [INF texts for the latter].
    if (outgoing !== undefined && !(OUTGOING_PROCEDURES as readonly string[]).includes(outgoing)) {
      errors.add(a6OutgoingProcedure(OUTGOING_PROCEDURES), `${p}.importProcedure.outgoingProcedure`);
    }
    // VOEC by air is variant 7 alone, whose own rules replace the hasOutgoingProcedure pair below.
    const airVoec = this.api === 'air' ? voecAirHouseErrors(level) : [];
    for (const error of airVoec) errors.add(error.description, error.messageElementPath);
    const variantRules = this.api === 'air' && procedure === 'IMMEDIATE_RELEASE_VOEC';
    if (level.importProcedure && procedure !== undefined && !variantRules) {
      if (hasOutgoing && outgoing === undefined) {
        errors.add(INF_OUTGOING_PROCEDURE_REQUIRED, `${p}.importProcedure.outgoingProcedure`);
      }
      if (!hasOutgoing && outgoing !== undefined) {
        errors.add(INF_OUTGOING_PROCEDURE_NOT_ALLOWED, `${p}.importProcedure.outgoingProcedure`);
      }
    }
    // A8: no exportFromEU with TRA.
    if (outgoing === 'TRA' && exports.length > 0) errors.add(A8_EXPORT_WITH_TRA, `${p}.exportFromEU`);
    // A18
    if (previousDocuments.length > 0 && procedure === undefined) {
      errors.add(A18_IMPORT_PROCEDURE_REQUIRED, `${p}.importProcedure`);
    }

    // previousDocuments: A10, A15, A16, A17, A19, A20, A21, H1.
    const seenRefs = new Set<string>();
    let cudeCount = 0;
    previousDocuments.forEach((doc, i) => {
      const at = `${p}.previousDocuments[${i}]`;
      if (doc.typeOfReference === 'CUDE') {
        cudeCount += 1;
        if (procedure !== undefined && !CUDE_PROCEDURES.includes(procedure)) {
          for (const field of ['declarantNumber', 'declarationDate', 'sequenceNumber'] as const) {
            if (doc[field] !== undefined) errors.add(a15FieldNotAllowed(procedure), `${at}.${field}`);
          }
        }
        const missing = (['declarantNumber', 'declarationDate', 'sequenceNumber'] as const).filter(
          (field) => doc[field] === undefined,
        );
        for (const field of missing) errors.add(A17_REQUIRED_FOR_CUDE, `${at}.${field}`);
        // §7.6 playground TVINN data: declarant 123456789, 2022-08-10, sequence 1..10.
        const seq = Number(doc.sequenceNumber);
        if (
          missing.length === 0 &&
          !(
            doc.declarantNumber === '123456789' &&
            doc.declarationDate === '2022-08-10' &&
            seq >= 1 &&
            seq <= 10
          )
        ) {
          errors.add(H1_DECLARATION_NOT_VALID, at);
        }
        return;
      }
      if (doc.referenceNumber === undefined) {
        errors.add(A20_REFERENCE_REQUIRED, `${at}.referenceNumber`);
        return;
      }
      if (seenRefs.has(doc.referenceNumber)) {
        errors.add(a21DuplicatePreviousDocument(doc.referenceNumber), `${at}.referenceNumber`);
      }
      seenRefs.add(doc.referenceNumber);
      if (doc.typeOfReference === 'N820') {
        if (outgoing === 'EXP') errors.add(A16_N820_WITH_EXP, `${at}.typeOfReference`);
        // §7.6: any 18-char alphanumeric transit MRN passes; one containing INVALID fails (A10).
        if (
          !/^[A-Z0-9]{18}$/i.test(doc.referenceNumber) ||
          doc.referenceNumber.toUpperCase().includes('INVALID')
        ) {
          errors.add(A10_N820_WRONG_STATE, `${at}.referenceNumber`);
        }
      }
    });
    if (cudeCount > 1) errors.add(A19_ONE_CUDE_ONLY, `${p}.previousDocuments`);

    // exportFromEU: A3, A4, A5, A23.
    const seenExports = new Set<string>();
    exports.forEach((entry, i) => {
      const at = `${p}.exportFromEU[${i}].exportId`;
      if (seenExports.has(entry.exportId)) errors.add(a23DuplicateExport(entry.exportId), at);
      seenExports.add(entry.exportId);
      const formatOk =
        entry.typeOfExport === 'AES_EXPORT'
          ? /^\d{2}[A-Z]{2}[A-Z0-9]{14}$/.test(entry.exportId)
          : entry.typeOfExport === 'EIDR_EXPORT'
            ? /^\d{2}SE[A-Z0-9]{11}AE[A-Z0-9]$/.test(entry.exportId)
            : true;
      if (!formatOk) errors.add(a3InvalidExportMrn(entry.typeOfExport), at);
      else if (this.api === 'road' && entry.exportId.toUpperCase().includes('INVALID')) {
        // A4/A5 are "Road transport only (road-API)" [DOC].
        // [INF] playground convention: an export id containing INVALID is "not found in AES".
        if (entry.typeOfExport === 'AES_EXPORT') errors.add(A4_AES_EXPORT_NOT_FOUND, at);
        if (entry.typeOfExport === 'EIDR_EXPORT') errors.add(A5_EIDR_EXPORT_NOT_FOUND, at);
      }
    });

    // §5 VOEC: A13 goods items only with IMMEDIATE_RELEASE_VOEC; A11 per-piece value; A12 VOEC register.
    const items = level.goodsItem ?? [];
    if (items.length > 0 && procedure !== 'IMMEDIATE_RELEASE_VOEC') {
      errors.add(A13_GOODS_ITEM_NOT_VOEC, `${p}.goodsItem`);
    } else {
      items.forEach((item, i) => {
        // "exceeds NOK 3000": a value of exactly 3000 passes here (Digitoll's rule; our intake is stricter).
        if (item.itemAmountInvoicedVOEC.value > VOEC_LIMIT_NOK) {
          errors.add(A11_VOEC_VALUE_LIMIT, `${p}.goodsItem[${i}].itemAmountInvoicedVOEC.value`);
        }
        if (!this.voecRegister.has(item.additionalFiscalReferences.vatIdentificationNumber)) {
          errors.add(
            A12_UNKNOWN_VOEC_NUMBER,
            `${p}.goodsItem[${i}].additionalFiscalReferences.vatIdentificationNumber`,
          );
        }
      });
    }

    // §4.4: the house's carrier id must equal the carrier of the master with the same waybill [INF text].
    const masterRef = level.consignmentMasterLevel;
    if (masterRef) {
      const masters = this.mastersWithDoc(masterRef.transportDocumentMasterLevel);
      if (
        masters.length > 0 &&
        !masters.some((m) => masterKey(m.body).carrierId === masterRef.carrierIdentificationNumber)
      ) {
        errors.add(INF_CARRIER_MISMATCH, `${p}.consignmentMasterLevel.carrierIdentificationNumber`);
      }
    }

    // §4.5 immutable on PUT: waybill documentNumber + type.
    if (previous) {
      const was = previous.consignmentHouseLevel.transportDocumentHouseLevel;
      const now = level.transportDocumentHouseLevel;
      if (was.documentNumber !== now.documentNumber) {
        errors.add(INF_IMMUTABLE_FIELD_CHANGED, `${p}.transportDocumentHouseLevel.documentNumber`);
      }
      if (was.type !== now.type)
        errors.add(INF_IMMUTABLE_FIELD_CHANGED, `${p}.transportDocumentHouseLevel.type`);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Links, auto-cancel (§4.4, §4.5)
  // ---------------------------------------------------------------------------------------------------

  private all(): StoredMessage[] {
    return [...this.messagesByMrn.values()];
  }

  private active<K extends MessageKind>(kind: K): Array<Extract<StoredMessage, { kind: K }>> {
    return this.all().filter(
      (m): m is Extract<StoredMessage, { kind: K }> => m.kind === kind && m.status === 'ACTIVE',
    );
  }

  private visible(message: StoredMessage): boolean {
    return message.visibleAtMs <= this.options.nowMs();
  }

  private transportListsMaster(t: Extract<StoredMessage, { kind: 'transport' }>, key: DocumentKey): boolean {
    return (
      t.body.carrier.identificationNumber === key.carrierId &&
      (t.body.consignmentMasterLevel ?? []).some((ref) => sameDoc(ref.transportDocumentMasterLevel, key))
    );
  }

  private masterOfHouse(house: HouseBody) {
    const ref = house.consignmentHouseLevel.consignmentMasterLevel;
    if (!ref) return undefined;
    return this.mastersWithDoc(ref.transportDocumentMasterLevel).find(
      (m) =>
        sameDoc(masterKey(m.body), ref.transportDocumentMasterLevel) &&
        masterKey(m.body).carrierId === ref.carrierIdentificationNumber,
    );
  }

  private houseLinkedToTransport(
    house: HouseBody,
    transports: Array<Extract<StoredMessage, { kind: 'transport' }>>,
  ): boolean {
    const master = this.masterOfHouse(house);
    // A house links to a transport only through its master's waybill key: the direct-consignment
    // fields (a house-key list on the transport, `directConsignment`, `transportLevel`) are defined by
    // no schema Tolletaten publishes, so they are not part of the model.
    return (
      master !== undefined && transports.some((t) => this.transportListsMaster(t, masterKey(master.body)))
    );
  }

  /** Lazy auto-cancel against `clock()` (§4.5): transport 72 h after ETA; unlinked master/house after 30 days. */
  sweep(): void {
    const now = this.options.clock().getTime();
    // Throttled to once per second of business time: the deadlines are hours and days.
    if (now - this.lastSweepMs < 1000 && now >= this.lastSweepMs) return;
    this.lastSweepMs = now;
    const cancel = (m: StoredMessage, reason: CancelReason) => {
      m.status = 'CANCELLED';
      m.cancelReason = reason;
    };
    for (const t of this.active('transport')) {
      // "72 hours after the estimated arrival if the arrival is not registered" (kobling) [DOC].
      const eta = t.body.estimatedDateAndTimeOfArrival;
      if (t.arrivedAt === undefined && eta !== undefined && new Date(eta).getTime() + 72 * HOUR_MS < now) {
        cancel(t, 'AUTO_72H_AFTER_ETA');
      }
    }
    const transports = this.active('transport');
    const stale = (m: StoredMessage) => new Date(m.updatedAt).getTime() + 30 * DAY_MS < now;
    const staleMasters = this.active('master-consignment').filter(
      (m) => stale(m) && !transports.some((t) => this.transportListsMaster(t, masterKey(m.body))),
    );
    const staleHouses = this.active('house-consignment').filter(
      (h) => stale(h) && !this.houseLinkedToTransport(h.body, transports),
    );
    for (const m of staleMasters) cancel(m, 'AUTO_30_DAYS_UNLINKED');
    for (const h of staleHouses) cancel(h, 'AUTO_30_DAYS_UNLINKED');
  }

  // ---------------------------------------------------------------------------------------------------
  // Queries (§2.3)
  // ---------------------------------------------------------------------------------------------------

  /** The result of a request once processed, else undefined (→ 404). */
  validationStatus(kind: MessageKind, requestId: string): ValidationResultBody | undefined {
    const record = this.requests.get(requestId);
    if (!record || record.kind !== kind || record.readyAtMs > this.options.nowMs()) return undefined;
    return structuredClone(record.result);
  }

  /** A visible message of the kind by MRN. */
  byMrn<K extends MessageKind>(kind: K, mrn: string): Extract<StoredMessage, { kind: K }> | undefined {
    this.sweep();
    const m = this.messagesByMrn.get(mrn);
    if (!m || m.kind !== kind || !this.visible(m)) return undefined;
    return m as Extract<StoredMessage, { kind: K }>;
  }

  /** Visible messages with the key, active ones first, newest first within each group. */
  private byKey<K extends 'master-consignment' | 'house-consignment'>(
    kind: K,
    key: DocumentKey,
  ): Array<Extract<StoredMessage, { kind: K }>> {
    this.sweep();
    const docKey = `own:${kind === 'master-consignment' ? 'master' : 'house'}:${JSON.stringify([key.documentNumber, key.type])}`;
    const matches: StoredMessage[] = [...(this.index.get(docKey) ?? [])]
      .map((mrn) => this.messagesByMrn.get(mrn))
      .filter((m): m is StoredMessage => m !== undefined && m.kind === kind && this.visible(m))
      .filter((m) => {
        const k = this.keyOf(m);
        return k !== undefined && keyString(kind, k) === keyString(kind, key);
      })
      .sort((a, b) =>
        a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : a.status === 'ACTIVE' ? -1 : 1,
      );
    return matches as Array<Extract<StoredMessage, { kind: K }>>;
  }

  houseDocumentStatus(house: Extract<StoredMessage, { kind: 'house-consignment' }>): Record<string, unknown> {
    const key = houseKey(house.body);
    return {
      documentNumber: key.documentNumber,
      type: key.type,
      documentStatus: house.documentStatus,
      incompleteDocumentationReasonList: [...house.incompleteDocumentationReasonList],
      // [INF] extra fields: which message this is.
      mrn: house.mrn,
      masterReferenceNumber: house.mrn,
      carrierId: key.carrierId,
      messageStatus: house.status,
      totalGrossMass: house.body.consignmentHouseLevel.totalGrossMass,
    };
  }

  /** `/house-consignment/transport-document/status?documentNumber&type&carrierId` — newest active wins. */
  houseStatusByKey(key: DocumentKey): Record<string, unknown> | undefined {
    const [house] = this.byKey('house-consignment', key);
    if (!house) return undefined;
    const matches = this.byKey('house-consignment', key).filter((m) => m.status === 'ACTIVE').length;
    return { ...this.houseDocumentStatus(house), activeMessagesWithKey: matches };
  }

  private visibleHousesOfMaster(master: Extract<StoredMessage, { kind: 'master-consignment' }>) {
    const key = masterKey(master.body);
    return this.housesReferencing(key).filter((h) => {
      const ref = h.body.consignmentHouseLevel.consignmentMasterLevel;
      return (
        this.visible(h) &&
        ref &&
        sameDoc(ref.transportDocumentMasterLevel, key) &&
        ref.carrierIdentificationNumber === key.carrierId
      );
    });
  }

  masterStatus(master: Extract<StoredMessage, { kind: 'master-consignment' }>): Record<string, unknown> {
    const key = masterKey(master.body);
    const houses = this.visibleHousesOfMaster(master);
    return {
      documentNumber: key.documentNumber,
      type: key.type,
      carrierId: key.carrierId,
      mrn: master.mrn,
      masterReferenceNumber: master.mrn,
      messageStatus: master.status,
      received: true,
      grossMass: master.body.consignmentMasterLevel.grossMass,
      totalGrossMassOfHouses: houses.reduce((sum, h) => sum + h.body.consignmentHouseLevel.totalGrossMass, 0),
      consignmentHouseLevel: houses.map((h) => this.houseDocumentStatus(h)),
    };
  }

  masterStatusByKey(key: DocumentKey): Record<string, unknown> | undefined {
    const [master] = this.byKey('master-consignment', key);
    return master ? this.masterStatus(master) : undefined;
  }

  /** `/transport/{mrn}/status-with-descendants` ([INF] shape): masters with `received`, houses, weight sums. */
  transportWithDescendants(
    transport: Extract<StoredMessage, { kind: 'transport' }>,
  ): Record<string, unknown> {
    const links = this.transportLinks(transport);
    const carrierId = links.carrierId;
    const masters = links.masters.map(({ key, master }) =>
      master
        ? this.masterStatus(master)
        : {
            documentNumber: key.documentNumber,
            type: key.type,
            carrierId,
            received: false,
            consignmentHouseLevel: [],
          },
    );
    const masterMass = masters.reduce(
      (sum, m) => sum + (typeof m.grossMass === 'number' ? m.grossMass : 0),
      0,
    );
    return {
      mrn: transport.mrn,
      masterReferenceNumber: transport.mrn,
      messageStatus: transport.status,
      carrierId,
      estimatedDateAndTimeOfArrival: transport.body.estimatedDateAndTimeOfArrival,
      totalGrossMass: masterMass,
      consignmentMasterLevel: masters,
    };
  }

  /** The transport's listed master keys with the active master of each (if received). */
  private transportLinks(transport: Extract<StoredMessage, { kind: 'transport' }>) {
    const carrierId = transport.body.carrier.identificationNumber;
    const masters = (transport.body.consignmentMasterLevel ?? []).map((ref) => {
      const key = { ...ref.transportDocumentMasterLevel, carrierId };
      return { key, master: this.byKey('master-consignment', key).find((m) => m.status === 'ACTIVE') };
    });
    return { carrierId, masters };
  }

  // ---------------------------------------------------------------------------------------------------
  // Arrival (vei-fly-EN; §9.1): the ANPR camera by road, Avinor by air
  // ---------------------------------------------------------------------------------------------------

  /** Registers the arrival of a visible transport of this API. A cancelled one cannot arrive. */
  arrive(mrn: string): ArrivalOutcome {
    const transport = this.byMrn('transport', mrn);
    if (!transport) return { ok: false, reason: 'NOT_FOUND' };
    if (transport.status === 'CANCELLED') return { ok: false, reason: 'CANCELLED' };
    const alreadyArrived = transport.arrivedAt !== undefined;
    transport.arrivedAt ??= this.options.clock().toISOString();
    return { ok: true, transport, alreadyArrived };
  }

  /** The active houses the transport carries now: through its masters (§4.4). */
  linkedHouses(transport: Extract<StoredMessage, { kind: 'transport' }>): LinkedHouse[] {
    return this.transportLinks(transport).masters.flatMap(({ master }) =>
      master ? this.visibleHousesOfMaster(master).map((house) => ({ house, master })) : [],
    );
  }

  // ---------------------------------------------------------------------------------------------------
  // Introspection
  // ---------------------------------------------------------------------------------------------------

  messages(): StoredMessage[] {
    this.sweep();
    return this.all().map((m) => structuredClone(m));
  }

  duplicates(): DuplicateRecord[] {
    return [...this.dupes.values()].map((d) => ({ ...d, mrns: [...d.mrns] }));
  }
}

/** §6/§7.3 document status of an accepted house: the incomplete-documentation reasons (§11.5). */
export function documentReasons(body: HouseBody): string[] {
  const level = body.consignmentHouseLevel;
  const procedure = level.importProcedure?.importProcedure;
  const outgoing = level.importProcedure?.outgoingProcedure;
  const docs = level.previousDocuments ?? [];
  const has = (type: string) =>
    docs.some((d) => d.typeOfReference === type && d.referenceNumber !== undefined);
  const hasCude = docs.some(
    (d) =>
      d.typeOfReference === 'CUDE' &&
      d.declarantNumber !== undefined &&
      d.declarationDate !== undefined &&
      d.sequenceNumber !== undefined,
  );
  const reasons = new Set<string>();
  if (procedure === undefined) reasons.add('INCOMPLETE_DOCUMENTATION'); // [INF] "must always be submitted"
  if (procedure === 'IMMEDIATE_RELEASE_VOEC' && (level.goodsItem ?? []).length === 0) {
    reasons.add('INCOMPLETE_VOEC_DOCUMENTATION');
  }
  if ((procedure === 'IMMEDIATE_RELEASE_IMPORT' || procedure === 'CUSTOMS_DECLARATION') && !hasCude) {
    reasons.add('INCOMPLETE_CUDE_DOCUMENTATION');
  }
  if (procedure === 'WAREHOUSE_RELEASE' && !hasCude && !has('GONU')) {
    // GONU chosen but without a goods number → INCOMPLETE_GONU_DOCUMENTATION; otherwise DOCUMENTATION (§6).
    const gonuChosen = docs.some((d) => d.typeOfReference === 'GONU');
    reasons.add(gonuChosen ? 'INCOMPLETE_GONU_DOCUMENTATION' : 'INCOMPLETE_DOCUMENTATION');
  }
  const carnet: Record<string, string> = { ATA_CARNET: 'N955', TIR_CARNET: 'N952', NATO_FORM_302: 'C624' };
  const carnetType = procedure ? carnet[procedure] : undefined;
  if (carnetType && !has(carnetType)) reasons.add('INCOMPLETE_DOCUMENTATION');
  if (procedure === 'TRANSIT_RELEASE' && !has('RETR')) reasons.add('INCOMPLETE_TRA_DOCUMENTATION');
  if ((outgoing === 'TRA' || outgoing === 'TRE' || procedure === 'TRANSIT_IMPORT') && !has('N820')) {
    reasons.add('INCOMPLETE_TRA_DOCUMENTATION');
  }
  if ((outgoing === 'EXP' || outgoing === 'TRE') && (level.exportFromEU ?? []).length === 0) {
    reasons.add('INCOMPLETE_EXP_DOCUMENTATION');
  }
  return [...reasons];
}
