/**
 * The one wrapper for HTTP API (payload v2) handlers, as middlewares:
 * - Lambda context on every log line, and the request's keys cleared after it (Powertools);
 * - metrics flushed per invocation;
 * - the route resolved from the route table and the request decoded and validated by its schemas
 *   (partner, path parameters, query, body: gzip, base64, size limits, JSON) before any I/O;
 * - any error answered as a problem document (answers.ts), unknown ones as a 500 that reveals nothing.
 * Handlers get the validated request and stay: call one domain function → map the result.
 */
import { gunzipSync } from 'node:zlib';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { KeyRole } from '../../lib/domain/partner-keys.ts';
import type { NamedSchema } from '../../lib/manifest/openapi.ts';
import { LIMITS } from '../../lib/manifest/schema.ts';
import { logger, metrics } from '../observability.ts';
import {
  bodyTooLarge,
  ForbiddenError,
  type HttpProblem,
  type HttpResponse,
  NoSuchOperationError,
  PayloadTooLargeError,
  parseOrThrow,
  problemFor,
  problemResponse,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './answers.ts';
import { type HttpFunction, ROUTES_BY_KEY, type Route, type Routes } from './routes.ts';

export { logger };

type AuthorizedEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: { partnerId?: string; refusal?: string; role?: string } };
  };
};

// ---------------------------------------------------------------------------------------------------
// Types: what a route's handler gets and may answer, from its entry in the route table
// ---------------------------------------------------------------------------------------------------

type Inferred<S> = S extends z.ZodType ? z.infer<S> : Record<string, never>;
type Headers = Record<string, string>;

export interface HttpRequest<R extends Route> {
  /** The partner the authorizer resolved (routes that need the partner key only). */
  partnerId: R['partnerKey'] extends true ? string : undefined;
  /** The key's role: `operator` only on routes that admit operators (`operators: true`). */
  role: R['partnerKey'] extends true ? KeyRole : undefined;
  params: Inferred<R['params']>;
  query: Inferred<R['query']>;
  body: R['body'] extends NamedSchema<infer S> ? z.infer<S> : undefined;
  /** A request header (case-insensitive). */
  header(name: string): string | undefined;
}

type SuccessReply<R extends Route> = {
  [S in keyof R['responses'] & number]: R['responses'][S] extends { json: NamedSchema<infer J> }
    ?
        | { status: S; json: z.infer<J>; headers?: Headers }
        | (R['responses'][S] extends { csv: true } ? { status: S; csv: string; headers?: Headers } : never)
        | (R['responses'][S] extends { pdf: true }
            ? { status: S; pdf: Uint8Array; headers?: Headers }
            : never)
    : R['responses'][S] extends { csv: true }
      ? { status: S; csv: string; headers?: Headers }
      : { status: S; headers?: Headers };
}[keyof R['responses'] & number];

/** A problem the handler decided on (a conflict, a broken rule): its status and document. */
export type ProblemReply = { status: number; problem: HttpProblem; headers?: Headers };

export type Reply<R extends Route> = SuccessReply<R> | ProblemReply;

type RoutesOf<F extends HttpFunction> = {
  [K in keyof Routes as Routes[K]['function'] extends F ? K : never]: Routes[K];
};

/** One implementation per operation the function serves, named by operationId. */
export type Handlers<F extends HttpFunction> = {
  [K in keyof RoutesOf<F>]: RoutesOf<F>[K] extends Route
    ? (request: HttpRequest<RoutesOf<F>[K]>) => Promise<Reply<RoutesOf<F>[K]>>
    : never;
};

/** Any reply, as the wrapper serialises it. */
type AnyReply = {
  status: number;
  headers?: Headers;
  problem?: HttpProblem;
  csv?: string;
  pdf?: Uint8Array;
  json?: unknown;
};

interface Resolved {
  route: Route;
  request: HttpRequest<Route>;
}

type HttpContext = Context & { resolved?: Resolved };

// ---------------------------------------------------------------------------------------------------
// The wrapper
// ---------------------------------------------------------------------------------------------------

export function httpHandler<F extends HttpFunction>(fn: F, handlers: Handlers<F>) {
  // Each implementation is typed by its route; here they are looked up by operationId at run time.
  const implementations = handlers as unknown as Record<
    string,
    ((request: HttpRequest<Route>) => Promise<AnyReply>) | undefined
  >;
  return middy<AuthorizedEvent, APIGatewayProxyResultV2, Error, HttpContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(answerErrors())
    .use(decodeRequest(fn))
    .handler(async (event, context) => {
      const resolved = context.resolved;
      if (!resolved) throw new Error('decodeRequest did not run');
      const implementation = implementations[resolved.route.operationId];
      if (!implementation) throw noSuchOperation(event);
      return toResult(await implementation(resolved.request), event.rawPath);
    });
}

// ---------------------------------------------------------------------------------------------------
// Middlewares
// ---------------------------------------------------------------------------------------------------

