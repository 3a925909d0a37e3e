/**
 * Invokes the HTTP handlers the way API Gateway (payload v2) + the authorizer would, against a
 * fresh table and queue in DynamoDB Local and fauxqs.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inject } from 'vitest';
import { documentClient, sqsClient } from '../../lib/compose/aws.ts';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import { recordViolations } from './support/contract.ts';
import { createTestQueue, createTestTable } from './support/resources.ts';

export const fixture = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));

/**
 * The fixture with its ETA moved to `hoursAhead` from now (the fixture's own date will pass), under a
 * carrier id of its own: the same shipment numbers under one carrier are one waybill at Digitoll,
 * which a second manifest may not report while the first holds it (one live house per waybill).
 */
export function manifestWith(overrides: Partial<ManifestRequest> = {}, hoursAhead = 24): ManifestRequest {
  const base = fixture();
  base.transport.estimatedArrival = new Date(Date.now() + hoursAhead * 3_600_000).toISOString();
  base.transport.carrier.id = `NO${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return { ...base, reference: `REF-${Math.random().toString(36).slice(2)}`, ...overrides };
}

export function manyShipments(count: number, template = fixture().shipments[0]) {
  if (!template) throw new Error('fixture has no shipment');
  return Array.from({ length: count }, (_, index) => ({
    ...structuredClone(template),
    shipmentNumber: `BULK${String(index).padStart(8, '0')}SE`,
  }));
}

type Handler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Env {
  tableName: string;
  queueUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
}

/** Creates a fresh table and queue and points this test file's function environment at them. */
export async function setUpEnv(): Promise<Env> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const sqsEndpoint = inject('sqsEndpoint');
  const { tableName } = await createTestTable(dynamoEndpoint);
  const { queueUrl } = await createTestQueue(sqsEndpoint);
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    REPORT_QUEUE_URL: queueUrl,
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  const config = {
    AWS_REGION: 'eu-north-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
  };
  return {
    tableName,
    queueUrl,
    dynamoEndpoint,
    sqsEndpoint,
    db: documentClient(config),
    sqs: sqsClient(config),
  };
}

export interface Call {
  routeKey: string;
  path: string;
  partnerId?: string;
  body?: unknown;
  rawBody?: string;
  gzip?: boolean;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
}

export function apiEvent(call: Call): APIGatewayProxyEventV2 {
  let body: string | undefined;
  let isBase64Encoded = false;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
  if (call.gzip) {
    body = gzipSync(JSON.stringify(call.body)).toString('base64');
    isBase64Encoded = true;
    headers['content-encoding'] = 'gzip';
  } else if (call.rawBody !== undefined) {
    body = call.rawBody;
  } else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
  }
  const [method = 'GET'] = call.routeKey.split(' ');
  return {
    version: '2.0',
    routeKey: call.routeKey,
    rawPath: call.path,
    rawQueryString: new URLSearchParams(call.query ?? {}).toString(),
    headers,
    ...(call.query ? { queryStringParameters: call.query } : {}),
    ...(call.pathParameters ? { pathParameters: call.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: call.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: call.routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(call.partnerId ? { authorizer: { lambda: { partnerId: call.partnerId } } } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  } as APIGatewayProxyEventV2;
}

const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'test-request',
  getRemainingTimeInMillis: () => 29_000,
};

export async function invoke(handler: Handler, call: Call): Promise<Reply> {
  const result = await handler(apiEvent(call), lambdaContext);
  const headers = (result.headers ?? {}) as Record<string, string>;
  recordViolations({
    method: call.routeKey.split(' ')[0] ?? 'GET',
    path: call.path,
    status: result.statusCode ?? 200,
    contentType: headers['content-type'],
    body: result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : (result.body ?? ''),
  });
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
      }),
    );
    if (messages.length === 0) return bodies;
    for (const message of messages) bodies.push(JSON.parse(message.Body ?? 'null'));
  }
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes: attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(attributes?.ApproximateNumberOfMessages ?? 0);
}
