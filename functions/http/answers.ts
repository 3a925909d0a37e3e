/**
 * The one place where the partner API decides how it answers: use-case outcomes and domain errors
 * become HTTP statuses, RFC 9457 problem documents (`application/problem+json`, field errors as
 * JSON pointers into the request) and response bodies. The domain never sees any of this; routes
 * and texts that name the API live here.
 */
import type { z } from 'zod';
import type { ShipmentChange, TransportChange } from '../../lib/domain/amend.ts';
import type { BoardEntry, BoardPage } from '../../lib/domain/board.ts';
import type { Alert } from '../../lib/domain/border-queries.ts';
import {
  DomainError,
  type FieldError,
  InvalidInput,
  LimitExceeded,
  NotFound,
} from '../../lib/domain/errors.ts';
import { type AddShipmentsResult, countByStatus, type SubmitResult } from '../../lib/domain/intake.ts';
import type { Conflict, Intake, RuleBreach } from '../../lib/domain/outcomes.ts';
import type { ManifestOverview, ShipmentHistory, ShipmentListing } from '../../lib/domain/queries.ts';
import type { ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import type { UploadRecord } from '../../lib/domain/uploads.ts';
import type {
  AlertList,
  IntakeResponse,
  ManifestSummary,
  ManifestSummaryPage,
  ManifestView,
  ShipmentDetail,
  ShipmentOutcome,
  ShipmentPage,
  ShipmentView,
  TransportView,
} from '../../lib/manifest/responses.ts';
import { LIMITS } from '../../lib/manifest/schema.ts';
import type { UploadCreated, UploadView } from '../../lib/manifest/uploads.ts';
import { fieldErrorsFromZod, PARSE_OPTIONS } from '../../lib/manifest/validation.ts';

// ---------------------------------------------------------------------------------------------------
// Problem documents
// ---------------------------------------------------------------------------------------------------

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

/** Every problem type the API answers with (its `type` is the URI of the slug), and when. */
export const PROBLEM_TYPES = {
  validation: 'The request (body, path or query) does not match the schema; errors[] points at each field',
  unauthorized: 'No partner could be identified for the request',
  forbidden: "An operator's key on a route that changes something: operator keys read only",
  'not-found': "The resource does not exist (or is another partner's)",
  'no-such-operation':
    'The API has no operation for this method and path (see GET /v1/openapi.json); not a missing resource',
  'payload-too-large': 'The body, or the shipments in it or on the manifest, are over the limits',
  'unsupported-media-type': 'The body is not JSON, or its Content-Encoding is not gzip or identity',
  'reference-reused': 'The manifest reference was already used with a different body',
  'in-progress': 'The same manifest is being accepted right now (Retry-After says when to retry)',
  'transport-crossed': 'The transport has reached the border: the change is no longer possible',
  'shipment-exists': 'A shipment number is already on the manifest with other content',
  'shipment-number-in-use':
    'The shipment number is live on another manifest (one house per waybill at Digitoll): withdraw it there first',
  'immutable-key': 'A Digitoll key (the waybill number, a reported vehicle registration) cannot be changed',
  withdrawn: 'The shipment was withdrawn',
  'concurrent-change': 'Another change won the race (Retry-After says when to retry)',
  unprocessable: 'The change breaks a VOEC rule or the ETA has passed; nothing was changed',
  internal: 'Something went wrong on our side; nothing sent was lost, retry the same request',
} as const;
export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export const problemType = (slug: ProblemSlug) => `https://voec-border.dev/problems/${slug}`;

/** A problem the API answers with; thrown anywhere in a request, answered by the HTTP wrapper. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly type: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    slug: ProblemSlug,
    readonly title: string,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.type = problemType(slug);
    if (options.errors) this.errors = options.errors;
    if (options.headers) this.headers = options.headers;
  }

  document(instance?: string): ProblemDocument {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export class ValidationError extends HttpProblem {
  declare readonly errors: FieldError[];

  constructor(
    errors: FieldError[],
    detail = `${errors.length} problem(s) found; each entry of errors[] points at the field.`,
  ) {
    super(400, 'validation', 'The request is not valid', detail, { errors });
  }
}

/** How a partner presents its key, said in every 401. */
export const AUTHORIZATION_HINT = 'Send your partner API key as the header "Authorization: Bearer <key>".';

const AUTHENTICATION_REFUSALS: Record<string, string> = {
  missing: 'The request has no Authorization header.',
  malformed: 'The Authorization header is not "Bearer <key>".',
  unknown: 'The API key is not known, or it was revoked.',
};

export class UnauthorizedError extends HttpProblem {
  constructor(detail: string) {
    super(401, 'unauthorized', 'A valid partner API key is required', detail, {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }

  /** The 401 for an authorizer refusal (missing, malformed, unknown; anything else: no partner). */
  static because(refusal: string | undefined): UnauthorizedError {
    const reason = AUTHENTICATION_REFUSALS[refusal ?? ''] ?? 'No partner was identified for this request.';
    return new UnauthorizedError(`${reason} ${AUTHORIZATION_HINT}`);
  }
}

export class ForbiddenError extends HttpProblem {
  constructor(detail: string) {
    super(403, 'forbidden', 'This key may not do that', detail);
  }
}

export class NotFoundError extends HttpProblem {
  constructor(detail: string) {
    super(404, 'not-found', 'Not found', detail);
  }
}

/**
 * No operation serves this method and path (the `$default` route). Its own type, so a client tells
 * "this API does not offer that" from "that resource does not exist" (the console falls back on it).
 */
export class NoSuchOperationError extends HttpProblem {
  constructor(detail: string) {
    super(404, 'no-such-operation', 'No such operation', detail);
  }
}

export class PayloadTooLargeError extends HttpProblem {
  constructor(detail: string) {
    super(413, 'payload-too-large', 'The request is larger than allowed', detail);
  }
}

/** The 413 for a body over LIMITS.requestPayloadBytes (said the same by the function and the local gateway). */
export function bodyTooLarge(bytes: number, limit: number): PayloadTooLargeError {
  const advice =
    'Compress it with gzip (Content-Encoding: gzip) or split the shipments over ' +
    'POST /v1/manifests/{manifestId}/shipments.';
  // Within the limit yet too large: only text that is not JSON (control characters escape to six
  // bytes each) gets here; a JSON body up to the limit always fits.
  if (bytes <= limit) {
    return new PayloadTooLargeError(
      `The request body is ${bytes} bytes, but holds characters that JSON cannot carry as they are, which makes it too large. ${advice}`,
    );
  }
  return new PayloadTooLargeError(
    `The request body is ${bytes} bytes; at most ${limit} bytes may be sent. ${advice}`,
  );
}

export class UnsupportedMediaTypeError extends HttpProblem {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type or encoding', detail);
  }
}

const conflictProblem = (
  slug: ProblemSlug,
  title: string,
  detail: string,
  options: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
) =>
  new HttpProblem(409, slug, title, detail, {
    ...(options.errors ? { errors: options.errors } : {}),
    ...(options.retryAfterSeconds ? { headers: { 'retry-after': String(options.retryAfterSeconds) } } : {}),
  });

/** How long a partner should wait before retrying a request that met an intake in progress. */
const IN_PROGRESS_RETRY_SECONDS = 2;
/** How long before retrying a change that lost a race with another change. */
const CHANGED_MEANWHILE_RETRY_SECONDS = 1;

const CROSSED_ATTEMPTS: Record<
  Exclude<Extract<Conflict, { reason: 'transport-crossed' }>['attempted'], 'adding-shipments'>,
  string
> = {
  amending: 'amending it',
  withdrawing: 'withdrawing it',
  'changing-transport-without-eta': 'changing the transport without a new ETA',
};

/** The 409 answering a conflict. */
export function problemForConflict(conflict: Conflict): HttpProblem {
  switch (conflict.reason) {
    case 'reference-reused':
      return conflictProblem(
        'reference-reused',
        'Reference already used with a different body',
        `Reference "${conflict.reference}" was already used for manifest ${conflict.manifestId} with a different body. ` +
          'Use a new reference for a new manifest, POST /v1/manifests/{manifestId}/shipments to add shipments, ' +
          'or PUT /v1/shipments/{shipmentNumber} to amend one.',
      );
    case 'intake-in-progress':
      return conflict.by === 'intake'
        ? conflictProblem(
            'in-progress',
            'Manifest in progress',
            `Manifest ${conflict.manifestId} is still being accepted; retry shortly.`,
            { retryAfterSeconds: IN_PROGRESS_RETRY_SECONDS },
          )
        : conflictProblem(
            'in-progress',
            'Same manifest in progress',
            conflict.by === 'lease-holder'
              ? `Manifest ${conflict.manifestId} with this reference is being accepted by another request right now; retry shortly.`
              : 'Another request took over this manifest a moment ago; retry shortly.',
            { retryAfterSeconds: IN_PROGRESS_RETRY_SECONDS },
          );
    case 'transport-crossed':
      return conflictProblem(
        'transport-crossed',
        'Transport already at the border',
        conflict.attempted === 'adding-shipments'
          ? `The transport of manifest ${conflict.manifestId} was due at the border at ${conflict.estimatedArrival}; ` +
              'shipments can no longer be added. Update the ETA first if it has not crossed.'
          : `The transport was due at the border at ${conflict.estimatedArrival}; ${CROSSED_ATTEMPTS[conflict.attempted]} is no longer possible. Update the ETA first if it has not crossed.`,
      );
    case 'shipment-exists':
      return conflictProblem(
        'shipment-exists',
        'Shipment already on the manifest',
        `${conflict.shipments.length} shipment(s) already exist on this manifest with other content.`,
        {
          errors: conflict.shipments.map(({ index, shipmentNumber }) => ({
            path: `/shipments/${index}/shipmentNumber`,
            code: 'already_exists',
            message: `Shipment ${shipmentNumber} is already on this manifest with different content; amend it with PUT /v1/shipments/${shipmentNumber}.`,
          })),
        },
      );
    case 'shipment-number-in-use':
      return conflictProblem(
        'shipment-number-in-use',
        'Shipment number in use',
        `${conflict.shipments.length} shipment number(s) are live on another manifest: Digitoll holds one house ` +
          'consignment per waybill, so a number cannot be reported twice. Withdraw it there first ' +
          '(DELETE /v1/shipments/{shipmentNumber}; once it is CANCELLED the number is free), then send this again.',
        {
          errors: conflict.shipments.map(({ index, shipmentNumber, manifestId }) => ({
            path: index === undefined ? '/shipmentNumber' : `/shipments/${index}/shipmentNumber`,
            code: 'in_use',
            message: manifestId
              ? `Shipment ${shipmentNumber} is live on your manifest ${manifestId}; withdraw it with DELETE /v1/shipments/${shipmentNumber} first.`
              : `Shipment ${shipmentNumber} is held by another manifest of this carrier at Digitoll.`,
          })),
        },
      );
    case 'shipment-number-immutable':
      return conflictProblem(
        'immutable-key',
        'Waybill numbers cannot be amended',
        `The shipment number is the house waybill number at Digitoll, which cannot be changed (${conflict.shipmentNumber} → ${conflict.requested}). Withdraw this shipment and submit the new one.`,
        {
          errors: [
            { path: '/shipmentNumber', code: 'immutable', message: `must be ${conflict.shipmentNumber}` },
          ],
        },
      );
    case 'vehicle-registration-immutable':
      return conflictProblem(
        'immutable-key',
        'Vehicle registration cannot be amended after reporting',
        'The registration of the vehicle that crosses is a key of the transport at Digitoll and cannot be changed by an update (road v2 §4.5). Submit the shipments again in a new manifest for the new vehicle, then withdraw them here.',
        {
          errors: [
            {
              path: '/vehicleRegistration',
              code: 'immutable',
              message: `must stay ${conflict.vehicleRegistration}`,
            },
          ],
        },
      );
    case 'shipment-withdrawn':
      return conflictProblem(
        'withdrawn',
        'Shipment withdrawn',
        `Shipment ${conflict.shipmentNumber} was withdrawn; submit it again in a manifest instead.`,
      );
    case 'changed-meanwhile':
    case 'transport-changed-meanwhile':
      return conflictProblem(
        'concurrent-change',
        'Changed meanwhile',
        `${
          conflict.reason === 'changed-meanwhile'
            ? `Shipment ${conflict.shipmentNumber}`
            : `The transport of manifest ${conflict.manifestId}`
        } changed while this request was processed; fetch it again and retry.`,
        { retryAfterSeconds: CHANGED_MEANWHILE_RETRY_SECONDS },
      );
  }
}

/** The 422 answering a change that breaks a business rule. */
export function problemForBreach(breach: RuleBreach): HttpProblem {
  const unprocessable = (detail: string, errors: FieldError[]) =>
    new HttpProblem(422, 'unprocessable', 'The request breaks a rule', detail, { errors });
  switch (breach.reason) {
    case 'voec-rules':
      return unprocessable(
        `The amended shipment breaks ${breach.violations.length} VOEC rule(s); nothing was changed.`,
        breach.violations.map((violation) => ({
          path: violation.path,
          code: violation.rule,
          message: violation.message,
        })),
      );
    case 'eta-in-the-past':
      return unprocessable('The new ETA has already passed.', [
        { path: '/estimatedArrival', code: 'in_the_past', message: 'must be in the future' },
      ]);
  }
}

const MISSING: Record<NotFound['what'], string> = {
  manifest: 'Manifest',
  shipment: 'Shipment',
  webhook: 'Webhook',
  transit: 'Transit',
  upload: 'Upload',
};

/** Any error of a request as the problem it answers; anything unknown is a 500 that reveals nothing. */
export function problemFor(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (!(error instanceof DomainError)) return undefined;
  if (error instanceof NotFound)
    return new NotFoundError(`${MISSING[error.what]} ${error.id} was not found.`);
  if (error instanceof InvalidInput) return new ValidationError(error.errors);
  if (error instanceof LimitExceeded) {
    const { manifestId, holds, adding, max } = error.detail;
    return new PayloadTooLargeError(
      `Manifest ${manifestId} holds ${holds} shipments; adding ${adding} would exceed the limit of ${max} per manifest.`,
    );
  }
  return undefined;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** Binary bodies (a PDF) travel base64-encoded. */
  isBase64Encoded?: boolean;
}

export function problemResponse(error: unknown, instance?: string): HttpResponse {
  const problem = problemFor(error);
  const document: ProblemDocument = problem
    ? problem.document(instance)
    : {
        type: problemType('internal'),
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side; nothing you sent was lost. Retry the same request.',
        ...(instance ? { instance } : {}),
      };
  return {
    statusCode: document.status,
    headers: { 'content-type': 'application/problem+json', ...(problem?.headers ?? {}) },
    body: JSON.stringify(document),
  };
}

// ---------------------------------------------------------------------------------------------------
// Request validation (zod issues as field errors)
// ---------------------------------------------------------------------------------------------------

/** Parses with a schema or throws the matching problem (too many shipments is a 413). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value, PARSE_OPTIONS);
  if (result.success) return result.data;
  const tooMany = result.error.issues.find(
    (issue) => issue.code === 'too_big' && issue.path.length === 1 && issue.path[0] === 'shipments',
  );
  if (tooMany) throw new PayloadTooLargeError(`shipments: ${tooMany.message}`);
  throw new ValidationError(fieldErrorsFromZod(result.error.issues));
}

// ---------------------------------------------------------------------------------------------------
// Answers: outcome → status and body
// ---------------------------------------------------------------------------------------------------

/** A JSON answer with one of these statuses (distributed: one member per status). */
export type Answer<S extends number, T> = S extends number
  ? { status: S; json: T; headers?: Record<string, string> }
  : never;
export type ProblemAnswer = { status: number; problem: HttpProblem; headers?: Record<string, string> };

const problemAnswer = (problem: HttpProblem): ProblemAnswer => ({
  status: problem.status,
  problem,
  ...(problem.headers ? { headers: problem.headers } : {}),
});

/** POST /v1/manifests and POST /v1/manifests/{manifestId}/shipments. */
export function intakeAnswer(
  result: SubmitResult | AddShipmentsResult,
): Answer<200 | 202, IntakeResponse> | ProblemAnswer {
  switch (result.outcome) {
    case 'created':
    case 'added':
      return { status: 202, json: intakeBody(result.intake) };
    case 'replayed':
      return { status: 200, json: intakeBody(result.intake) };
    case 'conflict':
      return problemAnswer(problemForConflict(result.conflict));
  }
}

/** PUT and DELETE /v1/shipments/{shipmentNumber}. */
export function shipmentChangeAnswer(
  result: ShipmentChange,
): Answer<200 | 202, ShipmentView> | ProblemAnswer {
  switch (result.outcome) {
    case 'amended':
    case 'withdrawal-requested':
      return { status: 202, json: shipmentView(result.shipment) };
    case 'unchanged':
    case 'cancelled':
    case 'already-withdrawn':
      return { status: 200, json: shipmentView(result.shipment) };
    case 'conflict':
      return problemAnswer(problemForConflict(result.conflict));
    case 'refused':
      return problemAnswer(problemForBreach(result.breach));
  }
}

/** PATCH /v1/manifests/{manifestId}/transport. */
export function transportChangeAnswer(
  result: TransportChange,
): Answer<200 | 202, TransportView> | ProblemAnswer {
  switch (result.outcome) {
    case 'updated':
      return { status: 202, json: transportView(result.manifest) };
    case 'unchanged':
      return { status: 200, json: transportView(result.manifest) };
    case 'conflict':
      return problemAnswer(problemForConflict(result.conflict));
    case 'refused':
      return problemAnswer(problemForBreach(result.breach));
  }
}

// ---------------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------------

const transportView = (manifest: ManifestRecord): TransportView => ({
  manifestId: manifest.manifestId,
  transport: manifest.transport,
});

/** The intake answer: every shipment with its status, flags and the rules it broke (paths into the request). */
export function intakeBody({ manifest, shipments }: Intake): IntakeResponse {
  const outcomes: ShipmentOutcome[] = shipments.map((record, index) => ({
    shipmentNumber: record.shipmentNumber,
    status: record.status,
    flags: record.flags,
    rejections: record.rejections.map((violation) => ({
      ...violation,
      path: `/shipments/${index}${violation.path}`,
    })),
  }));
  return {
    manifestId: manifest.manifestId,
    reference: manifest.reference,
    receivedAt: manifest.receivedAt,
    ...(manifest.transit
      ? {
          transit: {
            mrn: manifest.transit.mrn,
            mixed: manifest.mixedTransit !== undefined,
            ...(manifest.mixedTransit ? { mixedTransit: manifest.mixedTransit } : {}),
          },
        }
      : {}),
    counts: countByStatus(shipments),
    shipments: outcomes,
  };
}

export function manifestView({
  manifest,
  shipmentCount,
  counts,
  openFlags,
  borderCounts,
}: ManifestOverview): ManifestView {
  return {
    manifestId: manifest.manifestId,
    reference: manifest.reference,
    receivedAt: manifest.receivedAt,
    intake: manifest.intake,
    transport: {
      ...manifest.transport,
      digitollStatus: manifest.transportReport?.phase ?? 'PENDING',
      ...(manifest.transportReport?.mrn ? { mrn: manifest.transportReport.mrn } : {}),
      ...(manifest.transportReport?.errors?.length
        ? { digitollErrors: manifest.transportReport.errors }
        : {}),
    },
    ...(manifest.masterConsignment
      ? {
          masterReport: {
            digitollStatus: manifest.masterReport?.phase ?? 'PENDING',
            ...(manifest.masterReport?.mrn ? { mrn: manifest.masterReport.mrn } : {}),
            ...(manifest.masterReport?.errors?.length
              ? { digitollErrors: manifest.masterReport.errors }
              : {}),
          },
        }
      : {}),
    ...(manifest.transit
      ? {
          transit: {
            ...manifest.transit,
            mixed: manifest.mixedTransit !== undefined,
            ...(manifest.mixedTransit ? { mixedTransit: manifest.mixedTransit } : {}),
          },
        }
      : {}),
    ...(manifest.masterConsignment ? { masterConsignment: manifest.masterConsignment } : {}),
    shipmentCount,
    counts,
    openFlags,
    borderCounts,
  };
}

/** Board counts keyed as the contract names them (Customs' TO_CONTROL is the CONTROL_ORDERED flag). */
const BORDER_COUNT_NAMES = {
  RELEASED: 'RELEASED',
  TO_CONTROL: 'CONTROL_ORDERED',
  ENTRY_PENDING: 'ENTRY_PENDING',
  ENTRY_DENIED: 'ENTRY_DENIED',
} as const;

/** One transport on the border board. */
export function manifestSummary({ manifest, reportingCutoff, counts }: BoardEntry): ManifestSummary {
  const transport = manifest.transport;
  const scheduledArrival = transport.mode === 'AIR' ? transport.scheduledArrival : manifest.scheduledArrival;
  const border: NonNullable<ManifestSummary['border']> = {};
  for (const [outcome, count] of Object.entries(counts.border)) {
    border[BORDER_COUNT_NAMES[outcome as keyof typeof BORDER_COUNT_NAMES]] = count;
  }
  return {
    manifestId: manifest.manifestId,
    partnerId: manifest.partnerId,
    reference: manifest.reference,
    receivedAt: manifest.receivedAt,
    transport: {
      ...(transport.mode === 'AIR'
        ? {
            mode: 'AIR' as const,
            flightNumber: transport.flightNumber,
            aircraftRegistration: transport.aircraftRegistration,
          }
        : {
            mode: 'ROAD' as const,
            vehicleRegistration: transport.vehicleRegistration,
            vehicleCountry: transport.vehicleCountry,
          }),
      borderCrossing: transport.borderCrossing,
      estimatedArrival: transport.estimatedArrival,
      ...(scheduledArrival ? { scheduledArrival } : {}),
      digitollStatus: manifest.transportReport?.phase ?? 'PENDING',
      ...(manifest.transportReport?.mrn ? { mrn: manifest.transportReport.mrn } : {}),
    },
    reportingCutoff,
    ...(manifest.masterConsignment
      ? {
          masterConsignment: {
            waybill: {
              number: manifest.masterConsignment.waybill.number,
              type: manifest.masterConsignment.waybill.type,
            },
            digitollStatus: manifest.masterReport?.phase ?? 'PENDING',
            ...(manifest.masterReport?.mrn ? { mrn: manifest.masterReport.mrn } : {}),
          },
        }
      : {}),
    ...(manifest.transit
      ? { transit: { mrn: manifest.transit.mrn, mixed: manifest.mixedTransit !== undefined } }
      : {}),
    shipmentCount: counts.shipmentCount,
    counts: counts.counts,
    openFlags: counts.openFlags,
    ...(Object.keys(border).length ? { border } : {}),
    countedAt: counts.countedAt,
  };
}

export function manifestSummaryPage(page: BoardPage, cursor: string | undefined): ManifestSummaryPage {
  return { items: page.entries.map(manifestSummary), ...(cursor ? { cursor } : {}) };
}

/** `estimatedArrival` is the transport's current ETA (a PATCH moves it; the shipment keeps its intake copy). */
export function shipmentView(
  record: ShipmentRecord,
  estimatedArrival = record.estimatedArrival,
): ShipmentView {
  const report = record.report;
  return {
    shipmentNumber: record.shipmentNumber,
    manifestId: record.manifestId,
    status: record.status,
    voecNumber: record.voecNumber,
    ...(record.mrn ? { mrn: record.mrn } : {}),
    flags: record.flags,
    rejections: record.rejections,
    ...(report?.errors?.length ? { digitollErrors: report.errors } : {}),
    ...(report?.lastError && record.status === 'FAILED' ? { failureReason: report.lastError } : {}),
    ...(record.withdrawalRequestedAt ? { withdrawalRequestedAt: record.withdrawalRequestedAt } : {}),
    receivedAt: record.receivedAt,
    updatedAt: record.updatedAt,
    estimatedArrival,
    ...(record.border
      ? {
          border: {
            routing: record.border.routing,
            ...(record.border.controlLocation ? { controlLocation: record.border.controlLocation } : {}),
            at: record.border.at,
          },
        }
      : {}),
    shipment: record.input,
  };
}

export function shipmentPage({ page, estimatedArrival }: ShipmentListing): ShipmentPage {
  return {
    items: page.items.map((record) => shipmentView(record, estimatedArrival)),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export function shipmentDetail(history: ShipmentHistory): ShipmentDetail {
  return {
    ...shipmentView(history.shipment, history.estimatedArrival),
    timeline: history.timeline,
    otherManifestIds: history.otherManifestIds,
  };
}

export function alertList(alerts: Alert[]): AlertList {
  return { alerts };
}

// ---------------------------------------------------------------------------------------------------
// Bulk uploads
// ---------------------------------------------------------------------------------------------------

export function uploadCreatedBody(created: {
  upload: UploadRecord;
  uploadUrl: string;
  expiresAt: string;
}): UploadCreated {
  return {
    uploadId: created.upload.uploadId,
    uploadUrl: created.uploadUrl,
    expiresAt: created.expiresAt,
    maxBytes: LIMITS.uploadBytes,
  };
}

export function uploadView(upload: UploadRecord): UploadView {
  return {
    uploadId: upload.uploadId,
    reference: upload.reference,
    format: upload.format,
    status: upload.status,
    createdAt: upload.createdAt,
    updatedAt: upload.updatedAt,
    progress: {
      shipmentsRead: upload.shipmentsRead,
      shipmentsStored: upload.shipmentsStored,
      ...(upload.shipmentsTotal !== undefined ? { shipmentsTotal: upload.shipmentsTotal } : {}),
    },
    ...(upload.manifestId && upload.status !== 'FAILED' ? { manifestId: upload.manifestId } : {}),
    counts: upload.counts,
    errors: upload.errors,
    ...(upload.errorsTruncated ? { errorsTruncated: true } : {}),
    ...(upload.completedAt ? { completedAt: upload.completedAt } : {}),
  };
}
