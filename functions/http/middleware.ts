/**
 * The one wrapper for HTTP API (payload v2) handlers: routing by route key, body decoding
 * (gzip, base64, size limits, JSON), the partner from the authorizer, and the single mapping of
 * errors to problem documents. Handlers stay parse → call one domain function → map the result.
 */
import { gunzipSync } from 'node:zlib';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import {
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../lib/domain/errors.ts';
import { type HttpResponse, problemResponse } from '../../lib/http/problem.ts';
import { LIMITS } from '../../lib/manifest/schema.ts';

import { logger, metrics } from '../observability.ts';

export { logger };

type AuthorizedEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: { partnerId?: string } };
  };
};

export interface HttpRequest {
  routeKey: string;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  /** The partner the authorizer resolved; throws 401 on a route without one. */
  partnerId(): string;
  /** The decoded, parsed JSON body. */
  json(): unknown;
  /** A request header (case-insensitive). */
  header(name: string): string | undefined;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse>;

export function httpHandler(routes: Record<string, RouteHandler>) {
  return middy<AuthorizedEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(logMetrics(metrics))
    .before(async (request) => {
      logger.addContext(request.context);
      logger.appendKeys({
        routeKey: request.event.routeKey,
        requestId: request.event.requestContext?.requestId,
      });
    })
    .handler(async (event) => {
      const route = routes[event.routeKey];
      if (!route) return problemResponse(new NotFoundError(`No route ${event.routeKey}`));
      try {
        return await route(toRequest(event));
      } catch (error) {
        if ((error as { status?: number }).status === undefined) {
          logger.error('Request failed', { error: error as Error });
        } else {
          logger.info('Request refused', { status: (error as { status: number }).status });
        }
        return problemResponse(error, event.rawPath);
      } finally {
        logger.resetKeys();
      }
    });
}

function toRequest(event: AuthorizedEvent): HttpRequest {
  return {
    routeKey: event.routeKey,
    pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
    query: (event.queryStringParameters ?? {}) as Record<string, string>,
    partnerId() {
      const partnerId = event.requestContext.authorizer?.lambda?.partnerId;
      if (!partnerId) throw new UnauthorizedError('No partner identified for this request.');
      logger.appendKeys({ partnerId });
      return partnerId;
    },
    json: () => decodeJsonBody(event),
    header: (name) => {
      const wanted = name.toLowerCase();
      return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
    },
  };
}

export function decodeJsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'headers' | 'isBase64Encoded'>,
): unknown {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
  );
  if (!event.body) {
    throw new ValidationError([{ path: '', code: 'required', message: 'a JSON request body is required' }]);
  }
  if (Buffer.byteLength(event.body) > LIMITS.requestPayloadBytes) {
    throw new PayloadTooLargeError(
      `The request body exceeds ${LIMITS.requestPayloadBytes} bytes. Send it with Content-Encoding: gzip, or split the shipments over POST /v1/manifests/{manifestId}/shipments.`,
    );
  }
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
