/**
 * The route table (functions/http/routes.ts) is the one description of the partner API: the
 * OpenAPI document covers every operation in it, and requests are validated by it before any I/O.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, ROUTES, routeKey } from '../../functions/http/routes.ts';
import { ENV } from '../../lib/deployment.ts';
import { openApiDocument } from '../../lib/manifest/openapi.ts';

const document = openApiDocument(OPERATIONS) as any;

describe('the route table', () => {
  it('holds every operation of the API once, by route key and by operationId', () => {
    expect(OPERATIONS.map(routeKey).sort()).toEqual(
      [
        'GET /health',
        'GET /v1/openapi.json',
        'POST /v1/manifests',
        'POST /v1/manifests/{manifestId}/shipments',
        'GET /v1/manifests/{manifestId}',
        'GET /v1/manifests/{manifestId}/shipments',
        'PATCH /v1/manifests/{manifestId}/transport',
        'GET /v1/shipments/{shipmentNumber}',
        'PUT /v1/shipments/{shipmentNumber}',
        'DELETE /v1/shipments/{shipmentNumber}',
        'GET /v1/alerts',
        'GET /v1/manifests/{manifestId}/tvinn-declarations',
        'GET /v1/transits/{mrn}',
        'GET /v1/manifests/{manifestId}/driver-list',
        'GET /v1/voec-statements',
        'GET /v1/me',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'DELETE /v1/webhooks/{webhookId}',
        'POST /v1/manifest-uploads',
        'GET /v1/manifest-uploads/{uploadId}',
        'GET /v1/manifests',
        'GET /v1/manifests/{manifestId}/shipments/{shipmentNumber}',
      ].sort(),
    );
    for (const [operationId, route] of Object.entries(ROUTES)) expect(route.operationId).toBe(operationId);
  });

  it('declares a schema for every path parameter the path names', () => {
    for (const route of OPERATIONS) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(route.params?.shape ?? {}).sort(), routeKey(route)).toEqual(names.sort());
    }
  });

  it('is the OpenAPI document: every operation with its parameters, body, responses, problems and security', () => {
    for (const route of OPERATIONS) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, routeKey(route)).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.summary).toBe(route.summary);
      expect(operation.security).toEqual(route.partnerKey ? [{ partnerKey: [] }] : []);
      // API Gateway's own answers: the throttle, a failed function, the integration timeout, the
      // 10 MB request cap. Besides, the 403 problem of an operator's key where operators may not go.
      const gateway = ['429', '500', '503', ...(route.body ? ['413'] : [])];
      const refusesOperators = route.partnerKey && !route.operators ? ['403'] : [];
      const statuses = [
        ...new Set([
          ...Object.keys(route.responses),
          ...Object.keys(route.problems),
          ...gateway,
          ...refusesOperators,
        ]),
      ].sort();
      expect(Object.keys(operation.responses).sort(), routeKey(route)).toEqual(statuses);
      for (const status of gateway) {
        expect(operation.responses[status].content['application/json'].schema).toEqual({
          $ref: '#/components/schemas/GatewayMessage',
        });
      }
      for (const status of Object.keys(route.problems)) {
        expect(operation.responses[status].content['application/problem+json'].schema).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
      const pathParameters = (operation.parameters ?? []).filter((p: any) => p.in === 'path');
      expect(pathParameters.map((p: any) => p.name).sort()).toEqual(
        Object.keys(route.params?.shape ?? {}).sort(),
      );
      if (route.body) {
        expect(operation.requestBody.content['application/json'].schema.$ref).toBe(
          `#/components/schemas/${route.body.name}`,
        );
        expect(document.components.schemas[route.body.name]).toBeDefined();
      }
      for (const response of Object.values(route.responses)) {
        if (response.json) expect(document.components.schemas[response.json.name]).toBeDefined();
      }
    }
    expect(
      document.paths['/v1/manifests/{manifestId}/shipments'].get.parameters.map((p: any) => p.name),
    ).toEqual(['manifestId', 'limit', 'cursor', 'status', 'flag']);
    expect(
      document.paths['/v1/manifests/{manifestId}/tvinn-declarations'].get.responses['200'].content,
    ).toHaveProperty('text/csv');
  });
});

type Handler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

describe('requests', () => {
  let read: Handler;
  let changes: Handler;

  beforeAll(async () => {
    // Nothing listens on port 9: any I/O would fail, and the handler answer 500.
    Object.assign(process.env, {
      [ENV.tableName]: 'no-table',
      [ENV.reportQueueUrl]: 'http://127.0.0.1:9/000000000000/no-queue',
      [ENV.dynamoEndpoint]: 'http://127.0.0.1:9',
      [ENV.sqsEndpoint]: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    read = (await import('../../functions/http/read.ts')).handler as unknown as Handler;
    changes = (await import('../../functions/http/changes.ts')).handler as unknown as Handler;
  });

  const event = (key: string, path: string, pathParameters: Record<string, string>, body?: string) =>
    ({
      version: '2.0',
      routeKey: key,
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      pathParameters,
      requestContext: { requestId: 'r', authorizer: { lambda: { partnerId: 'p' } } },
      ...(body ? { body } : {}),
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;
  const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 29_000 };

  it('answer 400 for a path parameter that cannot name anything, before any I/O', async () => {
    const long = 'm'.repeat(3_000);
    const reply = await read(
      event('GET /v1/manifests/{manifestId}', `/v1/manifests/${long}`, { manifestId: long }),
      context,
    );
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(String(reply.body))).toMatchObject({ errors: [{ path: '/manifestId' }] });
    const webhook = await changes(
      event('DELETE /v1/webhooks/{webhookId}', '/v1/webhooks/..', { webhookId: '../x' }),
      context,
    );
    expect(webhook.statusCode).toBe(400);
  });

  it('answer 404 for a route the function does not serve, and 401 without a partner', async () => {
    expect((await read(event('GET /v1/webhooks', '/v1/webhooks', {}), context)).statusCode).toBe(404);
    const anonymous = event('GET /v1/alerts', '/v1/alerts', {});
    delete (anonymous.requestContext as { authorizer?: unknown }).authorizer;
    const reply = await read(anonymous, context);
    expect(reply.statusCode).toBe(401);
    expect(reply.headers?.['www-authenticate']).toBe('Bearer');
  });

  it('answer 403 to an operator key on a route that changes something, before any I/O; /v1/me answers who it is', async () => {
    const asOperator = (routeKey: string, path: string, params: Record<string, string>, body?: string) => {
      const request = event(routeKey, path, params, body);
      (request.requestContext as { authorizer?: unknown }).authorizer = {
        lambda: { partnerId: 'desk', role: 'operator' },
      };
      return request;
    };
    const amend = await changes(
      asOperator('DELETE /v1/shipments/{shipmentNumber}', '/v1/shipments/RR123456785SE', {
        shipmentNumber: 'RR123456785SE',
      }),
      context,
    );
    expect(amend.statusCode).toBe(403);
    expect(amend.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(amend.body))).toMatchObject({
      status: 403,
      type: expect.stringMatching(/forbidden/),
    });
    const webhook = await changes(
      asOperator(
        'POST /v1/webhooks',
        '/v1/webhooks',
        {},
        JSON.stringify({ url: 'https://example.com/hook' }),
      ),
      context,
    );
    expect(webhook.statusCode).toBe(403);
    // Operators read any partner's manifest: past the role check, the read reaches the (absent) table.
    const tvinn = await read(
      asOperator('GET /v1/manifests/{manifestId}/tvinn-declarations', '/v1/manifests/m1/tvinn-declarations', {
        manifestId: 'm1',
      }),
      context,
    );
    expect(tvinn.statusCode).toBe(500);
    const me = await read(asOperator('GET /v1/me', '/v1/me', {}), context);
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(String(me.body))).toEqual({ role: 'operator', operatorId: 'desk' });
    const partner = await read(event('GET /v1/me', '/v1/me', {}), context);
    expect(JSON.parse(String(partner.body))).toEqual({ role: 'partner', partnerId: 'p' });
  });

  it('answer 500 without detail when a dependency fails (here: the table is unreachable)', async () => {
    const reply = await read(event('GET /v1/alerts', '/v1/alerts', {}), context);
    expect(reply.statusCode).toBe(500);
    expect(JSON.parse(String(reply.body))).toMatchObject({ type: expect.stringMatching(/internal/) });
  });
});
