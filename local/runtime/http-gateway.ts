/**
 * The HTTP API (API Gateway v2) in front of the local functions: the template's routes,
 * integrations and Lambda REQUEST authorizer (with its result cache), API Gateway's limits and
 * its own error answers (`{"message":"Not Found"}` and friends), served with node:http.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyTooLarge, problemResponse } from '../../functions/http/answers.ts';
import { LIMITS } from '../../lib/manifest/schema.ts';
import {
  buildAuthorizerEvent,
  buildHttpApiEvent,
  type HttpApiEventV2,
  type HttpResponseParts,
  identityValue,
  mapLambdaResult,
  newApiRequestId,
  parseRouteKey,
  type RouteKeyPattern,
  selectRoute,
} from './api-events.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';
import { type Intrinsics, TemplateError } from './intrinsics.ts';
import type { LambdaFunctionHost } from './lambda-host.ts';
import { isUnder, type StaticSite, serveStatic } from './static-site.ts';

/** HTTP API's request body cap. */
export const MAX_HTTP_API_BODY_BYTES = 10 * 1024 * 1024;
/** HTTP API's integration timeout cap (and default). */
const MAX_INTEGRATION_TIMEOUT_MS = 30_000;

export interface ApiAuthorizer {
  logicalId: string;
  host: LambdaFunctionHost;
  identitySource: string[];
  ttlSeconds: number;
  simpleResponses: boolean;
  cache: Map<string, { expiresAt: number; result: AuthorizerResult }>;
}

interface AuthorizerResult {
  isAuthorized?: boolean;
  context?: unknown;
  policyDocument?: { Statement?: Array<{ Effect?: string; Action?: unknown; Resource?: unknown }> };
}

export interface ApiRoute extends RouteKeyPattern {
  host: LambdaFunctionHost;
  integrationTimeoutMs: number;
  authorizer?: ApiAuthorizer;
}

export interface ApiDefinition {
  logicalId: string;
  apiId: string;
  stage: string;
  routes: ApiRoute[];
}

/** The first HTTP API of the templates, with each route wired to its function and authorizer. */
export function apiFromTemplates(
  intrinsics: Intrinsics,
  hostFor: (functionArn: string) => LambdaFunctionHost | undefined,
  log: (message: string) => void,
): ApiDefinition | undefined {
  const apis = intrinsics.stackNames().flatMap((stackName) =>
    intrinsics
      .resources(stackName, 'AWS::ApiGatewayV2::Api')
      .filter(([, resource]) => (resource.Properties?.ProtocolType ?? 'HTTP') === 'HTTP')
      .map(([logicalId]) => ({ stackName, logicalId })),
  );
  const [first, ...others] = apis;
  if (!first) return undefined;
  for (const other of others) log(`HTTP API ${other.logicalId} is not served locally (only one API is)`);
  const { stackName, logicalId } = first;
  const apiId = intrinsics.identity(stackName, logicalId, `${stackName}/${logicalId}`).ref;
  const belongsToApi = (props: Record<string, unknown> | undefined, path: string) =>
    intrinsics.resolve(props?.ApiId, stackName, `${path}/ApiId`) === apiId;
  const functionFromUri = (uri: string, path: string) => {
    // Either the function ARN or the apigateway ".../functions/<arn>/invocations" form.
    const arn = /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri;
    const host = hostFor(arn);
    if (!host) throw new TemplateError(`No local function for ${arn}`, path);
    return host;
  };

  const authorizers = new Map<string, ApiAuthorizer>();
  for (const [id, resource] of intrinsics.resources(stackName, 'AWS::ApiGatewayV2::Authorizer')) {
    const path = `${stackName}/${id}/Properties`;
    if (!belongsToApi(resource.Properties, path)) continue;
    const props = intrinsics.resolve(resource.Properties, stackName, path) as Record<string, unknown>;
    if (props.AuthorizerType !== 'REQUEST') {
      throw new TemplateError(
        `Authorizer type ${String(props.AuthorizerType)} is not emulated locally`,
        path,
      );
    }
    if (props.AuthorizerPayloadFormatVersion !== '2.0') {
      throw new TemplateError('Only authorizer payload format 2.0 is emulated locally', path);
    }
    const ref = intrinsics.identity(stackName, id, path).ref;
    authorizers.set(ref, {
      logicalId: id,
      host: functionFromUri(String(props.AuthorizerUri), path),
      identitySource: (props.IdentitySource as string[] | undefined) ?? [],
      ttlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 0),
      simpleResponses: props.EnableSimpleResponses === true,
      cache: new Map(),
    });
  }

  const integrations = new Map<string, { host: LambdaFunctionHost; timeoutMs: number }>();
  for (const [id, resource] of intrinsics.resources(stackName, 'AWS::ApiGatewayV2::Integration')) {
    const path = `${stackName}/${id}/Properties`;
    if (!belongsToApi(resource.Properties, path)) continue;
    const props = intrinsics.resolve(resource.Properties, stackName, path) as Record<string, unknown>;
    if (props.IntegrationType !== 'AWS_PROXY' || (props.PayloadFormatVersion ?? '2.0') !== '2.0') {
      throw new TemplateError('Only Lambda proxy integrations with payload format 2.0 are emulated', path);
    }
    integrations.set(intrinsics.identity(stackName, id, path).ref, {
      host: functionFromUri(String(props.IntegrationUri), path),
      timeoutMs: Math.min(
        Number(props.TimeoutInMillis ?? MAX_INTEGRATION_TIMEOUT_MS),
        MAX_INTEGRATION_TIMEOUT_MS,
      ),
    });
  }

  const routes: ApiRoute[] = [];
  for (const [id, resource] of intrinsics.resources(stackName, 'AWS::ApiGatewayV2::Route')) {
    const path = `${stackName}/${id}/Properties`;
    if (!belongsToApi(resource.Properties, path)) continue;
    const props = intrinsics.resolve(resource.Properties, stackName, path) as Record<string, unknown>;
    const target = /^integrations\/(.+)$/.exec(String(props.Target ?? ''))?.[1];
    const integration = target ? integrations.get(target) : undefined;
    if (!integration)
      throw new TemplateError(`Route target ${String(props.Target)} is not a local integration`, path);
    let authorizer: ApiAuthorizer | undefined;
    if (props.AuthorizationType === 'CUSTOM') {
      authorizer = authorizers.get(String(props.AuthorizerId));
      if (!authorizer) throw new TemplateError(`Unknown authorizer ${String(props.AuthorizerId)}`, path);
    } else if (props.AuthorizationType && props.AuthorizationType !== 'NONE') {
      throw new TemplateError(
        `Authorization ${String(props.AuthorizationType)} is not emulated locally`,
        path,
      );
    }
    routes.push({
      ...parseRouteKey(String(props.RouteKey)),
      host: integration.host,
      integrationTimeoutMs: integration.timeoutMs,
      ...(authorizer ? { authorizer } : {}),
    });
  }
  return { logicalId, apiId, stage: '$default', routes };
}

