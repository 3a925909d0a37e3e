/**
 * Synchronous validation (§7.1): the shared zod schemas carry the bean-validation texts, so a zod issue maps
 * straight to `{ field, error }`. A sync failure stores nothing.
 */
import type { z } from 'zod';
import {
  AirTransportRequestLenient,
  DeleteRequest,
  HouseConsignmentRequest,
  MasterConsignmentRequest,
  type MessageKind,
  TransportRequestLenient,
} from '../../lib/digitoll/schemas.ts';

export interface FieldError {
  field: string;
  error: string;
}

/** `a.b[0].c` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** JSON `null` means "absent" to Jackson + bean validation: drop nulls so required ones say `must not be null`. */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === null) continue;
      // §5 point 8: the examples page spells `harmonizedSystemSubHeadingCode`; accept it leniently.
      if (key === 'harmonizedSystemSubHeadingCode' && !('harmonizedSystemSubheadingCode' in value)) {
        out.harmonizedSystemSubheadingCode = stripNulls(inner);
        continue;
      }
      out[key] = stripNulls(inner);
    }
    return out;
  }
  return value;
}

const SCHEMAS = {
  transport: TransportRequestLenient,
  'master-consignment': MasterConsignmentRequest,
  'house-consignment': HouseConsignmentRequest,
} as const;

export type ParsedMessage = {
  transport: z.infer<typeof AirTransportRequestLenient>;
  'master-consignment': z.infer<typeof MasterConsignmentRequest>;
  'house-consignment': z.infer<typeof HouseConsignmentRequest>;
};

function run<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(stripNulls(body));
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({ field: formatPath(issue.path), error: issue.message })),
  };
}

export function validateMessage<K extends MessageKind>(
  kind: K,
  body: unknown,
  /** The air API's transport may leave out the operator [INF]. */
  api: 'road' | 'air' = 'road',
): { ok: true; value: ParsedMessage[K] } | { ok: false; errors: FieldError[] } {
  const schema = api === 'air' && kind === 'transport' ? AirTransportRequestLenient : SCHEMAS[kind];
  return run(schema as unknown as z.ZodType<ParsedMessage[K]>, body);
}

export function validateDeleteBody(body: unknown): { ok: true } | { ok: false; errors: FieldError[] } {
  if (body === undefined) return { ok: true };
  const result = run(DeleteRequest, body);
  return result.ok ? { ok: true } : result;
}
