/**
 * Every answer the integration tests receive from the partner API is checked against the OpenAPI
 * document (GET /v1/openapi.json, built from the route table): the status is one the operation
 * lists, the content type one that status lists, and a JSON body matches its schema (ajv, JSON
 * Schema 2020-12, as OpenAPI 3.1 uses). Routes come from the document itself, so a route another
 * branch adds is checked the moment it is in the table. contract-setup.ts hooks this into `fetch`;
 * harness.ts's `invoke` calls it for handlers invoked directly.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { partnerApiDocument } from '../../../functions/http/openapi-document.ts';

type Json = Record<string, any>;

const document = partnerApiDocument() as Json;
const DOCUMENT_ID = 'https://voec-border.dev/openapi.json';

/** `$schema` may stand only at a schema's root; inside the document each component is a subschema. */
function withoutDialect(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDialect);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '$schema')
        .map(([key, inner]) => [key, withoutDialect(inner)]),
    );
  }
  return value;
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: DOCUMENT_ID, components: withoutDialect(document.components) });

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
}

const OPERATIONS: Operation[] = Object.entries(document.paths as Json).flatMap(([template, item]) =>
  Object.entries(item as Json).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    responses: (operation as Json).responses,
  })),
);

/** The operation of the document a request is for, if any (an unknown path is no operation). */
export function operationFor(method: string, path: string): Operation | undefined {
  return OPERATIONS.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    // A $ref into the document resolves against it; an inline schema is taken as it is.
    const absolute = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`),
    );
    validate = ajv.compile(withoutDialect(absolute) as Json);
    validators.set(key, validate);
  }
  return validate;
}

export interface Answer {
  method: string;
  /** The path without the query string. */
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** What is wrong with an answer by the document: nothing (an empty list), or one line per fault. */
export function contractViolations(answer: Answer): string[] {
  const operation = operationFor(answer.method, answer.path);
  if (!operation) return [];
  const where = `${answer.method} ${answer.path} (${operation.method} ${operation.template}) → ${answer.status}`;
  const response =
    operation.responses[String(answer.status)] ?? operation.responses[`${String(answer.status)[0]}XX`];
  if (!response) {
    return [`${where}: status not in the document (it lists ${Object.keys(operation.responses).join(', ')})`];
  }
  const content = (response.content ?? {}) as Json;
  const mediaType = answer.contentType?.split(';')[0]?.trim().toLowerCase();
  if (Object.keys(content).length === 0) {
    return answer.body.length === 0 ? [] : [`${where}: a body where the document lists none`];
  }
  if (!mediaType || !content[mediaType]) {
    return [
      `${where}: content type ${mediaType ?? '(none)'} not in the document (${Object.keys(content).join(', ')})`,
    ];
  }
  const schema = content[mediaType].schema as Json | undefined;
  if (!schema || !/json/.test(mediaType)) return [];
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [`${where}: ${mediaType} body is not JSON: ${answer.body.slice(0, 200)}`];
  }
  const validate = validatorFor(schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${where}: body${error.instancePath} ${error.message} (${error.schemaPath})`,
  );
}

/** Every fault found since the last `takeViolations()`, from any fetch or invoke of the test file. */
const found: string[] = [];

export function recordViolations(answer: Answer): void {
  found.push(...contractViolations(answer));
}

export function takeViolations(): string[] {
  return found.splice(0, found.length);
}