export interface LocalEndpointResult {
  statusCode: number;
  body: unknown;
}

/** Runtime endpoints under `/__local/`, keyed `METHOD /path`. */
export type LocalEndpoints = Record<string, () => Promise<LocalEndpointResult>>;

const apiGatewayMessage = (statusCode: number, message: string): HttpResponseParts => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

export class HttpGateway {
  private readonly server: Server;
  api?: ApiDefinition;

  constructor(
    private readonly options: {
      localEndpoints: LocalEndpoints;
      log: (message: string) => void;
      /** Static sites beside the API (the operations console); CloudFront serves them in AWS. */
      staticSites?: StaticSite[];
    },
  ) {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    // Keep-alive sockets must not hold `stop()` open.
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const requestId = newApiRequestId();
    let result: HttpResponseParts;
    try {
      const { body, tooLarge } = await readBody(request);
      const site = this.options.staticSites?.find((candidate) => isUnder(candidate, path));
      if (path.startsWith('/__local/')) result = await this.local(method, path);
      else if (site) result = serveStatic(site, method, path);
      else if (tooLarge) result = apiGatewayMessage(413, 'Request Entity Too Large');
      else result = await this.route(request, method, url, body, requestId);
    } catch (error) {
      this.options.log(`gateway error on ${method} ${path}: ${(error as Error).stack ?? String(error)}`);
      result = apiGatewayMessage(500, 'Internal Server Error');
    }
    response.writeHead(result.statusCode, {
      ...result.headers,
      'apigw-requestid': requestId,
      'content-length': String(result.body.length),
    });
    response.end(result.body);
    // One line per request; never bodies or query strings (they can hold personal data).
    this.options.log(`${method} ${path} ${result.statusCode} ${Math.round(performance.now() - started)} ms`);
  }

  private async local(method: string, path: string): Promise<HttpResponseParts> {
    const endpoint = this.options.localEndpoints[`${method} ${path}`];
    if (!endpoint) return apiGatewayMessage(404, 'Not Found');
    const { statusCode, body } = await endpoint();
    return {
      statusCode,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    };
  }

