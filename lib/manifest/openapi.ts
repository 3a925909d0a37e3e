/**
 * The OpenAPI 3.1 document, generated from the operations of the partner API (the route table,
 * functions/http/routes.ts) and their zod schemas (JSON Schema 2020-12, which 3.1 uses). This
 * module only reads schemas: it knows nothing of Lambda or of how requests are served.
 */
import { z } from 'zod';
import { Problem } from './responses.ts';
import { LIMITS } from './schema.ts';
import type { WebhookHeader, WebhookSpec } from './webhooks.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A schema with the name it has in `components.schemas`. */
export interface NamedSchema<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
}

export const named = <S extends z.ZodType>(name: string, schema: S): NamedSchema<S> => ({ name, schema });

export interface ResponseSpec {
  readonly description: string;
  /** An `application/json` body of this schema. */
  readonly json?: NamedSchema;
  /** A `text/csv` body (as well, or instead). */
  readonly csv?: true;
  /** Response headers it carries: name and what it says. */
  readonly headers?: Readonly<Record<string, string>>;
  /** An `application/pdf` body (as well, or instead). */
  readonly pdf?: true;
}

/** Headers of problem answers, by status (answers.ts sets them). */
const PROBLEM_HEADERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  401: { 'WWW-Authenticate': 'Bearer: send Authorization: Bearer <partner key>' },
  409: {
    'Retry-After': 'Seconds to wait, when the conflict is a request in progress or a concurrent change',
  },
};

const headerObjects = (headers: Readonly<Record<string, string>> | undefined) =>
  headers && Object.keys(headers).length
    ? {
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        ),
      }
    : {};

/** One operation of the API: everything the router and this document need to know about it. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** With `{name}` path parameters, as API Gateway writes route keys. */
  readonly path: string;
  readonly summary: string;
  /** Needs `Authorization: Bearer <partner key>`. */
  readonly partnerKey: boolean;
  /**
   * An operator's key may call it too (read-only routes the console needs, issue #11); on every
   * other route an operator key is refused with 403.
   */
  readonly operators?: true;
  /** The path parameters, one property each. */
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** A JSON request body (which may be sent with `Content-Encoding: gzip`). */
  readonly body?: NamedSchema;
  /** Success statuses and their bodies. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** The problem statuses it can answer, each with when. */
  readonly problems: Readonly<Record<number, string>>;
}

/** What the document needs besides the operations (all optional, so a partial document stays valid). */
export interface DocumentParts {
  /** The events delivered to partners' webhooks (the `webhooks` section). */
  readonly webhooks?: readonly WebhookSpec[];
  /** The headers every delivery carries. */
  readonly webhookHeaders?: readonly WebhookHeader[];
  /** Every problem `type` URI the API answers with, and when. */
  readonly problemTypes?: Readonly<Record<string, string>>;
}

/**
 * Answers API Gateway gives itself, before or instead of the function, as `{"message": "..."}`
 * in `application/json` (HTTP APIs cannot shape them): the throttle of the stage, the integration
 * timeout, a function that failed and the 10 MB request cap. The authorizer never refuses (it
 * has no identity source and always allows, saying who or why nobody: functions/auth/authorizer.ts),
 * so 401 and 403 are the functions' own problem documents, listed with each operation's problems.
 */
const GATEWAY = {
  all: {
    429: 'Throttled by the API (answered by API Gateway); retry with back-off',
    500: 'Internal error; nothing sent was lost, retry the same request',
    503: 'The request took too long (answered by API Gateway); retry the same request, it is idempotent',
  },
  body: { 413: 'Over 10 MB as sent (answered by API Gateway)' },
} as const;

