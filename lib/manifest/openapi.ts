/**
 * The OpenAPI 3.1 document, generated from the operations of the partner API (the route table,
 * functions/http/routes.ts) and their zod schemas (JSON Schema 2020-12, which 3.1 uses). This
 * module only reads schemas: it knows nothing of Lambda or of how requests are served.
 */
import { z } from 'zod';
import { Problem } from './responses.ts';
import { LIMITS } from './schema.ts';

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
  /** An `application/pdf` body (as well, or instead). */
  readonly pdf?: true;
}

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

export function openApiDocument(operations: readonly OperationSpec[]): Record<string, unknown> {
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
        content: { 'application/problem+json': { schema: ref('Problem') } },
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

  return {
    openapi: '3.1.0',
    info: {
      title: 'voec-border partner API',
      version: '1.0.0',
      description: [
        'Submit the VOEC shipments of a transport heading for the Norwegian border; they are checked against',
        'the VOEC rules, stored, and reported to Norwegian Customs (Digitoll).',
        '',
        'Limits:',
        `- request body: ${LIMITS.requestPayloadBytes} bytes as sent (send large manifests with Content-Encoding: gzip);`,
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
      schemas: Object.fromEntries(
        [...components].map(([name, entry]) => [name, schema(entry.schema, entry.io)]),
      ),
    },
    paths,
  };
}
