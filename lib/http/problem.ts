/**
 * The one mapping from errors to HTTP: `application/problem+json` (RFC 9457) with field paths.
 */
import type { z } from 'zod';
import { DomainError, type FieldError, PayloadTooLargeError, ValidationError } from '../domain/errors.ts';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** RFC 6901 JSON pointer from a zod path. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function fieldErrorsFromZod(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  prefix: PropertyKey[] = [],
): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: jsonPointer([...path, key]),
        code: 'unrecognized_key',
        message: `is not a field of this object (check the spelling; see GET /v1/openapi.json)`,
      }));
    }
    if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
      const received =
        issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
      return [
        {
          path: jsonPointer(path),
          code: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.code,
          message: received,
        },
      ];
    }
    const custom = issue.code === 'custom' ? (issue.params?.code as string | undefined) : undefined;
    return [{ path: jsonPointer(path), code: custom ?? issue.code, message: issue.message }];
  });
}

/** Parses with a schema or throws the matching domain error (too many shipments is a 413). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const tooMany = result.error.issues.find(
    (issue) => issue.code === 'too_big' && issue.path.length === 1 && issue.path[0] === 'shipments',
  );
  if (tooMany) throw new PayloadTooLargeError(`shipments: ${tooMany.message}`);
  throw new ValidationError(fieldErrorsFromZod(result.error.issues));
}

export function problemResponse(error: unknown, instance?: string): HttpResponse {
  const known = error instanceof DomainError;
  const status = known ? error.status : 500;
  const problem = known
    ? {
        type: error.type,
        title: error.title,
        status,
        detail: error.message,
        ...(instance ? { instance } : {}),
        ...(error.errors ? { errors: error.errors } : {}),
      }
    : {
        type: 'https://voec-border.dev/problems/internal',
        title: 'Internal error',
        status,
        detail: 'Something went wrong on our side; nothing you sent was lost. Retry the same request.',
        ...(instance ? { instance } : {}),
      };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...(known ? error.headers : {}) },
    body: JSON.stringify(problem),
  };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
