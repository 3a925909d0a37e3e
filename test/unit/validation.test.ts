/**
 * Zod issues as field errors (lib/manifest/validation.ts): one case per zod issue kind, with the
 * code and message a partner reads written out by hand, then the three wrong-type mistakes of
 * issue #12 on the real manifest schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseOrThrow, ValidationError } from '../../functions/http/answers.ts';
import { ManifestRequest } from '../../lib/manifest/schema.ts';
import { parseInput } from '../../lib/manifest/validation.ts';

const errorsOf = (schema: z.ZodType, value: unknown) => {
  const result = parseInput(schema, value);
  if (result.success) throw new Error('expected a failure');
  return result.errors;
};

describe('every zod issue kind has its own code and message', () => {
  it('an absent field is required', () => {
    expect(errorsOf(z.strictObject({ a: z.number() }), {})).toEqual([
      { path: '/a', code: 'required', message: 'is required' },
    ]);
  });

  it('a wrong JSON type is invalid_type with what was expected and what came', () => {
    expect(errorsOf(z.strictObject({ a: z.string() }), { a: 12 })).toEqual([
      {
        path: '/a',
        code: 'invalid_type',
        message: 'expected a string, got a whole number',
        expected: 'a string',
        received: 'a whole number',
      },
    ]);
    expect(errorsOf(z.strictObject({ a: z.array(z.string()) }), { a: null })).toEqual([
      {
        path: '/a',
        code: 'invalid_type',
        message: 'expected an array, got null',
        expected: 'an array',
        received: 'null',
      },
    ]);
  });

  it('the schema’s own wording of a type error does not hide what was received', () => {
    expect(errorsOf(z.strictObject({ a: z.number({ message: 'must be a number' }) }), { a: true })).toEqual([
      {
        path: '/a',
        code: 'invalid_type',
        message: 'expected a number, got a boolean',
        expected: 'a number',
        received: 'a boolean',
      },
    ]);
  });

  it('a fraction where a whole number belongs is not_integer', () => {
    expect(errorsOf(z.strictObject({ n: z.number().int() }), { n: 1.5 })).toEqual([
      { path: '/n', code: 'not_integer', message: 'must be a whole number' },
    ]);
  });

  it('too_small and too_big say the bound in the unit of the value', () => {
    const schema = z.strictObject({
      s: z.string().min(3),
      l: z.array(z.number()).max(1),
      n: z.number().positive(),
      m: z.number().max(10),
    });
    expect(errorsOf(schema, { s: 'ab', l: [1, 2], n: 0, m: 11 })).toEqual([
      { path: '/s', code: 'too_small', message: 'must have at least 3 characters' },
      { path: '/l', code: 'too_big', message: 'must have at most 1 item' },
      { path: '/n', code: 'too_small', message: 'must be greater than 0' },
      { path: '/m', code: 'too_big', message: 'must be at most 10' },
    ]);
  });

  it('invalid_format names the format or the pattern', () => {
    expect(
      errorsOf(z.strictObject({ e: z.email(), r: z.string().regex(/^\d+$/) }), { e: 'x', r: 'y' }),
    ).toEqual([
      { path: '/e', code: 'invalid_format', message: 'must be a valid email' },
      { path: '/r', code: 'invalid_format', message: 'must match the pattern /^\\d+$/' },
    ]);
  });

  it('invalid_value lists the allowed values', () => {
    expect(errorsOf(z.strictObject({ t: z.enum(['PRIVATE', 'BUSINESS']) }), { t: 'private' })).toEqual([
      { path: '/t', code: 'invalid_value', message: 'must be one of "PRIVATE", "BUSINESS"' },
    ]);
  });

  it('not_multiple_of names the divisor', () => {
    expect(errorsOf(z.strictObject({ n: z.number().multipleOf(5) }), { n: 7 })).toEqual([
      { path: '/n', code: 'not_multiple_of', message: 'must be a multiple of 5' },
    ]);
  });

  it('unrecognized keys are one unrecognized_key each, pointing at the key', () => {
    expect(errorsOf(z.strictObject({ a: z.number() }), { a: 1, b: 2, 'c/d': 3 })).toEqual([
      {
        path: '/b',
        code: 'unrecognized_key',
        message: 'is not a field of this object (check the spelling; see GET /v1/openapi.json)',
      },
      {
        path: '/c~1d',
        code: 'unrecognized_key',
        message: 'is not a field of this object (check the spelling; see GET /v1/openapi.json)',
      },
    ]);
  });

  it('invalid_key points at the record key', () => {
    expect(errorsOf(z.record(z.string().regex(/^a/), z.number()), { b: 1 })).toEqual([
      { path: '/b', code: 'invalid_key', message: 'is not an allowed key here' },
    ]);
  });

  it('invalid_element (a map entry under a non-primitive key, never JSON) is its own code', () => {
    expect(errorsOf(z.map(z.object({}), z.number()), new Map([[{}, 'v']]))).toEqual([
      { path: '', code: 'invalid_element', message: 'has an invalid element' },
    ]);
  });

  it('a union of types answers invalid_type with the alternatives; any other union invalid_union', () => {
    expect(errorsOf(z.strictObject({ u: z.union([z.string(), z.number()]) }), { u: false })).toEqual([
      {
        path: '/u',
        code: 'invalid_type',
        message: 'expected a string or a number, got a boolean',
        expected: 'a string or a number',
        received: 'a boolean',
      },
    ]);
    expect(errorsOf(z.strictObject({ u: z.union([z.string(), z.number()]) }), {})).toEqual([
      { path: '/u', code: 'required', message: 'is required' },
    ]);
    const shapes = z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]);
    expect(errorsOf(z.strictObject({ u: shapes }), { u: { c: 1 } })).toEqual([
      {
        path: '/u',
        code: 'invalid_union',
        message: 'matches none of the allowed forms (see GET /v1/openapi.json)',
      },
    ]);
  });

  it('a refinement answers its own code, or custom', () => {
    const schema = z.strictObject({
      a: z.string().refine(() => false, { message: 'is taken', params: { code: 'duplicate' } }),
      b: z.string().refine(() => false, { message: 'is odd' }),
    });
    expect(errorsOf(schema, { a: 'x', b: 'y' })).toEqual([
      { path: '/a', code: 'duplicate', message: 'is taken' },
      { path: '/b', code: 'custom', message: 'is odd' },
    ]);
  });
});

describe('the wrong-type mistakes partners make (issue #12)', () => {
  const example = () =>
    JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));
  const errorsFor = (body: unknown) => {
    try {
      parseOrThrow(ManifestRequest, body);
    } catch (error) {
      if (error instanceof ValidationError) return error.errors;
      throw error;
    }
    throw new Error('expected a validation error');
  };

  it('"unitValueNok": "19.99 EUR" expects a number in NOK', () => {
    const body = example();
    body.shipments[0].items[0].unitValueNok = '19.99 EUR';
    expect(errorsFor(body)).toEqual([
      {
        path: '/shipments/0/items/0/unitValueNok',
        code: 'invalid_type',
        message: 'expected a number in NOK, got a string',
        expected: 'a number in NOK',
        received: 'a string',
      },
    ]);
  });

  it('"packages": "1" expects a number and says to drop the quotes', () => {
    const body = example();
    body.shipments[0].packages = '1';
    expect(errorsFor(body)).toEqual([
      {
        path: '/shipments/0/packages',
        code: 'invalid_type',
        message: 'expected a number, got a string (write the number without quotes)',
        expected: 'a number',
        received: 'a string',
      },
    ]);
  });

  it('items as an object expects an array', () => {
    const body = example();
    body.shipments[0].items = body.shipments[0].items[0];
    expect(errorsFor(body)).toEqual([
      {
        path: '/shipments/0/items',
        code: 'invalid_type',
        message: 'expected an array, got an object',
        expected: 'an array',
        received: 'an object',
      },
    ]);
  });

  it('a missing field is still required', () => {
    const body = example();
    delete body.shipments[0].grossMassKg;
    expect(errorsFor(body)).toEqual([
      { path: '/shipments/0/grossMassKg', code: 'required', message: 'is required' },
    ]);
  });
});
