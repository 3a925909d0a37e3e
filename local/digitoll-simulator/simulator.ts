/**
 * Digitoll simulator over node:http: the road v2 and air v1 movement APIs (one engine each, the same rules),
 * the routing API, Maskinporten and the token exchange (`shared/reference/digitoll-road-v2.md`,
 * `shared/reference/tolletaten/`). See README.md for the documented behaviours, the [INF] choices, and what
 * is not implemented.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import { AIR_STATUS_BASE_PATH, AIR_SUBMISSION_BASE_PATH } from '../../lib/digitoll/air-schemas.ts';
import { AIR_SCOPES, ENTRY_SCOPES, ROAD_V2_SCOPES } from '../../lib/digitoll/codes.ts';
import {
  INF_UNKNOWN_ROUTING_MARKER,
  SYNC_MALFORMED_JSON,
  SYNC_NOT_BLANK,
} from '../../lib/digitoll/errors.ts';
import { ROUTING_MAX_PAGE_SIZE, ROUTING_PATH } from '../../lib/digitoll/routing-schemas.ts';
import type { MessageKind } from '../../lib/digitoll/schemas.ts';
import {
  type AssertionOptions,
  AuthService,
  createTestClient,
  DEFAULT_MASKINPORTEN_AUDIENCE,
  OAuthError,
  obtainCustomsToken,
  type RegisteredClient,
  type TestClient,
} from './auth.ts';
import { DigitollEngine, type DuplicateRecord, type MovementApi, type StoredMessage } from './engine.ts';
import { type FaultConfig, FaultInjector, type FaultKind, RateLimiter } from './faults.ts';
import {
  type Arrival,
  ArrivalKnob,
  audienceOf,
  describeIssues,
  type PublishedSignal,
  RoutingBoard,
  RoutingKnob,
} from './routing.ts';
import { validateDeleteBody, validateMessage } from './sync-validation.ts';

export const DEFAULT_VOEC_REGISTER = ['2056550', '2021137', '2024926', '2034417'] as const;

export interface SimulatorOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** validation-status answers 404 until this many ms after the submission. Default 300. */
  processingDelayMs?: number;
  /** Token-bucket rate per client (token subject), burst = same number. Default 50. 0 = unlimited. */
  rateLimitPerSecond?: number;
  /** VOEC numbers that pass A12. Default 2056550 (playground), 2021137, 2024926, 2034417. */
  voecRegister?: string[];
  /** Business clock (ETA checks, notificationDate, tokens, auto-cancel). Default `new Date()`. */
  clock?: () => Date;
  faults?: FaultConfig;
  /** API routes need a Customs token. Default true. */
  requireAuth?: boolean;
  /** Clients allowed at `POST /token`. More can be added with `registerClient`. */
  clients?: RegisteredClient[];
  /** `aud` the Maskinporten assertion must carry. Default `https://test.maskinporten.no/`. */
  maskinportenAudience?: string;
  /** Default 120 s (Maskinporten's usual lifetime). */
  maskinportenTokenTtlSeconds?: number;
  /** Default 970 s (§10 example). */
  customsTokenTtlSeconds?: number;
  /** HTTP code of a finished validation-status: the docs say 202 (current pages) and 200 (v1 Swagger). Default 202. */
  validationStatusHttpCode?: 200 | 202;
  /** Signals per routing answer. Default (and Digitoll's) 1000; smaller to test paging. */
  routingPageSize?: number;
}

/** The APIs behind `/api/`: the two movement APIs and the routing API. */
export type SimulatorApi = MovementApi | 'routing';

export interface ReceivedOutcome {
  status?: number;
  requestId?: string;
  /** The request was processed but the socket was destroyed without an answer. */
  dropped?: boolean;
  fault?: FaultKind;
}

export interface ReceivedRecord {
  seq: number;
  method: string;
  /** Path and query string. */
  path: string;
  /** The API the request was for (none for the token endpoints and unknown paths). */
  api?: SimulatorApi;
  /** Parsed JSON, form fields (secrets redacted), raw text, or undefined when empty. */
  body: unknown;
  /** Token subject (client_id); `anonymous` without auth; undefined when not authenticated. */
  clientId?: string;
  /** `clock()` time of arrival, ISO. */
  at: string;
  outcome: ReceivedOutcome;
}

