/**
 * The check every integration answer goes through (test/integration/support/contract.ts) finds
 * what breaks the OpenAPI document: a status it does not list, a content type it does not list,
 * a body that does not match the schema. (A check that cannot fail would prove nothing.)
 */
import { describe, expect, it } from 'vitest';
import { contractViolations, operationFor } from '../integration/support/contract.ts';

const health = { method: 'GET', path: '/health', status: 200, contentType: 'application/json' };
const problem = JSON.stringify({
  type: 'https://voec-border.dev/problems/not-found',
  title: 'Not found',
  status: 404,
  detail: 'Manifest abc was not found.',
});

describe('the contract check of integration answers', () => {
  it('finds the operation of a path by the templates of the document', () => {
    expect(operationFor('GET', '/v1/manifests/abc/shipments')?.template).toBe(
      '/v1/manifests/{manifestId}/shipments',
    );
    expect(operationFor('DELETE', '/v1/shipments/RR123456785SE')?.template).toBe(
      '/v1/shipments/{shipmentNumber}',
    );
    expect(operationFor('GET', '/__sim/received')).toBeUndefined();
    expect(operationFor('POST', '/health')).toBeUndefined();
  });

  it('passes answers the document describes', () => {
    expect(contractViolations({ ...health, body: '{"status":"ok"}' })).toEqual([]);
    expect(
      contractViolations({
        method: 'GET',
        path: '/v1/manifests/abc',
        status: 404,
        contentType: 'application/problem+json',
        body: problem,
      }),
    ).toEqual([]);
    expect(
      contractViolations({
        method: 'GET',
        path: '/v1/alerts',
        status: 429,
        contentType: 'application/json',
        body: '{"message":"Too Many Requests"}',
      }),
    ).toEqual([]);
    expect(
      contractViolations({
        method: 'DELETE',
        path: '/v1/webhooks/abc',
        status: 204,
        contentType: undefined,
        body: '',
      }),
    ).toEqual([]);
  });

  it('finds a status, a content type or a body the document does not describe', () => {
    expect(contractViolations({ ...health, status: 418, body: '' })[0]).toMatch(/status not in the document/);
    expect(contractViolations({ ...health, contentType: 'text/plain', body: 'ok' })[0]).toMatch(
      /content type text\/plain not in the document/,
    );
    expect(contractViolations({ ...health, body: '{"state":"ok"}' }).join('\n')).toMatch(
      /body must have required property 'status'/,
    );
    expect(
      contractViolations({
        method: 'GET',
        path: '/v1/manifests/abc',
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({ ...JSON.parse(problem), type: 'https://voec-border.dev/problems/nope' }),
      }),
    ).not.toEqual([]);
    expect(
      contractViolations({
        method: 'DELETE',
        path: '/v1/webhooks/abc',
        status: 204,
        contentType: undefined,
        body: 'x',
      }),
    ).toEqual([
      'DELETE /v1/webhooks/abc (DELETE /v1/webhooks/{webhookId}) → 204: a body where the document lists none',
    ]);
  });
});