  private async route(
    request: IncomingMessage,
    method: string,
    url: string,
    body: Buffer,
    requestId: string,
  ): Promise<HttpResponseParts> {
    const api = this.api;
    if (!api) return apiGatewayMessage(503, 'Service Unavailable');
    const rawPath = url.split('?')[0] ?? '/';
    const match = selectRoute(api.routes, method, rawPath);
    if (!match) return apiGatewayMessage(404, 'Not Found');
    const { route, pathParameters } = match;
    const event = buildHttpApiEvent(
      {
        method,
        url,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${request.httpVersion}`,
        localPort: request.socket.localPort ?? 0,
      },
      route.routeKey,
      pathParameters,
      { apiId: api.apiId, stage: api.stage },
      requestId,
    );
    if (route.authorizer) {
      const denied = await this.authorize(route.authorizer, event, method, rawPath, api);
      if (denied) return denied;
    }
    return this.integrate(route, event);
  }

  /** Runs the Lambda authorizer (or uses its cached answer); returns the refusal, if any. */
  private async authorize(
    authorizer: ApiAuthorizer,
    event: HttpApiEventV2,
    method: string,
    rawPath: string,
    api: ApiDefinition,
  ): Promise<HttpResponseParts | undefined> {
    const identity = authorizer.identitySource.map((source) => identityValue(source, event));
    if (identity.some((value) => value === undefined)) return apiGatewayMessage(401, 'Unauthorized');
    const routeArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${api.apiId}/${api.stage}/${method}${rawPath}`;
    const cacheKey = identity.join('\u0000');
    const cached = authorizer.ttlSeconds > 0 ? authorizer.cache.get(cacheKey) : undefined;
    let result = cached && cached.expiresAt > Date.now() ? cached.result : undefined;
    if (!result) {
      const outcome = await authorizer.host.invoke(
        buildAuthorizerEvent(event, routeArn, identity as string[]),
      );
      if (outcome.status !== 'ok') return apiGatewayMessage(500, 'Internal Server Error');
      result = JSON.parse(outcome.payload) as AuthorizerResult;
      if (!result || typeof result !== 'object') return apiGatewayMessage(500, 'Internal Server Error');
      if (authorizer.ttlSeconds > 0) {
        authorizer.cache.set(cacheKey, { expiresAt: Date.now() + authorizer.ttlSeconds * 1000, result });
      }
    }
    const allowed = authorizer.simpleResponses
      ? result.isAuthorized === true
      : policyAllows(result.policyDocument, routeArn);
    if (authorizer.simpleResponses && typeof result.isAuthorized !== 'boolean') {
      return apiGatewayMessage(500, 'Internal Server Error');
    }
    if (!allowed) return apiGatewayMessage(403, 'Forbidden');
    event.requestContext.authorizer = { lambda: result.context ?? null };
    return undefined;
  }

  private async integrate(route: ApiRoute, event: HttpApiEventV2): Promise<HttpResponseParts> {
    let timer: NodeJS.Timeout | undefined;
    const integrationTimeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), route.integrationTimeoutMs);
    });
    try {
      // The function keeps running after API Gateway gives up, as it does on AWS.
      const outcome = await Promise.race([route.host.invoke(event), integrationTimeout]);
      if (outcome === 'timeout') return apiGatewayMessage(503, 'Service Unavailable');
      if (outcome.status === 'request-too-large') return payloadTooLarge(bodyBytes(event));
      if (outcome.status === 'error') return apiGatewayMessage(500, 'Internal Server Error');
      try {
        return mapLambdaResult(outcome.payload);
      } catch (error) {
        this.options.log(`malformed Lambda response on ${route.routeKey}: ${(error as Error).message}`);
        return apiGatewayMessage(500, 'Internal Server Error');
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A body whose event is over Lambda's payload cap never reaches the function. The partner is told
 * the limit it builds against (LIMITS.requestPayloadBytes, every body up to which fits an event),
 * as the function says it, so the local API refuses exactly above that number. (In AWS, API Gateway
 * answers such a request itself; nothing over the limit is ever accepted there either.)
 */
function payloadTooLarge(bodyBytes: number): HttpResponseParts {
  const problem = problemResponse(bodyTooLarge(bodyBytes, LIMITS.requestPayloadBytes));
  return { statusCode: problem.statusCode, headers: problem.headers, body: Buffer.from(problem.body) };
}

const bodyBytes = (event: HttpApiEventV2): number =>
  event.body === undefined ? 0 : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').length;

/** IAM-policy authorizer answers: an Allow for `execute-api:Invoke` on the route and no Deny. */
function policyAllows(policy: AuthorizerResult['policyDocument'], routeArn: string): boolean {
  const matches = (pattern: unknown) =>
    [pattern]
      .flat()
      .map(String)
      .some((p) =>
        new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ).test(routeArn),
      );
  const applies = (statement: { Action?: unknown; Resource?: unknown }) =>
    [statement.Action]
      .flat()
      .map(String)
      .some((action) => action === '*' || action === 'execute-api:*' || action === 'execute-api:Invoke') &&
    matches(statement.Resource);
  const statements = policy?.Statement ?? [];
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

/** Reads the body up to HTTP API's cap; beyond it the rest is drained and discarded. */
async function readBody(request: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number(request.headers['content-length'] ?? 0) > MAX_HTTP_API_BODY_BYTES;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTTP_API_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return { body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}