export interface DigitollSimulator {
  url: string;
  port: number;
  /** The `aud` the Maskinporten assertion must carry. */
  audience: string;
  close(): Promise<void>;
  setFaults(faults: FaultConfig): void;
  faults(): FaultConfig;
  received(): ReceivedRecord[];
  /** Clears messages, requests, received, duplicates, rate buckets and the jti cache; keeps clients and faults. */
  reset(): void;
  messages(): StoredMessage[];
  /** Master/house waybill keys POSTed (and accepted) more than once while a message with the key was active. */
  duplicates(): DuplicateRecord[];
  registerClient(client: RegisteredClient): void;
  /** `createTestClient` + `registerClient`. */
  createClient(options?: Parameters<typeof createTestClient>[0]): Promise<TestClient>;
  /** Runs the whole token flow against this simulator and returns a Customs access token. */
  tokenFor(client: TestClient, options?: AssertionOptions): Promise<string>;
  setVoecRegister(numbers: string[]): void;
  /** `POST /__sim/arrivals`: registers a road or air transport's arrival and publishes its houses' routing. */
  arrive(transportMrn: string): ArrivalReply;
  /** `POST /__sim/routing`: the decision for a waybill (published now if its transport has arrived). */
  setRouting(knob: z.input<typeof RoutingKnob>): PublishedSignal[];
  /** `GET /__sim/routing`: arrivals, decisions and every published signal with its audience. */
  routing(): ReturnType<RoutingBoard['snapshot']>;
}

export type ArrivalReply =
  | { ok: true; arrival: Arrival; alreadyArrived: boolean; published: PublishedSignal[] }
  | { ok: false; status: 404 | 409; error: string };

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

type Route =
  | { type: 'token' }
  | { type: 'exchange' }
  | { type: 'test-auth'; api: MovementApi }
  | { type: 'submit'; api: MovementApi; kind: MessageKind; mrn?: string }
  | { type: 'status'; api: MovementApi; handler: (url: URL) => Reply }
  | { type: 'routing' };

/** The movement APIs' paths and scopes (§2.2, §2.3, §10; prosedyre-mo-fly). */
const MOVEMENT_APIS = {
  road: {
    submitBase: '/api/movement/road/v2',
    statusBase: '/api/movement/road/status/v2',
    scopes: ROAD_V2_SCOPES,
  },
  // prosedyre-mo-fly's paths [DOC]; test-auth and the lookups mirror road's [INF].
  air: { submitBase: AIR_SUBMISSION_BASE_PATH, statusBase: AIR_STATUS_BASE_PATH, scopes: AIR_SCOPES },
} as const satisfies Record<
  MovementApi,
  { submitBase: string; statusBase: string; scopes: readonly [string, ...string[]] }
>;
const API_SCOPES = { ...MOVEMENT_APIS, routing: { scopes: ENTRY_SCOPES } } as const;

const SUBMIT = /^\/(transport|master-consignment|house-consignment)(?:\/([^/]+))?\/?$/;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers,
});

