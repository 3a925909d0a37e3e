/**
 * Zod issues as the partner contract's field errors (`{ path, code, message }`), in one place: the
 * HTTP API answers them with JSON pointers, the CSV upload translates the same errors to line and
 * column, so a partner reads the same code and message whichever way the data came.
 *
 * Every zod issue kind has its own code and a message that says what is wrong:
 * - a field that is absent → `required` ("is required");
 * - a field of the wrong JSON type → `invalid_type` with `expected` and `received`
 *   ("expected a number in NOK, got a string"): the commonest partner mistake, so never "required";
 * - sizes and bounds → `too_small` / `too_big`, formats → `invalid_format`, enums and literals →
 *   `invalid_value` (the allowed values), `not_multiple_of`, unknown fields → `unrecognized_key`
 *   (one per field), record keys → `invalid_key`, unions → `invalid_union`, and refinements →
 *   their own code (`params.code`) or `custom`.
 * Schemas may word a message themselves (`{ message }`); the per-parse error map below words the rest.
 * Parse with {@link parseInput} (or pass `PARSE_OPTIONS` to safeParse): telling a missing field from
 * a wrong-typed one needs the issue's input, which zod reports only when asked.
 */
import type { z } from 'zod';
import type { FieldError } from '../domain/errors.ts';

/** RFC 6901 JSON pointer from a zod path. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The JSON type of a value as a partner reads it: "a string", "an array", "null". */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a number with decimals';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'a boolean (true or false)',
  array: 'an array',
  tuple: 'an array',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  set: 'an array',
  date: 'a date-time string',
  null: 'null',
  nan: 'a number',
};

/** The unit a field's name promises (`unitValueNok`, `grossMassKg`), said with the expected type. */
function unitOf(path: ReadonlyArray<PropertyKey>): string {
  const field = [...path].reverse().find((segment) => typeof segment === 'string');
  if (typeof field !== 'string') return '';
  if (/Nok$/.test(field)) return ' in NOK';
  if (/Kg$/.test(field)) return ' in kg';
  return '';
}

const sizeNoun = (origin: string, count: number | bigint) => {
  switch (origin) {
    case 'string':
      return `${count} character${count === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      return `${count} item${count === 1 ? '' : 's'}`;
    case 'file':
      return `${count} bytes`;
    default:
      return String(count);
  }
};

/** The message of an issue the schema did not word itself. */
function defaultMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const numeric = issue.origin === 'number' || issue.origin === 'bigint' || issue.origin === 'date';
      if (numeric)
        return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum}`;
      if (issue.exact) return `must have exactly ${sizeNoun(issue.origin, issue.minimum)}`;
      return `must have at least ${sizeNoun(issue.origin, issue.minimum)}`;
    }
    case 'too_big': {
      const numeric = issue.origin === 'number' || issue.origin === 'bigint' || issue.origin === 'date';
      if (numeric) return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
      if (issue.exact) return `must have exactly ${sizeNoun(issue.origin, issue.maximum)}`;
      return `must have at most ${sizeNoun(issue.origin, issue.maximum)}`;
    }
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue && issue.pattern)
        return `must match the pattern ${String(issue.pattern)}`;
      if (issue.format === 'starts_with' && 'prefix' in issue) return `must start with "${issue.prefix}"`;
      if (issue.format === 'ends_with' && 'suffix' in issue) return `must end with "${issue.suffix}"`;
      if (issue.format === 'includes' && 'includes' in issue) return `must include "${issue.includes}"`;
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed forms (see GET /v1/openapi.json)';
    case 'invalid_key':
      return 'is not an allowed key here';
    case 'invalid_element':
      return 'has an invalid element';
    case 'unrecognized_keys':
      return 'has fields this object does not have';
    default:
      return 'is not valid';
  }
}

/** Per-parse options: report each issue's input (see above) and word the messages schemas leave open. */
export const PARSE_OPTIONS = {
  reportInput: true,
  error: (issue: z.core.$ZodRawIssue) => defaultMessage(issue),
} as const;

