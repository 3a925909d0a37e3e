/**
 * The route table: every operation of the partner API, once. For each: method and path (its API
 * Gateway route key), operationId, summary, the zod schemas of its path parameters, query, body
 * and responses, the problems it can answer, whether it needs the partner key, and which function
 * serves it. The HTTP wrapper routes and validates by it, CDK creates the API Gateway routes from
 * it, and the OpenAPI document (GET /v1/openapi.json) is generated from it.
 */
import { z } from 'zod';
import { BOARD_PAGE, CROSSED_AFTER_MS } from '../../lib/domain/board.ts';
import { FlagCode, ShipmentStatus } from '../../lib/domain/shipment.ts';
import { Quarter } from '../../lib/domain/voec-statement.ts';
import { named, type OperationSpec } from '../../lib/manifest/openapi.ts';
import {
  AlertList,
  DriverList,
  Health,
  IntakeResponse,
  ManifestSummaryPage,
  ManifestView,
  Me,
  ShipmentDetail,
  ShipmentPage,
  ShipmentView,
  TransitView,
  TransportView,
  TvinnDeclarations,
  VoecStatementView,
  WebhookCreated,
  WebhookList,
} from '../../lib/manifest/responses.ts';
import {
  AddShipmentsRequest,
  ManifestRequest,
  Shipment,
  TransportPatch,
  VoecNumberInput,
  WebhookRegistration,
} from '../../lib/manifest/schema.ts';
import { UploadCreated, UploadRequest, UploadView } from '../../lib/manifest/uploads.ts';

/** The Lambda function behind a route (one per concern; see cdk/constructs/partner-api.ts). */
export type HttpFunction = 'public' | 'intake' | 'read' | 'changes';

export interface Route extends OperationSpec {
  readonly function: HttpFunction;
}

// Path parameters: bounded before any I/O (a key longer than DynamoDB takes must be a 400, not a 500).
const ManifestId = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,64}$/, { message: 'must be a manifest id this API returned' })
  .describe('The manifestId the intake answered');
const ShipmentNumber = Shipment.shape.shipmentNumber;
const Mrn = z
  .string()
  .regex(/^[0-9A-Z]{1,35}$/, { message: 'must be an MRN: capital letters and digits' })
  .describe('The NCTS transit MRN the manifest named');
const UploadId = z
  .string()
  .regex(/^[0-9a-z]{1,64}$/, { message: 'must be an upload id this API returned' })
  .describe('The uploadId POST /v1/manifest-uploads answered');
const WebhookId = z.string().regex(/^[0-9a-z]{1,64}$/, { message: 'must be a webhook id this API returned' });

const ShipmentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .max(2048)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'is not a cursor this API returned' })
    .optional(),
  status: ShipmentStatus.optional(),
  flag: FlagCode.optional(),
});

const BoardQuery = z.strictObject({
  crossed: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      `false (the default): transports not yet across the border; true: those that have crossed. A transport has crossed once its current ETA lies more than ${CROSSED_AFTER_MS / 3_600_000} hours in the past`,
    ),
  limit: z.coerce.number().int().min(1).max(BOARD_PAGE.maxLimit).default(BOARD_PAGE.defaultLimit),
  cursor: z
    .string()
    .max(2048)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'is not a cursor this API returned' })
    .optional(),
});

const KEY = { 401: 'Missing or unknown API key' } as const;
const INVALID_PATH = { 400: 'A path parameter that cannot name anything' } as const;
const NOT_FOUND = { 404: "Not found (or another partner's)" } as const;
/** Operators read every partner's manifests by id (read-only). */
const OPERATOR_READ = " An operator key reads any partner's manifest.";
const JSON_BODY = {
  400: 'Malformed JSON or schema errors, each with a JSON pointer',
  413: 'Body over the limits',
  415: 'Not JSON, or an unsupported Content-Encoding',
} as const;

const route = <const R extends Route>(spec: R): R => spec;