/** Resolves the route (404 for one this function does not serve) and validates the request by it. */
function decodeRequest(
  fn: HttpFunction,
): MiddlewareObj<AuthorizedEvent, APIGatewayProxyResultV2, Error, HttpContext> {
  return {
    before: async ({ event, context }) => {
      logger.appendKeys({ routeKey: event.routeKey, requestId: event.requestContext?.requestId });
      const route = ROUTES_BY_KEY.get(event.routeKey);
      if (!route || route.function !== fn) throw noSuchOperation(event);
      context.resolved = { route, request: parseRequest(route, event) };
    },
  };
}

/** A request no operation serves (the `$default` route): a 404 naming what was asked, briefly. */
function noSuchOperation(event: AuthorizedEvent): NoSuchOperationError {
  const method = event.requestContext?.http?.method ?? event.routeKey.split(' ')[0] ?? '';
  const path = event.rawPath ?? '';
  const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
  return new NoSuchOperationError(`This API has no operation ${method} ${shown}; see GET /v1/openapi.json.`);
}

/** Any error of the request (or of a middleware) answered as a problem document. */
function answerErrors(): MiddlewareObj<AuthorizedEvent, APIGatewayProxyResultV2, Error, HttpContext> {
  return {
    onError: async (request) => {
      const problem = problemFor(request.error);
      if (problem) logRefusal(problem);
      else logger.error('Request failed', { error: request.error ?? undefined });
      request.response = problemResponse(request.error, request.event.rawPath);
    },
  };
}

/**
 * Why a request was refused, for the operator: the problem type, and each field error's pointer and
 * code. Never the detail or messages (they can quote what was sent) and never values.
 */
function logRefusal(problem: HttpProblem): void {
  logger.info('Request refused', {
    status: problem.status,
    problemType: problem.type,
    ...(problem.errors?.length
      ? {
          errors: problem.errors.slice(0, 20).map(({ path, code }) => ({ path, code })),
          errorCount: problem.errors.length,
        }
      : {}),
  });
}

function parseRequest(route: Route, event: AuthorizedEvent): HttpRequest<Route> {
  let partnerId: string | undefined;
  let role: KeyRole | undefined;
  if (route.partnerKey) {
    // The authorizer allows every request and says who it is, or why nobody (functions/auth/authorizer.ts).
    const context = event.requestContext.authorizer?.lambda;
    partnerId = context?.partnerId;
    if (!partnerId) throw UnauthorizedError.because(context?.refusal);
    role = context?.role === 'operator' ? 'operator' : 'partner';
    logger.appendKeys({ partnerId, role });
    if (role === 'operator' && !route.operators) {
      throw new ForbiddenError(
        `An operator key reads only; ${route.method} ${route.path} needs the partner's own key.`,
      );
    }
  }
  const params = route.params ? parseOrThrow(route.params, event.pathParameters ?? {}) : {};
  const query = route.query ? parseOrThrow(route.query, event.queryStringParameters ?? {}) : {};
  const body = route.body ? parseOrThrow(route.body.schema, decodeJsonBody(event)) : undefined;
  return {
    partnerId,
    role,
    params,
    query,
    body,
    header: (name) => {
      const wanted = name.toLowerCase();
      return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
    },
  } as HttpRequest<Route>;
}

function toResult(reply: AnyReply, instance: string): HttpResponse {
  const headers = reply.headers ?? {};
  if (reply.problem) {
    logRefusal(reply.problem);
    return problemResponse(reply.problem, instance);
  }
  if (reply.csv !== undefined) {
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'text/csv; charset=utf-8', ...headers },
      body: reply.csv,
    };
  }
  if (reply.pdf !== undefined) {
    // Binary bodies travel base64-encoded in the proxy result; API Gateway decodes them.
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'application/pdf', ...headers },
      body: Buffer.from(reply.pdf).toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (reply.json !== undefined) {
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(reply.json),
    };
  }
  return { statusCode: reply.status, headers, body: '' };
}

// ---------------------------------------------------------------------------------------------------
// Body decoding
// ---------------------------------------------------------------------------------------------------

export function decodeJsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'headers' | 'isBase64Encoded'>,
): unknown {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
  );
  if (!event.body) {
    throw new ValidationError([{ path: '', code: 'required', message: 'a JSON request body is required' }]);
  }
  // The body as the partner sent it: base64 (binary, gzip) is decoded, text counted in UTF-8 bytes.
  const sentBytes = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').length
    : Buffer.byteLength(event.body, 'utf8');
  if (sentBytes > LIMITS.requestPayloadBytes) throw bodyTooLarge(sentBytes, LIMITS.requestPayloadBytes);
  const contentType = headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got "${contentType || 'none'}").`,
    );
  }
  let raw = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'gzip') {
    try {
      raw = gunzipSync(raw, { maxOutputLength: LIMITS.decompressedBodyBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new PayloadTooLargeError(
          `The gzip body inflates beyond ${LIMITS.decompressedBodyBytes} bytes.`,
        );
      }
      throw new ValidationError([
        { path: '', code: 'invalid_gzip', message: 'the body is not valid gzip data' },
      ]);
    }
  } else if (encoding !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding "${encoding}" is not supported; use gzip or none.`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ValidationError([
      { path: '', code: 'invalid_json', message: `the body is not valid JSON: ${(error as Error).message}` },
    ]);
  }
}
