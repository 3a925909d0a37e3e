/**
 * Zod issues as the partner contract's field errors (`{ path, code, message }`), in one place: the
 * HTTP API answers them with JSON pointers, the CSV upload translates the same errors to line and
 * column, so a partner reads the same code and message whichever way the data came.
 */
import type { z } from 'zod';
import type { FieldError } from '../domain/errors.ts';

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
      // A schema may say why a field is required (zod's own messages start "Invalid input").
      const received =
        issue.code === 'invalid_type' &&
        issue.input === undefined &&
        issue.message.startsWith('Invalid input')
          ? 'is required'
          : issue.message;
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