// In the order API Gateway's routes were first created (each integration is named after its first route).
export const ROUTES = {
  getHealth: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    function: 'public',
    summary: 'Liveness',
    partnerKey: false,
    responses: { 200: { description: 'OK', json: named('Health', Health) } },
    problems: {},
  }),
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'public',
    summary: 'This document',
    partnerKey: false,
    responses: {
      200: { description: 'OpenAPI 3.1', json: named('OpenApiDocument', z.record(z.string(), z.unknown())) },
    },
    problems: {},
  }),
  submitManifest: route({
    operationId: 'submitManifest',
    method: 'POST',
    path: '/v1/manifests',
    function: 'intake',
    summary: 'Submit a transport with its VOEC shipments',
    partnerKey: true,
    body: named('ManifestRequest', ManifestRequest),
    responses: {
      202: {
        description: 'Accepted: every shipment with its initial status and flags',
        json: named('IntakeResponse', IntakeResponse),
        headers: { Location: 'The manifest: /v1/manifests/{manifestId}' },
      },
      200: {
        description: 'The same reference and body were already accepted: the original answer',
        json: named('IntakeResponse', IntakeResponse),
        headers: { Location: 'The manifest: /v1/manifests/{manifestId}' },
      },
    },
    problems: {
      ...JSON_BODY,
      ...KEY,
      409: 'The reference was used with a different body, or the same one is in progress',
      413: 'Body or shipment count over the limits',
    },
  }),
  addShipments: route({
    operationId: 'addShipments',
    method: 'POST',
    path: '/v1/manifests/{manifestId}/shipments',
    function: 'intake',
    summary: 'Add shipments to a manifest whose transport has not reached the border',
    partnerKey: true,
    params: z.strictObject({ manifestId: ManifestId }),
    body: named('AddShipmentsRequest', AddShipmentsRequest),
    responses: {
      202: { description: 'New shipments accepted', json: named('IntakeResponse', IntakeResponse) },
      200: {
        description: 'All these shipments were already on the manifest, unchanged',
        json: named('IntakeResponse', IntakeResponse),
      },
    },
    problems: {
      ...JSON_BODY,
      ...KEY,
      ...NOT_FOUND,
      409: 'A shipment number exists with other content, is live on another manifest (shipment-number-in-use), the transport has crossed, or the intake is in progress',
      413: 'Over the limits (per request or per manifest)',
    },
  }),
  getManifest: route({
    operationId: 'getManifest',
    method: 'GET',
    path: '/v1/manifests/{manifestId}',
    function: 'read',
    summary: `A manifest with counts of shipments by status and open flags.${OPERATOR_READ}`,
    partnerKey: true,
    operators: true,
    params: z.strictObject({ manifestId: ManifestId }),
    responses: { 200: { description: 'The manifest', json: named('ManifestView', ManifestView) } },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  listShipments: route({
    operationId: 'listShipments',
    method: 'GET',
    path: '/v1/manifests/{manifestId}/shipments',
    function: 'read',
    summary: `Shipments of a manifest, paginated, filterable by status and flag.${OPERATOR_READ}`,
    partnerKey: true,
    operators: true,
    params: z.strictObject({ manifestId: ManifestId }),
    query: ShipmentListQuery,
    responses: { 200: { description: 'A page of shipments', json: named('ShipmentPage', ShipmentPage) } },
    problems: { 400: 'A bad path parameter, query parameter or cursor', ...KEY, ...NOT_FOUND },
  }),
  getShipment: route({
    operationId: 'getShipment',
    method: 'GET',
    path: '/v1/shipments/{shipmentNumber}',
    function: 'read',
    summary:
      "One shipment: status, MRN, flags and its timeline. An operator key: any partner's (the one holding the house at Digitoll, else the latest).",
    partnerKey: true,
    operators: true,
    params: z.strictObject({ shipmentNumber: ShipmentNumber }),
    responses: {
      200: {
        description: 'The shipment (its latest manifest)',
        json: named('ShipmentDetail', ShipmentDetail),
      },
    },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  listAlerts: route({
    operationId: 'listAlerts',
    method: 'GET',
    path: '/v1/alerts',
    function: 'read',
    summary:
      "Open border flags: Customs' ENTRY_DENIED and ENTRY_PENDING first, then CONTROL_ORDERED, NOTIFICATION_MISSING and DECLARE_IN_TVINN by least time to the border; ?flag= filters (an operator key: every partner's)",
    partnerKey: true,
    operators: true,
    query: z.strictObject({ flag: FlagCode.optional() }),
    responses: { 200: { description: 'The open alerts', json: named('AlertList', AlertList) } },
    problems: { 400: 'An unknown flag', ...KEY },
  }),
  listTvinnDeclarations: route({
    operationId: 'listTvinnDeclarations',
    method: 'GET',
    path: '/v1/manifests/{manifestId}/tvinn-declarations',
    function: 'read',
    summary: `TVINN backup declaration drafts of a manifest (JSON, or CSV with ?format=csv or Accept: text/csv).${OPERATOR_READ}`,
    partnerKey: true,
    operators: true,
    params: z.strictObject({ manifestId: ManifestId }),
    // Any other format answers JSON, as it always has.
    query: z.object({ format: z.enum(['json', 'csv']).optional().catch(undefined) }),
    responses: {
      200: {
        description: 'The drafts',
        json: named('TvinnDeclarations', TvinnDeclarations),
        csv: true,
      },
    },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  getDriverList: route({
    operationId: 'getDriverList',
    method: 'GET',
    path: '/v1/manifests/{manifestId}/driver-list',
    function: 'read',
    summary: `The driver's list of a transport: every VOEC shipment on board with its VOEC number, item count, MRN and status (JSON, or PDF with ?format=pdf or Accept: application/pdf).${OPERATOR_READ}`,
    partnerKey: true,
    operators: true,
    params: z.strictObject({ manifestId: ManifestId }),
    // Any other format answers JSON, as the TVINN drafts do.
    query: z.object({ format: z.enum(['json', 'pdf']).optional().catch(undefined) }),
    responses: {
      200: { description: "The driver's list", json: named('DriverList', DriverList), pdf: true },
    },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  getMe: route({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    function: 'read',
    summary: 'Who the key belongs to: a partner, or an operator of the carrier (read-only, every partner)',
    partnerKey: true,
    operators: true,
    responses: { 200: { description: 'The role and id of the key', json: named('Me', Me) } },
    problems: { ...KEY },
  }),
  getVoecStatement: route({
    operationId: 'getVoecStatement',
    method: 'GET',
    path: '/v1/voec-statements',
    function: 'read',
    summary:
      "The VOEC seller statement of a quarter: per VOEC number, the shipments reported to Customs and their NOK value in whole kroner (JSON, or CSV with ?format=csv or Accept: text/csv). Not the VAT return. An operator key: every partner's shipments.",
    partnerKey: true,
    operators: true,
    query: z.strictObject({
      quarter: Quarter,
      voecNumber: VoecNumberInput.optional(),
      format: z.enum(['json', 'csv']).optional().catch(undefined),
    }),
    responses: {
      200: { description: 'The statement', json: named('VoecStatement', VoecStatementView), csv: true },
    },
    problems: { 400: 'A bad quarter or VOEC number', ...KEY },
  }),
  getTransit: route({
    operationId: 'getTransit',
    method: 'GET',
    path: '/v1/transits/{mrn}',
    function: 'read',
    summary:
      "The NCTS transit: its closure state (with the CC007C data when prepared) and history. An operator key reads any partner's.",
    partnerKey: true,
    operators: true,
    params: z.strictObject({ mrn: Mrn }),
    responses: { 200: { description: 'The transit', json: named('TransitView', TransitView) } },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  amendShipment: route({
    operationId: 'amendShipment',
    method: 'PUT',
    path: '/v1/shipments/{shipmentNumber}',
    function: 'changes',
    summary: 'Amend a shipment (full replacement; Digitoll is updated by MRN)',
    partnerKey: true,
    params: z.strictObject({ shipmentNumber: ShipmentNumber }),
    body: named('Shipment', Shipment),
    responses: {
      202: { description: 'Amended; the report follows', json: named('ShipmentView', ShipmentView) },
      200: { description: 'The same content as stored', json: named('ShipmentView', ShipmentView) },
    },
    problems: {
      ...JSON_BODY,
      ...KEY,
      ...NOT_FOUND,
      409: 'The shipment number changed or is live on another manifest (shipment-number-in-use), the shipment was withdrawn, the transport has crossed, or a concurrent change',
      422: 'The amended shipment breaks a VOEC rule (nothing was changed)',
    },
  }),
  withdrawShipment: route({
    operationId: 'withdrawShipment',
    method: 'DELETE',
    path: '/v1/shipments/{shipmentNumber}',
    function: 'changes',
    summary: 'Withdraw a shipment: deleted at Digitoll, then CANCELLED',
    partnerKey: true,
    params: z.strictObject({ shipmentNumber: ShipmentNumber }),
    responses: {
      202: { description: 'Being deleted at Digitoll', json: named('ShipmentView', ShipmentView) },
      200: {
        description: 'Cancelled (never reported), or withdrawn already',
        json: named('ShipmentView', ShipmentView),
      },
    },
    problems: {
      ...INVALID_PATH,
      ...KEY,
      ...NOT_FOUND,
      409: 'The transport has crossed, or a concurrent change',
    },
  }),
  updateTransport: route({
    operationId: 'updateTransport',
    method: 'PATCH',
    path: '/v1/manifests/{manifestId}/transport',
    function: 'changes',
    summary: 'Change the ETA, vehicle or driver of a transport (re-reported to Digitoll)',
    partnerKey: true,
    params: z.strictObject({ manifestId: ManifestId }),
    body: named('TransportPatch', TransportPatch),
    responses: {
      202: { description: 'Changed; Digitoll is updated', json: named('TransportView', TransportView) },
      200: { description: 'Nothing to change', json: named('TransportView', TransportView) },
    },
    problems: {
      ...JSON_BODY,
      ...KEY,
      ...NOT_FOUND,
      409: 'The plate of a reported transport, a transport that has crossed, or a concurrent change',
      422: 'The new ETA has passed',
    },
  }),
  registerWebhook: route({
    operationId: 'registerWebhook',
    method: 'POST',
    path: '/v1/webhooks',
    function: 'changes',
    summary: 'Register a webhook; its signing secret is in this answer only',
    partnerKey: true,
    body: named('WebhookRegistration', WebhookRegistration),
    responses: {
      201: {
        description: 'Registered',
        json: named('WebhookCreated', WebhookCreated),
        headers: { Location: 'The webhook: /v1/webhooks/{webhookId}' },
      },
    },
    problems: { ...JSON_BODY, ...KEY },
  }),
  listWebhooks: route({
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/v1/webhooks',
    function: 'changes',
    summary: "The partner's webhooks (without their secrets)",
    partnerKey: true,
    responses: { 200: { description: 'The webhooks', json: named('WebhookList', WebhookList) } },
    problems: { ...KEY },
  }),
  removeWebhook: route({
    operationId: 'removeWebhook',
    method: 'DELETE',
    path: '/v1/webhooks/{webhookId}',
    function: 'changes',
    summary: 'Remove a webhook',
    partnerKey: true,
    params: z.strictObject({ webhookId: WebhookId }),
    responses: { 204: { description: 'Removed' } },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  createManifestUpload: route({
    operationId: 'createManifestUpload',
    method: 'POST',
    path: '/v1/manifest-uploads',
    function: 'intake',
    summary:
      'Start a bulk upload (JSON manifest or shipments CSV, up to 100,000 shipments): answers a presigned PUT URL',
    partnerKey: true,
    body: named('UploadRequest', UploadRequest),
    responses: {
      201: {
        description: 'PUT the file to uploadUrl (Location names the upload)',
        json: named('UploadCreated', UploadCreated),
      },
    },
    problems: { ...JSON_BODY, ...KEY },
  }),
  getManifestUpload: route({
    operationId: 'getManifestUpload',
    method: 'GET',
    path: '/v1/manifest-uploads/{uploadId}',
    function: 'intake',
    summary: 'A bulk upload: PENDING, PROCESSING, COMPLETED or FAILED, its progress, counts and errors',
    partnerKey: true,
    params: z.strictObject({ uploadId: UploadId }),
    responses: { 200: { description: 'The upload', json: named('UploadView', UploadView) } },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
  listManifests: route({
    operationId: 'listManifests',
    method: 'GET',
    path: '/v1/manifests',
    function: 'read',
    summary: `The border board: transports not yet across the border (crossed=false, the default) or those that have crossed (crossed=true: ETA more than ${CROSSED_AFTER_MS / 3_600_000} h ago), soonest ETA first, with counts by status, open flags and border outcome; paginated. An operator key: every partner's.`,
    partnerKey: true,
    operators: true,
    query: BoardQuery,
    responses: {
      200: { description: 'A page of transports', json: named('ManifestSummaryPage', ManifestSummaryPage) },
    },
    problems: { 400: 'A bad limit, crossed value or cursor', ...KEY },
  }),
  getManifestShipment: route({
    operationId: 'getManifestShipment',
    method: 'GET',
    path: '/v1/manifests/{manifestId}/shipments/{shipmentNumber}',
    function: 'read',
    summary: `One shipment on this manifest (the copy this manifest carried): status, MRN, flags, border outcome and its timeline.${OPERATOR_READ}`,
    partnerKey: true,
    operators: true,
    params: z.strictObject({ manifestId: ManifestId, shipmentNumber: ShipmentNumber }),
    responses: {
      200: { description: "The manifest's shipment", json: named('ShipmentDetail', ShipmentDetail) },
    },
    problems: { ...INVALID_PATH, ...KEY, ...NOT_FOUND },
  }),
} as const satisfies Record<string, Route>;

export type Routes = typeof ROUTES;
export type OperationId = keyof Routes;

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** Every operation, in the table's order. */
export const OPERATIONS: readonly Route[] = Object.values(ROUTES);

/** The operations by API Gateway route key. */
export const ROUTES_BY_KEY: ReadonlyMap<string, Route> = new Map(OPERATIONS.map((r) => [routeKey(r), r]));