function springError(status: number, error: string, path: string, message?: string): Reply {
  return json(status, {
    timestamp: new Date().toISOString(),
    status,
    error,
    path,
    ...(message ? { message } : {}),
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const isJson = (contentType: string | undefined) =>
  /^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '');
const isForm = (contentType: string | undefined) =>
  /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');

function describeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (isForm(contentType)) {
    const fields: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      fields[key] =
        key === 'assertion' || key === 'subject_token' ? `<redacted ${value.length} chars>` : value;
    }
    return fields;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startDigitollSimulator(options: SimulatorOptions = {}): Promise<DigitollSimulator> {
  const clock = options.clock ?? (() => new Date());
  const requireAuth = options.requireAuth ?? true;
  const audience = options.maskinportenAudience ?? DEFAULT_MASKINPORTEN_AUDIENCE;
  const resultCode = options.validationStatusHttpCode ?? 202;
  const engineOptions = {
    clock,
    nowMs: () => performance.now(),
    processingDelayMs: options.processingDelayMs ?? 300,
    voecRegister: options.voecRegister ?? DEFAULT_VOEC_REGISTER,
    issuedMrns: new Set<string>(),
  };
  // Road and air keep separate stores: the same waybill by road and by air are two documents.
  const engines: Record<MovementApi, DigitollEngine> = {
    road: new DigitollEngine({ ...engineOptions, api: 'road' }),
    air: new DigitollEngine({ ...engineOptions, api: 'air' }),
  };
  const allEngines = Object.values(engines);
  const routingPageSize = Math.max(1, options.routingPageSize ?? ROUTING_MAX_PAGE_SIZE);
  const board = new RoutingBoard({
    clock,
    housesOf: ({ api, transportMrn }) => {
      const transport = engines[api].byMrn('transport', transportMrn);
      if (!transport) return [];
      return engines[api].linkedHouses(transport).map((linked) => ({
        api,
        transportMrn,
        house: linked.house,
        audience: audienceOf(transport, linked),
      }));
    },
  });
  const auth = new AuthService({
    audience,
    clock,
    maskinportenTokenTtlSeconds: options.maskinportenTokenTtlSeconds ?? 120,
    customsTokenTtlSeconds: options.customsTokenTtlSeconds ?? 970,
  });
  await auth.init();
  for (const client of options.clients ?? []) auth.registerClient(client);
  const faults = new FaultInjector(options.faults);
  const limiter = new RateLimiter(options.rateLimitPerSecond ?? 50);
  let received: ReceivedRecord[] = [];
  let seq = 0;
  const held = new Map<ServerResponse, NodeJS.Timeout>();

  // -------------------------------------------------------------------------------------------------
  // Routing
  // -------------------------------------------------------------------------------------------------

  const notFound = (url: URL) => springError(404, 'Not Found', url.pathname);

  function keyFrom(url: URL): {
    key?: { documentNumber: string; type: string; carrierId: string };
    reply?: Reply;
  } {
    const documentNumber = url.searchParams.get('documentNumber') ?? '';
    const type = url.searchParams.get('type') ?? '';
    const carrierId = url.searchParams.get('carrierId') ?? '';
    const missing = Object.entries({ documentNumber, type, carrierId })
      .filter(([, value]) => value.trim() === '')
      .map(([field]) => ({ field, error: SYNC_NOT_BLANK }));
    if (missing.length > 0) return { reply: json(400, { validationErrors: missing }) };
    return { key: { documentNumber, type, carrierId } };
  }

  /** The query API of one movement API; `rest` is the path after its status base. */
  function statusRoute(engine: DigitollEngine, rest: string): ((url: URL) => Reply) | undefined {
    let m = /^\/(transport|master-consignment|house-consignment)\/validation-status\/([^/]+)$/.exec(rest);
    if (m) {
      const kind = m[1] as MessageKind;
      const requestId = decodeURIComponent(m[2] ?? '');
      return (url) => {
        // §2.5: 404 until processed. Finished: 202 per the current docs, 200 per the v1 Swagger (configurable).
        const result = engine.validationStatus(kind, requestId);
        return result ? json(resultCode, result) : notFound(url);
      };
    }
    if (rest === '/house-consignment/transport-document/status') {
      return (url) => {
        const { key, reply } = keyFrom(url);
        if (!key) return reply ?? notFound(url);
        const status = engine.houseStatusByKey(key);
        return status ? json(200, status) : notFound(url);
      };
    }
    if (rest === '/master-consignment/transport-document/status') {
      return (url) => {
        const { key, reply } = keyFrom(url);
        if (!key) return reply ?? notFound(url);
        const status = engine.masterStatusByKey(key);
        return status ? json(200, status) : notFound(url);
      };
    }
    m =
      /^\/transport\/([^/]+)\/(status-with-descendants|master-consignment\/transport-document\/status|house-consignment\/transport-document\/status)$/.exec(
        rest,
      );
    if (m) {
      const mrn = decodeURIComponent(m[1] ?? '');
      const what = m[2];
      return (url) => {
        const transport = engine.byMrn('transport', mrn);
        if (!transport) return notFound(url);
        const full = engine.transportWithDescendants(transport);
        if (what === 'status-with-descendants') return json(200, full);
        const masters = full.consignmentMasterLevel as Array<Record<string, unknown>>;
        if (what === 'master-consignment/transport-document/status') {
          return json(200, {
            mrn,
            consignmentMasterLevel: masters.map(({ consignmentHouseLevel: _houses, ...master }) => master),
          });
        }
        // The houses on the transport are those under its masters (no direct consignments).
        const houses = masters.flatMap((master) => master.consignmentHouseLevel as unknown[]);
        return json(200, { mrn, consignmentHouseLevel: houses });
      };
    }
    m = /^\/master-consignment\/([^/]+)\/(status-with-descendants|transport-document\/status)$/.exec(rest);
    if (m) {
      const mrn = decodeURIComponent(m[1] ?? '');
      return (url) => {
        const master = engine.byMrn('master-consignment', mrn);
        return master ? json(200, engine.masterStatus(master)) : notFound(url);
      };
    }
    m = /^\/house-consignment\/([^/]+)\/transport-document\/status$/.exec(rest);
    if (m) {
      const mrn = decodeURIComponent(m[1] ?? '');
      return (url) => {
        const house = engine.byMrn('house-consignment', mrn);
        return house ? json(200, engine.houseDocumentStatus(house)) : notFound(url);
      };
    }
    return undefined;
  }

  function route(path: string): Route | undefined {
    if (path === '/token') return { type: 'token' };
    if (path === '/api/access/external/oauth/token') return { type: 'exchange' };
    if (path.replace(/\/$/, '') === ROUTING_PATH) return { type: 'routing' };
    for (const api of Object.keys(MOVEMENT_APIS) as MovementApi[]) {
      const { submitBase, statusBase } = MOVEMENT_APIS[api];
      if (path === `${submitBase}/test-auth`) return { type: 'test-auth', api };
      if (path.startsWith(`${statusBase}/`)) {
        const handler = statusRoute(engines[api], path.slice(statusBase.length).replace(/\/$/, ''));
        return handler ? { type: 'status', api, handler } : undefined;
      }
      const m = path.startsWith(`${submitBase}/`) ? SUBMIT.exec(path.slice(submitBase.length)) : null;
      if (m) {
        const mrn = m[2] ? decodeURIComponent(m[2]) : undefined;
        return { type: 'submit', api, kind: m[1] as MessageKind, mrn };
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------
  // Handlers
  // -------------------------------------------------------------------------------------------------

  function submit(
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    { api, kind, mrn }: Extract<Route, { type: 'submit' }>,
    submitter: { clientId: string; orgNo: string },
  ): Reply {
    const engine = engines[api];
    const method = req.method ?? '';
    const allowed = mrn === undefined ? method === 'POST' : method === 'PUT' || method === 'DELETE';
    if (!allowed) return springError(405, 'Method Not Allowed', url.pathname);
    const contentType = req.headers['content-type'];
    const hasBody = raw.length > 0;
    if ((method !== 'DELETE' || hasBody) && !isJson(contentType)) {
      return springError(
        415,
        'Unsupported Media Type',
        url.pathname,
        `Content-Type '${contentType ?? ''}' is not supported`,
      );
    }
    let body: unknown;
    if (hasBody) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return json(400, { validationErrors: [{ field: '', error: SYNC_MALFORMED_JSON }] });
      }
    }
    if (method === 'DELETE') {
      // §2.2: DELETE with or without a JSON body (at least documentIssueDate, [INF]).
      const checked = validateDeleteBody(body);
      if (!checked.ok) return json(400, { validationErrors: checked.errors });
      return json(202, {
        requestId: engine.submit({ kind, method: 'DELETE', mrn: mrn ?? '', ...submitter }),
      });
    }
    const checked = validateMessage(kind, body, api);
    if (!checked.ok) return json(400, { validationErrors: checked.errors }); // §7.1: nothing stored
    const requestId = engine.submit({
      kind,
      method: method as 'POST' | 'PUT',
      mrn,
      body: checked.value,
      ...submitter,
    } as Parameters<typeof engine.submit>[0]);
    return json(202, { requestId });
  }

  /** `GET …/routing/v1/house-consignment?marker=`: the caller's organisation's signals after the marker (§9.2). */
  function routingQuery(url: URL, orgNo: string): Reply {
    const marker = url.searchParams.get('marker');
    // [INF] an empty `marker=` is read as no marker: from the beginning.
    const page = board.page(orgNo, marker?.trim() ? marker : undefined, routingPageSize);
    if (!page.ok) {
      return json(400, { validationErrors: [{ field: 'marker', error: INF_UNKNOWN_ROUTING_MARKER }] });
    }
    return json(200, page.items);
  }

  function arrive(transportMrn: string): ArrivalReply {
    for (const api of Object.keys(engines) as MovementApi[]) {
      const outcome = engines[api].arrive(transportMrn);
      if (!outcome.ok && outcome.reason === 'NOT_FOUND') continue;
      if (!outcome.ok) return { ok: false, status: 409, error: `transport ${transportMrn} is cancelled` };
      const arrivedAt = outcome.transport.arrivedAt ?? clock().toISOString();
      const published = board.arrive(api, transportMrn, arrivedAt);
      const arrival = { api, transportMrn, arrivedAt };
      return { ok: true, arrival, alreadyArrived: outcome.alreadyArrived, published };
    }
    return {
      ok: false,
      status: 404,
      error: `no road or air transport with MRN ${transportMrn} (or its result is not ready yet)`,
    };
  }

  const messages = () => allEngines.flatMap((engine) => engine.messages());
  const duplicates = () => allEngines.flatMap((engine) => engine.duplicates());
  const setVoecRegister = (numbers: string[]) => {
    for (const engine of allEngines) engine.setVoecRegister(numbers);
  };

  async function tokenEndpoint(
    req: IncomingMessage,
    raw: Buffer,
    which: 'token' | 'exchange',
  ): Promise<Reply> {
    if (req.method !== 'POST')
      return json(405, { error: 'invalid_request', error_description: 'POST required' });
    if (!isForm(req.headers['content-type'])) {
      return json(400, {
        error: 'invalid_request',
        error_description: 'Content-Type must be application/x-www-form-urlencoded',
      });
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    try {
      const body = which === 'token' ? await auth.maskinportenToken(form) : await auth.exchange(form);
      return json(200, body, { 'cache-control': 'no-store' });
    } catch (error) {
      if (error instanceof OAuthError) {
        return json(error.status, { error: error.error, error_description: error.description });
      }
      throw error;
    }
  }

  async function admin(req: IncomingMessage, url: URL, raw: Buffer): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/$/, '');
    const body = (): unknown => (raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {});
    if (method === 'GET' && path === '/__sim/received') return json(200, received);
    if (method === 'GET' && path === '/__sim/messages') return json(200, messages());
    if (method === 'GET' && path === '/__sim/duplicates') return json(200, duplicates());
    if (method === 'GET' && path === '/__sim/routing') return json(200, board.snapshot());
    if (method === 'POST' && path === '/__sim/arrivals') {
      const knob = ArrivalKnob.safeParse(body());
      if (!knob.success) return json(400, { error: describeIssues(knob.error) });
      const result = arrive(knob.data.transportMrn);
      return result.ok ? json(200, result) : json(result.status, { error: result.error });
    }
    if (method === 'POST' && path === '/__sim/routing') {
      const knob = RoutingKnob.safeParse(body());
      if (!knob.success) return json(400, { error: describeIssues(knob.error) });
      return json(200, { ...knob.data, published: board.decide(knob.data) });
    }
    if (method === 'GET' && path === '/__sim/faults') return json(200, faults.get());
    if (method === 'GET' && path === '/__sim/clients') return json(200, auth.listClients());
    if (method === 'GET' && path === '/__sim/health') return json(200, { ok: true });
    if (method === 'POST' && path === '/__sim/faults') {
      faults.set(body() as FaultConfig);
      return json(200, faults.get());
    }
    if (method === 'POST' && path === '/__sim/reset') {
      reset();
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/__sim/clients') {
      auth.registerClient(body() as RegisteredClient);
      return json(201, { ok: true });
    }
    if (method === 'POST' && path === '/__sim/voec-register') {
      const numbers = (body() as { numbers?: unknown }).numbers;
      if (!Array.isArray(numbers)) return json(400, { error: 'numbers: string[] required' });
      setVoecRegister(numbers.map(String));
      return json(200, { ok: true });
    }
    return notFound(url);
  }

  function reset(): void {
    for (const engine of allEngines) engine.reset();
    board.reset();
    received = [];
    limiter.reset();
    auth.resetReplayCache();
  }

  function send(res: ServerResponse, reply: Reply): void {
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    res.end(payload);
  }

  function hold(req: IncomingMessage, res: ServerResponse): void {
    // "Timeout": keep the socket open without answering until the client gives up (or timeoutHoldMs).
    const timer = setTimeout(() => {
      held.delete(res);
      res.socket?.destroy();
    }, faults.timeoutHoldMs);
    timer.unref();
    held.set(res, timer);
    req.socket.on('close', () => {
      clearTimeout(timer);
      held.delete(res);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      send(res, json(413, { status: 413, error: 'Payload Too Large' }));
      return;
    }
    if (url.pathname.startsWith('/__sim/') || url.pathname === '/__sim') {
      try {
        send(res, await admin(req, url, raw));
      } catch (error) {
        send(res, json(400, { error: (error as Error).message }));
      }
      return;
    }

    const record: ReceivedRecord = {
      seq: ++seq,
      method: req.method ?? '',
      path: `${url.pathname}${url.search}`,
      body: describeBody(raw, req.headers['content-type']),
      at: clock().toISOString(),
      outcome: {},
    };
    received.push(record);
    const reply = (r: Reply) => {
      record.outcome.status = r.status;
      const requestId = (r.body as { requestId?: unknown } | undefined)?.requestId;
      if (r.status === 202 && typeof requestId === 'string' && record.method !== 'GET') {
        record.outcome.requestId = requestId;
      }
      return r;
    };

    const found = route(url.pathname);
    if (!found) {
      send(res, reply(notFound(url)));
      return;
    }
    if (found.type === 'token' || found.type === 'exchange') {
      send(res, reply(await tokenEndpoint(req, raw, found.type)));
      return;
    }
    const api: SimulatorApi = found.type === 'routing' ? 'routing' : found.api;
    record.api = api;
    if ((found.type === 'status' || found.type === 'routing') && req.method !== 'GET') {
      send(res, reply(springError(405, 'Method Not Allowed', url.pathname)));
      return;
    }

    // API routes: latency → auth → rate limit → fault → handler.
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    let clientId = 'anonymous';
    let orgNo = 'anonymous';
    const checked = await auth.verifyApiToken(req.headers.authorization, API_SCOPES[api].scopes);
    if (checked.ok) {
      clientId = checked.principal.clientId;
      orgNo = checked.principal.orgNo || clientId;
    } else if (requireAuth) {
      // §10/§2.2: 401 without a valid Customs token, 403 when its scopes lack the API's scope.
      const text = checked.status === 401 ? 'Unauthorized' : 'Forbidden';
      send(res, reply(springError(checked.status, text, url.pathname, checked.message)));
      return;
    }
    record.clientId = clientId;
    // Submission (movement-road-api-v2, movement-air-api) and query (movement-*-query-api) are separate
    // APIs (§2.2, §2.3, prosedyre-mo-fly), as is routing, so each client has one bucket per API: polling
    // does not eat the submission rate, and air traffic does not eat road's.
    const bucket =
      found.type === 'routing' ? api : `${api}-${found.type === 'status' ? 'query' : 'submission'}`;
    const allowed = limiter.take(`${clientId}:${bucket}`, performance.now());
    if (!allowed.ok) {
      send(
        res,
        reply(
          json(
            429,
            { status: 429, error: 'Too Many Requests' },
            { 'retry-after': String(allowed.retryAfterSeconds) },
          ),
        ),
      );
      return;
    }
    const fault = faults.draw();
    if (fault) record.outcome.fault = fault;
    if (fault === 'error') {
      send(res, reply(springError(500, 'Internal Server Error', url.pathname)));
      return;
    }
    if (fault === 'rateLimit') {
      send(res, reply(json(429, { status: 429, error: 'Too Many Requests' }, { 'retry-after': '1' })));
      return;
    }
    if (fault === 'timeout') {
      hold(req, res);
      return;
    }

    let result: Reply;
    if (found.type === 'test-auth') {
      result =
        req.method === 'GET'
          ? json(200, { status: 'OK' })
          : springError(405, 'Method Not Allowed', url.pathname);
    } else if (found.type === 'status') {
      result = found.handler(url);
    } else if (found.type === 'routing') {
      result = routingQuery(url, orgNo);
    } else {
      result = submit(req, url, raw, found, { clientId, orgNo });
    }
    reply(result);
    if (fault === 'drop') {
      // Processed (stored, requestId issued) but never answered: the exactly-once nightmare.
      record.outcome.dropped = true;
      res.socket?.destroy();
      return;
    }
    send(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, springError(500, 'Internal Server Error', req.url ?? '', String(error)));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    port: address.port,
    audience,
    async close() {
      for (const [res, timer] of held) {
        clearTimeout(timer);
        res.socket?.destroy();
      }
      held.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    setFaults: (config) => faults.set(config),
    faults: () => faults.get(),
    received: () => structuredClone(received),
    reset,
    messages,
    duplicates,
    registerClient: (client) => auth.registerClient(client),
    async createClient(clientOptions) {
      const client = await createTestClient(clientOptions);
      auth.registerClient(client);
      return client;
    },
    tokenFor: (client, assertionOptions) =>
      obtainCustomsToken(url, client, { audience, ...assertionOptions }),
    setVoecRegister,
    arrive,
    setRouting: (knob) => board.decide(RoutingKnob.parse(knob)),
    routing: () => board.snapshot(),
  };
}
