import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HttpProblem,
  intakeAnswer,
  PayloadTooLargeError,
  parseOrThrow,
  problemFor,
  problemForBreach,
  problemForConflict,
  problemResponse,
  shipmentChangeAnswer,
  transportChangeAnswer,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../functions/http/answers.ts';
import { decodeJsonBody } from '../../functions/http/middleware.ts';
import { OPERATIONS } from '../../functions/http/routes.ts';
import { InvalidInput, LimitExceeded, NotFound } from '../../lib/domain/errors.ts';
import type { Conflict, Intake } from '../../lib/domain/outcomes.ts';
import type { ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import { openApiDocument } from '../../lib/manifest/openapi.ts';
import { LIMITS, ManifestRequest } from '../../lib/manifest/schema.ts';
import { jsonPointer } from '../../lib/manifest/validation.ts';

const exampleText = readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8');
const example = () => JSON.parse(exampleText);

describe('the manifest schema', () => {
  it('accepts the shared example exactly as it is', () => {
    expect(ManifestRequest.safeParse(example()).success).toBe(true);
  });

  it('enforces Digitoll string lengths at the boundary', () => {
    const manifest = example();
    manifest.transport.carrier.id = 'SE'.padEnd(18, '1');
    manifest.shipments[0].consignee.address.city = 'x'.repeat(36);
    manifest.masterConsignment.waybill.number = 'w'.repeat(71);
    const error = (() => {
      try {
        parseOrThrow(ManifestRequest, manifest);
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.errors.map((e) => e.path).sort()).toEqual(
      [
        '/masterConsignment/waybill/number',
        '/shipments/0/consignee/address/city',
        '/transport/carrier/id',
      ].sort(),
    );
  });

  it('takes values with at most two decimals, however large', () => {
    const manifest = example();
    manifest.shipments[0].items[0].unitValueNok = 138_566_216.08;
    expect(ManifestRequest.safeParse(manifest).success).toBe(true);
    manifest.shipments[0].items[0].unitValueNok = 10.005;
    expect(ManifestRequest.safeParse(manifest).success).toBe(false);
  });

  it('refuses what Digitoll would refuse later: blank phones, absurd dates, masses beyond 6 decimals', () => {
    const cases: Array<[string, (m: any) => void]> = [
      ['/transport/driver/phone', (m) => (m.transport.driver.phone = '    ')],
      ['/transport/estimatedArrival', (m) => (m.transport.estimatedArrival = '9999-12-31T23:00:00-05:00')],
      ['/shipments/0/grossMassKg', (m) => (m.shipments[0].grossMassKg = 0.0000001)],
      ['/masterConsignment/grossMassKg', (m) => (m.masterConsignment.grossMassKg = 412.1234567)],
    ];
    for (const [path, mutate] of cases) {
      const manifest = example();
      mutate(manifest);
      expect(() => parseOrThrow(ManifestRequest, manifest), path).toThrow(ValidationError);
      try {
        parseOrThrow(ManifestRequest, manifest);
      } catch (error) {
        expect((error as ValidationError).errors.map((e) => e.path)).toEqual([path]);
      }
    }
  });

  it('requires an offset on the ETA and a real date', () => {
    for (const eta of ['2026-12-01T14:00:00', '2026-12-01', 'tomorrow', '2026-02-30T10:00:00Z']) {
      const manifest = example();
      manifest.transport.estimatedArrival = eta;
      expect(ManifestRequest.safeParse(manifest).success, eta).toBe(false);
    }
  });

  it('never throws anything but a domain error for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseOrThrow(ManifestRequest, value);
        } catch (error) {
          expect(error instanceof ValidationError || error instanceof PayloadTooLargeError).toBe(true);
          const problem = problemResponse(error);
          expect(problem.statusCode).toBeLessThan(500);
          for (const entry of JSON.parse(problem.body).errors ?? []) expect(entry.path).toMatch(/^(\/.*)?$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('problem documents', () => {
  it('escapes JSON pointers (RFC 6901)', () => {
    expect(jsonPointer(['shipments', 3, 'a/b', 'c~d'])).toBe('/shipments/3/a~1b/c~0d');
  });

  it('maps domain errors to their status with headers, and hides unknown errors', () => {
    const conflict = problemResponse(
      new HttpProblem(409, 'in-progress', 'Busy', 'busy', { headers: { 'retry-after': '2' } }),
      '/v1/manifests',
    );
    expect(conflict).toMatchObject({ statusCode: 409, headers: { 'retry-after': '2' } });
    expect(JSON.parse(conflict.body)).toMatchObject({
      status: 409,
      detail: 'busy',
      instance: '/v1/manifests',
    });
    const crash = problemResponse(new Error('secret stack detail'));
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toMatch(/secret/);
    expect(crash.headers['content-type']).toBe('application/problem+json');
  });
});

describe('request bodies', () => {
  const headers = { 'content-type': 'application/json' };

  it('decodes plain, base64 and gzip bodies to the same value', () => {
    const plain = decodeJsonBody({ body: exampleText, headers, isBase64Encoded: false });
    const gzipped = decodeJsonBody({
      body: gzipSync(exampleText).toString('base64'),
      headers: { ...headers, 'Content-Encoding': 'gzip' },
      isBase64Encoded: true,
    });
    expect(gzipped).toEqual(plain);
  });

  it('refuses a gzip bomb with 413 and an unknown encoding with 415', () => {
    const bomb = gzipSync(Buffer.alloc(LIMITS.decompressedBodyBytes + 1, 32)).toString('base64');
    expect(() =>
      decodeJsonBody({
        body: bomb,
        headers: { ...headers, 'content-encoding': 'gzip' },
        isBase64Encoded: true,
      }),
    ).toThrow(PayloadTooLargeError);
    expect(() =>
      decodeJsonBody({
        body: exampleText,
        headers: { ...headers, 'content-encoding': 'deflate' },
        isBase64Encoded: false,
      }),
    ).toThrow(UnsupportedMediaTypeError);
  });

  it('accepts application/json with a charset and +json types', () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      expect(
        decodeJsonBody({ body: '{}', headers: { 'content-type': type }, isBase64Encoded: false }),
      ).toEqual({});
    }
  });
});

describe('the OpenAPI document', () => {
  const document = openApiDocument(OPERATIONS) as any;

  it('is OpenAPI 3.1 with every partner route and the bearer scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/health',
        '/v1/alerts',
        '/v1/manifest-uploads',
        '/v1/manifest-uploads/{uploadId}',
        '/v1/manifests',
        '/v1/manifests/{manifestId}',
        '/v1/manifests/{manifestId}/shipments',
        '/v1/manifests/{manifestId}/shipments/{shipmentNumber}',
        '/v1/manifests/{manifestId}/transport',
        '/v1/manifests/{manifestId}/tvinn-declarations',
        '/v1/manifests/{manifestId}/driver-list',
        '/v1/me',
        '/v1/voec-statements',
        '/v1/openapi.json',
        '/v1/shipments/{shipmentNumber}',
        '/v1/transits/{mrn}',
        '/v1/webhooks',
        '/v1/webhooks/{webhookId}',
      ].sort(),
    );
    expect(document.components.securitySchemes.partnerKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('is generated from the zod schemas (limits and patterns included)', () => {
    const manifest = document.components.schemas.ManifestRequest;
    expect(manifest.required).toEqual(expect.arrayContaining(['reference', 'transport', 'shipments']));
    expect(manifest.properties.shipments.maxItems).toBe(LIMITS.shipmentsPerRequest);
    const item = manifest.properties.shipments.items.properties.items.items;
    expect(item.properties.commodityCode.pattern).toBe('^\\d{6}$');
    expect(item.additionalProperties).toBe(false);
  });
});

describe('answers (functions/http/answers.ts)', () => {
  const manifest = { manifestId: 'm1' } as ManifestRecord;
  const shipment = {
    shipmentNumber: 'S1',
    flags: [],
    rejections: [],
    input: {},
  } as unknown as ShipmentRecord;
  const intake = { manifest: { ...manifest, reference: 'r', receivedAt: 'now' }, shipments: [] } as Intake;

  it('give every outcome its status', () => {
    expect(intakeAnswer({ outcome: 'created', intake }).status).toBe(202);
    expect(intakeAnswer({ outcome: 'added', intake }).status).toBe(202);
    expect(intakeAnswer({ outcome: 'replayed', intake }).status).toBe(200);
    for (const outcome of ['amended', 'withdrawal-requested'] as const) {
      expect(shipmentChangeAnswer({ outcome, shipment }).status).toBe(202);
    }
    for (const outcome of ['unchanged', 'cancelled', 'already-withdrawn'] as const) {
      expect(shipmentChangeAnswer({ outcome, shipment }).status).toBe(200);
    }
    expect(transportChangeAnswer({ outcome: 'updated', manifest }).status).toBe(202);
    expect(transportChangeAnswer({ outcome: 'unchanged', manifest }).status).toBe(200);
  });

  it('answer every conflict with 409 and its problem type, and a broken rule with 422', () => {
    const conflicts: Array<[Conflict, string, string | undefined]> = [
      [{ reason: 'reference-reused', reference: 'r', manifestId: 'm1' }, 'reference-reused', undefined],
      [{ reason: 'intake-in-progress', manifestId: 'm1', by: 'lease-holder' }, 'in-progress', '2'],
      [{ reason: 'intake-in-progress', manifestId: 'm1', by: 'lease-taker' }, 'in-progress', '2'],
      [{ reason: 'intake-in-progress', manifestId: 'm1', by: 'intake' }, 'in-progress', '2'],
      [
        {
          reason: 'transport-crossed',
          manifestId: 'm1',
          estimatedArrival: 'x',
          attempted: 'adding-shipments',
        },
        'transport-crossed',
        undefined,
      ],
      [
        { reason: 'shipment-exists', manifestId: 'm1', shipments: [{ index: 3, shipmentNumber: 'S1' }] },
        'shipment-exists',
        undefined,
      ],
      [
        { reason: 'shipment-number-immutable', shipmentNumber: 'S1', requested: 'S2' },
        'immutable-key',
        undefined,
      ],
      [{ reason: 'vehicle-registration-immutable', vehicleRegistration: 'ABC' }, 'immutable-key', undefined],
      [{ reason: 'shipment-withdrawn', shipmentNumber: 'S1' }, 'withdrawn', undefined],
      [{ reason: 'changed-meanwhile', shipmentNumber: 'S1' }, 'concurrent-change', '1'],
      [{ reason: 'transport-changed-meanwhile', manifestId: 'm1' }, 'concurrent-change', '1'],
    ];
    for (const [conflict, slug, retryAfter] of conflicts) {
      const problem = problemForConflict(conflict);
      expect(problem.status, conflict.reason).toBe(409);
      expect(problem.type).toBe(`https://voec-border.dev/problems/${slug}`);
      expect(problem.headers?.['retry-after']).toBe(retryAfter);
      expect(problem.message).not.toBe('');
    }
    expect(
      problemForConflict({
        reason: 'shipment-exists',
        manifestId: 'm1',
        shipments: [{ index: 3, shipmentNumber: 'S1' }],
      }).errors,
    ).toEqual([expect.objectContaining({ path: '/shipments/3/shipmentNumber', code: 'already_exists' })]);
    expect(problemForBreach({ reason: 'eta-in-the-past', estimatedArrival: 'x' })).toMatchObject({
      status: 422,
      errors: [{ path: '/estimatedArrival', code: 'in_the_past' }],
    });
  });

  it('answer domain errors with 404, 400 and 413, and anything else with a 500', () => {
    expect(problemFor(new NotFound('manifest', 'm1'))).toMatchObject({
      status: 404,
      message: 'Manifest m1 was not found.',
    });
    expect(problemFor(new InvalidInput([{ path: '/url', code: 'x', message: 'y' }]))?.status).toBe(400);
    expect(
      problemFor(new LimitExceeded('shipmentsPerManifest', { manifestId: 'm1', holds: 1, adding: 2, max: 2 }))
        ?.status,
    ).toBe(413);
    expect(problemFor(new Error('boom'))).toBeUndefined();
    expect(problemResponse(new Error('boom')).statusCode).toBe(500);
  });
});
