/**
 * API Gateway HTTP API behaviour that does not depend on sockets: route selection, payload
 * format 2.0 request and authorizer events, and mapping a Lambda result back to an HTTP response.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT } from './aws.ts';

export interface RouteKeyPattern {
  routeKey: string;
  method: string; // 'ANY' or an HTTP method; '$default' matches anything
  segments: string[];
  greedy: boolean;
}

export function parseRouteKey(routeKey: string): RouteKeyPattern {
  if (routeKey === '$default') return { routeKey, method: '$default', segments: [], greedy: true };
  const [method = '', path = ''] = routeKey.split(' ');
  const segments = path.split('/').slice(1);
  const last = segments[segments.length - 1] ?? '';
  return { routeKey, method: method.toUpperCase(), segments, greedy: /^\{[^}]+\+\}$/.test(last) };
}

/** Path parameters if the route matches, else undefined. */
function matchRoute(
  route: RouteKeyPattern,
  method: string,
  rawPath: string,
): Record<string, string> | undefined {
  if (route.method === '$default') return {};
  if (route.method !== 'ANY' && route.method !== method) return undefined;
  const parts = rawPath.split('/').slice(1);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i] ?? '';
    const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
    if (variable?.[2]) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      parameters[variable[1] ?? ''] = safeDecode(rest.join('/'));
      return parameters;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (variable) {
      if (part === '') return undefined;
      parameters[variable[1] ?? ''] = safeDecode(part);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return parts.length === route.segments.length ? parameters : undefined;
}

/**
 * API Gateway's route selection: the most specific match wins — literal segments over variables
 * (left to right), variables over a greedy `{proxy+}`, a method over ANY, and `$default` last.
 */
export function selectRoute<T extends RouteKeyPattern>(
  routes: readonly T[],
  method: string,
  rawPath: string,
): { route: T; pathParameters: Record<string, string> } | undefined {
  let best: { route: T; pathParameters: Record<string, string>; score: number[] } | undefined;
  for (const route of routes) {
    const pathParameters = matchRoute(route, method, rawPath);
    if (!pathParameters) continue;
    const score =
      route.method === '$default'
        ? [0]
        : [
            1,
            route.greedy ? 0 : 1,
            ...route.segments.map((segment) => (segment.startsWith('{') ? 0 : 1)),
            route.method === 'ANY' ? 0 : 1,
          ];
    if (!best || compareScores(score, best.score) > 0) best = { route, pathParameters, score };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** What arrives from the socket, before any API Gateway processing. */
export interface IncomingHttpRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  /** Raw header pairs in arrival order (`IncomingMessage.rawHeaders`). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  localPort: number;
}

export interface ApiContextInfo {
  apiId: string;
  stage: string;
}

export interface HttpApiEventV2 {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: { lambda: unknown };
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/** API Gateway's request id shape, e.g. `JKJaXmPLvHcESHA=`. */
export function newApiRequestId(): string {
  return randomBytes(11).toString('base64').replace(/[+/]/g, 'x');
}

/** Header names lower-cased, repeated headers joined by commas, as in payload format 2.0. */
export function normalizeHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Content types API Gateway passes as text; every other body (and any encoded body) is base64. */
export function isTextBody(headers: Record<string, string>): boolean {
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity') return false;
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    /^application\/([a-z0-9.+-]*\+)?(json|xml)$/.test(type) ||
    type === 'application/javascript'
  );
}

function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** The payload 2.0 event for a matched route (without the authorizer, added after it ran). */
export function buildHttpApiEvent(
  request: IncomingHttpRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  api: ApiContextInfo,
  requestId: string,
  now = new Date(),
): HttpApiEventV2 {
  const queryIndex = request.url.indexOf('?');
  const rawPath = queryIndex < 0 ? request.url : request.url.slice(0, queryIndex);
  const rawQueryString = queryIndex < 0 ? '' : request.url.slice(queryIndex + 1);
  const headers = normalizeHeaders(request.rawHeaders);
  // Cookies travel in their own list, not as a header.
  const cookies = request.rawHeaders
    .filter((_value, i) => i % 2 === 1 && request.rawHeaders[i - 1]?.toLowerCase() === 'cookie')
    .flatMap((value) => value.split(/;\s*/))
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  delete headers.cookie;
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[key] =
      key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }
  const host = headers.host ?? 'localhost';
  const hasBody = request.body.length > 0;
  const text = isTextBody(headers);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: api.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0]?.split(':')[0] ?? host,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: api.stage,
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/** The REQUEST authorizer event (payload 2.0): the request without its body, plus the route ARN. */
export function buildAuthorizerEvent(event: HttpApiEventV2, routeArn: string, identitySource: string[]) {
  const { body: _body, isBase64Encoded: _encoded, version: _version, ...request } = event;
  return { version: '2.0', type: 'REQUEST', routeArn, identitySource, ...request };
}

/** Reads one identity source expression (`$request.header.X`, `$request.querystring.X`, `$context.X`). */
export function identityValue(expression: string, event: HttpApiEventV2): string | undefined {
  const header = /^\$request\.header\.(.+)$/i.exec(expression);
  if (header?.[1]) return event.headers[header[1].toLowerCase()] || undefined;
  const query = /^\$request\.querystring\.(.+)$/i.exec(expression);
  if (query?.[1]) return event.queryStringParameters?.[query[1]] || undefined;
  const context = /^\$context\.(.+)$/.exec(expression);
  if (context?.[1]) {
    const value = (event.requestContext as unknown as Record<string, unknown>)[context[1]];
    return value === undefined || value === '' ? undefined : String(value);
  }
  return undefined;
}

export interface HttpResponseParts {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * A payload 2.0 Lambda result → HTTP. An object with `statusCode` is a full response; any other
 * valid JSON is sent as a 200 `application/json` body. A malformed response is a 500, as in AWS.
 */
export function mapLambdaResult(payloadJson: string): HttpResponseParts {
  const result = JSON.parse(payloadJson) as unknown;
  if (!result || typeof result !== 'object' || Array.isArray(result) || !('statusCode' in result)) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(payloadJson),
    };
  }
  const response = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: unknown;
  };
  const statusCode = Number(response.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResponseError(`statusCode ${JSON.stringify(response.statusCode)} is not valid`);
  }
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string') {
    throw new MalformedResponseError('body must be a string');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') throw new MalformedResponseError(`header ${name} is not a scalar`);
    headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(response.cookies) && response.cookies.length) {
    headers['set-cookie'] = response.cookies.map(String);
  }
  const body = response.body ?? '';
  return {
    statusCode,
    headers,
    body: Buffer.from(body, response.isBase64Encoded === true ? 'base64' : 'utf8'),
  };
}

export class MalformedResponseError extends Error {
  override readonly name = 'MalformedLambdaResponse';
}