const schema = (value: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(value, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function parameters(
  object: z.ZodObject | undefined,
  location: 'path' | 'query',
): Array<Record<string, unknown>> {
  if (!object) return [];
  const json = schema(object, 'input');
  return Object.entries(json.properties ?? {}).map(([name, value]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: value,
  }));
}

export function openApiDocument(
  operations: readonly OperationSpec[],
  parts: DocumentParts = {},
): Record<string, unknown> {
  const components = new Map<string, { schema: z.ZodType; io: 'input' | 'output' }>();
  const register = (entry: NamedSchema, io: 'input' | 'output') => {
    const known = components.get(entry.name);
    if (known && (known.schema !== entry.schema || known.io !== io)) {
      throw new Error(`Two different schemas are named ${entry.name}`);
    }
    components.set(entry.name, { schema: entry.schema, io });
    return ref(entry.name);
  };
  register({ name: 'Problem', schema: Problem }, 'output');
  const gatewayMessage = {
    type: 'object',
    properties: { message: { type: 'string' } },
    required: ['message'],
    description: 'An answer of API Gateway itself',
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const content: Record<string, unknown> = {
        ...(response.json ? { 'application/json': { schema: register(response.json, 'output') } } : {}),
        ...(response.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
        ...(response.pdf
          ? { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } }
          : {}),
      };
      responses[status] = {
        description: response.description,
        ...headerObjects(response.headers),
        ...(Object.keys(content).length ? { content } : {}),
      };
    }
    // An operator's key is refused (403) on every route that does not admit operators.
    const problems: Record<number, string> =
      operation.partnerKey && !operation.operators
        ? { ...operation.problems, 403: "An operator's key: operator keys read only" }
        : operation.problems;
    for (const [status, description] of Object.entries(problems)) {
      responses[status] = {
        description,
        ...headerObjects(PROBLEM_HEADERS[status]),
        content: { 'application/problem+json': { schema: ref('Problem') } },
      };
    }
    const gateway: Record<string, string> = {
      ...GATEWAY.all,
      ...(operation.body ? GATEWAY.body : {}),
    };
    for (const [status, description] of Object.entries(gateway)) {
      const known = responses[status] as
        | { description: string; content?: Record<string, unknown> }
        | undefined;
      responses[status] = {
        ...known,
        description: known ? `${known.description}; or: ${description}` : description,
        content: {
          ...known?.content,
          ...(status === '500' ? { 'application/problem+json': { schema: ref('Problem') } } : {}),
          'application/json': { schema: ref('GatewayMessage') },
        },
      };
    }
    const parametersOf = [
      ...parameters(operation.params, 'path'),
      ...parameters(operation.query, 'query'),
      ...(operation.body
        ? [
            {
              name: 'Content-Encoding',
              in: 'header',
              required: false,
              schema: { enum: ['gzip', 'identity'] },
            },
          ]
        : []),
    ];
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method.toLowerCase()]: {
        operationId: operation.operationId,
        summary: operation.summary,
        security: operation.partnerKey ? [{ partnerKey: [] }] : [],
        ...(parametersOf.length ? { parameters: parametersOf } : {}),
        ...(operation.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: register(operation.body, 'input') } },
              },
            }
          : {}),
        responses,
      },
    };
  }

  const webhooks: Record<string, unknown> = {};
  for (const webhook of parts.webhooks ?? []) {
    webhooks[webhook.type] = {
      post: {
        operationId: webhook.operationId,
        summary: webhook.summary,
        description: `Delivered to every webhook the partner registered (POST /v1/webhooks), as type \`${webhook.type}\`.`,
        // Deliveries are signed (see the headers), not authenticated by a scheme of the receiver.
        security: [],
        parameters: (parts.webhookHeaders ?? []).map((header) => ({
          name: header.name,
          in: 'header',
          required: true,
          description: header.description,
          schema: { type: 'string' },
        })),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: register(webhook.payload, 'output') } },
        },
        responses: {
          '2XX': { description: 'Received: any 2xx answer ends the delivery' },
          '4XX': { description: 'Refused: retried with exponential back-off, then dead-lettered' },
          '5XX': { description: 'Failed: retried with exponential back-off, then dead-lettered' },
        },
      },
    };
  }

  const problemTypes = Object.entries(parts.problemTypes ?? {});
  const problemSchema = schema(Problem, 'output');
  if (problemTypes.length && problemSchema.properties) {
    problemSchema.properties.type = {
      description: 'What kind of problem: one of these URIs',
      anyOf: problemTypes.map(([uri, description]) => ({ const: uri, description })),
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'voec-border partner API',
      version: '1.0.0',
      contact: { name: 'voec-border', url: 'https://voec-border.dev' },
      license: {
        name: 'Proprietary: for the partners of voec-border only',
        url: 'https://voec-border.dev/terms',
      },
      description: [
        'Submit the VOEC shipments of a transport heading for the Norwegian border; they are checked against',
        'the VOEC rules, stored, and reported to Norwegian Customs (Digitoll).',
        '',
        'Limits:',
        `- request body: ${LIMITS.requestPayloadBytes} bytes as sent, plain or gzip (compress large manifests with Content-Encoding: gzip, or split them);`,
        `  a gzip body may inflate to at most ${LIMITS.decompressedBodyBytes} bytes; above either: 413;`,
        `- shipments: ${LIMITS.shipmentsPerRequest} per request and ${LIMITS.shipmentsPerManifest} per manifest (413 above);`,
        `- items: ${LIMITS.itemsPerShipment} per shipment; string lengths are Digitoll's (see the schemas).`,
        'Errors are application/problem+json (RFC 9457); validation errors list every problem with a JSON pointer.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        partnerKey: { type: 'http', scheme: 'bearer', description: 'Your partner API key' },
      },
      schemas: {
        ...Object.fromEntries([...components].map(([name, entry]) => [name, schema(entry.schema, entry.io)])),
        Problem: problemSchema,
        GatewayMessage: gatewayMessage,
      },
    },
    paths,
    ...(Object.keys(webhooks).length ? { webhooks } : {}),
  };
}