export type ParseOutcome<T> = { success: true; data: T } | { success: false; errors: FieldError[] };

/** Parses with a schema; on failure, the field errors (JSON pointers prefixed by `prefix`). */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: PropertyKey[] = [],
): ParseOutcome<z.infer<T>> & { issues?: ReadonlyArray<z.core.$ZodIssue> } {
  const result = schema.safeParse(value, PARSE_OPTIONS);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    errors: fieldErrorsFromZod(result.error.issues, prefix),
    issues: result.error.issues,
  };
}

/** A wrong JSON type: what was expected (with the field's unit) and what came, with a hint for quoted numbers. */
function typeMismatch(issue: z.core.$ZodIssueInvalidType, path: ReadonlyArray<PropertyKey>): FieldError {
  const expected = `${EXPECTED[issue.expected] ?? issue.expected}${
    issue.expected === 'number' || issue.expected === 'int' ? unitOf(path) : ''
  }`;
  const received = jsonTypeOf(issue.input);
  const quotedNumber =
    (issue.expected === 'number' || issue.expected === 'int') &&
    typeof issue.input === 'string' &&
    issue.input.trim() !== '' &&
    Number.isFinite(Number(issue.input));
  const hint = quotedNumber ? ' (write the number without quotes)' : '';
  return {
    path: jsonPointer(path),
    code: 'invalid_type',
    message: `expected ${expected}, got ${received}${hint}`,
    expected,
    received,
  };
}

export function fieldErrorsFromZod(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  prefix: PropertyKey[] = [],
): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          path: jsonPointer([...path, key]),
          code: 'unrecognized_key',
          message: 'is not a field of this object (check the spelling; see GET /v1/openapi.json)',
        }));
      case 'invalid_type':
        // Absent (JSON has no undefined): required. Without a reported input nothing tells the two apart,
        // so a caller that forgot PARSE_OPTIONS gets "required" as before rather than a wrong "got undefined".
        // A schema may say why a field is required ("is required: houses link … through the master").
        if (issue.input === undefined)
          return [
            {
              path: jsonPointer(path),
              code: 'required',
              message: issue.message.startsWith('is required') ? issue.message : 'is required',
            },
          ];
        // A whole number expected, a fraction given: a bound of the value, not its JSON type.
        if (issue.expected === 'int' && typeof issue.input === 'number') {
          return [{ path: jsonPointer(path), code: 'not_integer', message: 'must be a whole number' }];
        }
        return [typeMismatch(issue, path)];
      case 'invalid_union': {
        // Every alternative wanted another JSON type: say which types, as for a single one.
        const types = issue.errors.map((branch) =>
          branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0
            ? branch[0].expected
            : undefined,
        );
        if (issue.input !== undefined && types.length > 0 && types.every((type) => type !== undefined)) {
          const expected = [...new Set(types.map((type) => EXPECTED[type] ?? type))].join(' or ');
          const received = jsonTypeOf(issue.input);
          return [
            {
              path: jsonPointer(path),
              code: 'invalid_type',
              message: `expected ${expected}, got ${received}`,
              expected,
              received,
            },
          ];
        }
        if (issue.input === undefined)
          return [{ path: jsonPointer(path), code: 'required', message: 'is required' }];
        return [{ path: jsonPointer(path), code: 'invalid_union', message: issue.message }];
      }
      case 'invalid_key':
        return [{ path: jsonPointer(path), code: 'invalid_key', message: issue.message }];
      case 'invalid_element':
        return [{ path: jsonPointer(path), code: 'invalid_element', message: issue.message }];
      case 'custom': {
        const custom = issue.params?.code as string | undefined;
        return [{ path: jsonPointer(path), code: custom ?? 'custom', message: issue.message }];
      }
      default:
        return [{ path: jsonPointer(path), code: issue.code, message: issue.message }];
    }
  });
}
