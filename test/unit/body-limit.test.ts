/**
 * The body limit (LIMITS.requestPayloadBytes) measured against the event the function receives:
 * a body of exactly the limit, of the worst content a JSON text can have, with as much request line
 * and headers as HTTP API lets through (10,240 bytes, all of it escaped), still makes an event
 * within Lambda's 6 MiB (6,291,456 bytes); so does a gzip body of the limit as base64.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../lib/manifest/schema.ts';
import { buildHttpApiEvent } from '../../local/runtime/api-events.ts';

const LAMBDA_EVENT_BYTES = 6 * 1024 * 1024;
/** HTTP API's quota on the request line and header values together. */
const REQUEST_LINE_AND_HEADERS_BYTES = 10_240;

function worstEvent(body: Buffer, contentType: string, extraHeaders: string[] = []) {
  // The request line and headers use up the quota with characters JSON escapes (quotes, backslashes).
  const query = `q=${'"'.repeat(2_000)}`;
  const path = `/v1/manifests/${'A'.repeat(64)}/shipments`;
  const url = `${path}?${query}`;
  const used = `POST ${url} HTTP/1.1\r\n`.length + contentType.length;
  const filler = '\\"'.repeat(Math.floor((REQUEST_LINE_AND_HEADERS_BYTES - used - 200) / 2));
  const event = buildHttpApiEvent(
    {
      method: 'POST',
      url,
      rawHeaders: [
        'content-type',
        contentType,
        ...extraHeaders,
        'authorization',
        'Bearer vb_x',
        'x-filler',
        filler,
      ],
      body,
      sourceIp: '203.0.113.9',
      protocol: 'HTTP/1.1',
      localPort: 443,
    },
    'POST /v1/manifests/{manifestId}/shipments',
    { manifestId: 'A'.repeat(64) },
    { apiId: 'abcdef1234', stage: '$default' },
    'Xq1fYj7rAmEEJbQ=',
  );
  event.requestContext.authorizer = { lambda: { partnerId: 'a'.repeat(63), refusal: '' } };
  return Buffer.byteLength(JSON.stringify(event));
}

describe(`a body of ${LIMITS.requestPayloadBytes} bytes`, () => {
  it('fits the Lambda event as JSON whatever it holds (each byte escaped to two)', () => {
    const body = Buffer.from('\n'.repeat(LIMITS.requestPayloadBytes));
    const bytes = worstEvent(body, 'application/json');
    expect(bytes).toBeGreaterThan(2 * LIMITS.requestPayloadBytes);
    expect(bytes).toBeLessThanOrEqual(LAMBDA_EVENT_BYTES);
    // And quotes escape no worse than whitespace.
    expect(worstEvent(Buffer.from('"'.repeat(LIMITS.requestPayloadBytes)), 'application/json')).toBe(bytes);
  });

  it('fits the Lambda event as base64 (gzip)', () => {
    const body = Buffer.alloc(LIMITS.requestPayloadBytes, 0xff);
    const bytes = worstEvent(body, 'application/json', ['content-encoding', 'gzip']);
    expect(bytes).toBeGreaterThan((4 / 3) * LIMITS.requestPayloadBytes);
    expect(bytes).toBeLessThanOrEqual(LAMBDA_EVENT_BYTES);
  });

  it('is near the most that can be promised: 2 × (limit + 5 %) would not fit', () => {
    const body = Buffer.from('\n'.repeat(Math.ceil(LIMITS.requestPayloadBytes * 1.05)));
    expect(worstEvent(body, 'application/json')).toBeGreaterThan(LAMBDA_EVENT_BYTES);
  });
});
