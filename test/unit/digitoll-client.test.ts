/**
 * DigitollHttpClient against a scripted fake `fetch`: paths, the retry policy (what is and is not retried
 * in-call), Retry-After, jitter bounds, 401 refresh, the client-side rate limiter, and the interpretation of
 * every answer. Time is injected (sleep records, never waits): no real-time assertions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigitollHttpClient, type DigitollHttpClientConfig } from '../../lib/adapters/digitoll/client.ts';
import { TokenBucketRateLimiter } from '../../lib/adapters/digitoll/rate-limiter.ts';
import {
  classifyFetchError,
  fullJitterDelayMs,
  parseRetryAfterMs,
} from '../../lib/adapters/digitoll/retry.ts';

const BASE = 'https://api-test.toll.no';
const REQUEST_ID = '1bdf0f33-f42e-48e2-b334-3944722e3fe5';
const NOW = new Date('2026-05-04T06:00:00Z');

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type Step = (call: Call, init: RequestInit) => Response | Promise<Response>;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
const text =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  () =>
    new Response(body, { status, headers });
const accepted = json(202, { requestId: REQUEST_ID });

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** What undici throws, e.g. `TypeError: fetch failed` with `cause.code`. */
const fetchFailed =
  (code: string, message = 'fetch failed') =>
  () => {
    throw Object.assign(new TypeError(message), { cause: withCode(`${code} cause`, code) });
  };
/** Waits for the client's own AbortSignal.timeout, as a server that never answers. */
const hang: Step = (_call, init) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init.signal as AbortSignal;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
/** Headers arrive, then the connection breaks while the body is read. */
const brokenBody: Step = () =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.error(
          Object.assign(new TypeError('terminated'), {
            cause: withCode('other side closed', 'UND_ERR_SOCKET'),
          }),
        );
      },
    }),
    { status: 202 },
  );

class FakeTokens {
  issued = 0;
  invalidated: Array<string | undefined> = [];
  failWith?: Error;
  private current?: string;
  async getToken() {
    if (this.failWith) throw this.failWith;
    if (!this.current) this.current = `token-${++this.issued}`;
    return this.current;
  }
  invalidate(rejected?: string) {
    this.invalidated.push(rejected);
    if (rejected === undefined || rejected === this.current) this.current = undefined;
  }
}

function setup(steps: Step[], config: Partial<DigitollHttpClientConfig> = {}) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const tokens = new FakeTokens();
  const queue = [...steps];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const call: Call = {
      method: init.method ?? 'GET',
      url: String(input),
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    const step = queue.shift();
    if (!step) throw new Error(`unexpected request #${calls.length}: ${call.method} ${call.url}`);
    return step(call, init);
  }) as typeof fetch;
  const client = new DigitollHttpClient({
    baseUrl: BASE,
    tokens,
    fetch: fetchImpl,
    clock: { now: () => NOW },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...config,
  });
  return { client, calls, sleeps, tokens, remaining: () => queue.length };
}

const house = { documentIssueDate: '2026-05-04T06:02:00Z', consignmentHouseLevel: { goodsDescription: 'x' } };

// -------------------------------------------------------------------------------------------------------
// Paths, headers, bodies
// -------------------------------------------------------------------------------------------------------

describe('requests (§2.2, §2.3)', () => {
  it('POSTs a new message as JSON with the Customs token and returns TAKEN', async () => {
    const { client, calls } = setup([accepted]);
    expect(await client.submit('house-consignment', house)).toEqual({
      outcome: 'TAKEN',
      requestId: REQUEST_ID,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/api/movement/road/v2/house-consignment`,
      headers: { authorization: 'Bearer token-1', 'content-type': 'application/json' },
    });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(house);
  });

  it('PUTs by MRN and DELETEs by MRN with a {documentIssueDate} body', async () => {
    const { client, calls } = setup([accepted, accepted], { baseUrl: `${BASE}/` });
    await client.submit('transport', { a: 1 }, '26NO0000000000ABC1');
    await client.withdraw('master-consignment', '26NO0000000000ABC2', '2026-05-04T07:00:00Z');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `PUT ${BASE}/api/movement/road/v2/transport/26NO0000000000ABC1`,
      `DELETE ${BASE}/api/movement/road/v2/master-consignment/26NO0000000000ABC2`,
    ]);
    expect(JSON.parse(calls[1]?.body ?? '')).toEqual({ documentIssueDate: '2026-05-04T07:00:00Z' });
    expect(calls[1]?.headers['content-type']).toBe('application/json');
  });

  it('GETs validation status and the key lookup on the query API', async () => {
    const { client, calls } = setup([text(404, ''), text(404, '')]);
    await client.validationStatus('master-consignment', REQUEST_ID);
    await client.findByWaybill('house-consignment', {
      documentNumber: 'PKG 1/2&3',
      type: 'N730',
      carrierId: 'SE556677889900',
    });
    expect(calls[0]?.url).toBe(
      `${BASE}/api/movement/road/status/v2/master-consignment/validation-status/${REQUEST_ID}`,
    );
    const lookup = new URL(calls[1]?.url ?? '');
    expect(lookup.pathname).toBe('/api/movement/road/status/v2/house-consignment/transport-document/status');
    expect(Object.fromEntries(lookup.searchParams)).toEqual({
      documentNumber: 'PKG 1/2&3',
      type: 'N730',
      carrierId: 'SE556677889900',
    });
    expect(calls.every((c) => c.method === 'GET' && c.body === undefined)).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------------
// Exactly-once: what a submission may and may not retry
// -------------------------------------------------------------------------------------------------------

describe('submissions: no in-call retry when the request may have been processed', () => {
  it.each([
    ['our timeout fired', hang],
    ['the connection dropped after sending', fetchFailed('UND_ERR_SOCKET')],
    ['the connection was reset', fetchFailed('ECONNRESET')],
    ['the body broke off while reading', brokenBody],
    ['HTTP 500', json(500, { status: 500, error: 'Internal Server Error' })],
    ['HTTP 502', text(502, 'bad gateway')],
    ['HTTP 503 with Retry-After', text(503, '', { 'retry-after': '1' })],
    ['HTTP 504', text(504, '')],
    ['a 202 without a requestId', json(202, { foo: 'bar' })],
    ['a 202 whose body is not JSON', text(202, '<html>')],
  ])('POST: %s → UNKNOWN after exactly one request', async (_label, step) => {
    const { client, calls, sleeps } = setup([step, accepted], { timeoutMs: 20 });
    const outcome = await client.submit('house-consignment', house);
    expect(outcome.outcome).toBe('UNKNOWN');
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('PUT and DELETE follow the same rule', async () => {
    const { client, calls } = setup([text(500, ''), fetchFailed('UND_ERR_SOCKET')]);
    expect((await client.submit('transport', {}, 'MRN1')).outcome).toBe('UNKNOWN');
    expect((await client.withdraw('transport', 'MRN1', '2026-05-04T06:00:00Z')).outcome).toBe('UNKNOWN');
    expect(calls).toHaveLength(2);
  });

  it('says why in the reason, without the token or the body', async () => {
    const { client } = setup([hang], { timeoutMs: 20 });
    const outcome = await client.submit('house-consignment', house);
    expect(outcome).toEqual({
      outcome: 'UNKNOWN',
      reason: expect.stringMatching(
        /POST \/api\/movement\/road\/v2\/house-consignment: no answer within 20 ms/,
      ),
    });
    expect(JSON.stringify(outcome)).not.toContain('token-1');
    expect(JSON.stringify(outcome)).not.toContain('goodsDescription');
  });
});

describe('submissions: in-call retry when the request provably was not processed', () => {
  it('retries a POST after 429 and returns TAKEN', async () => {
    const { client, calls } = setup([text(429, ''), accepted]);
    expect(await client.submit('house-consignment', house)).toEqual({
      outcome: 'TAKEN',
      requestId: REQUEST_ID,
    });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).toBe(calls[0]?.body);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('retries a POST after %s', async (code) => {
    const { client, calls } = setup([fetchFailed(code), accepted]);
    expect((await client.submit('master-consignment', {})).outcome).toBe('TAKEN');
    expect(calls).toHaveLength(2);
  });

  it('treats an AggregateError of refused connects (happy eyeballs) as not sent', () => {
    const error = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(
        new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]),
        {
          code: 'ECONNREFUSED',
        },
      ),
    });
    expect(classifyFetchError(error).kind).toBe('not-sent');
    const mixed = Object.assign(new TypeError('fetch failed'), {
      cause: new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNRESET')]),
    });
    expect(classifyFetchError(mixed).kind).toBe('network');
  });

  it('returns RETRY_LATER after maxAttempts, with the default delay when no Retry-After was given', async () => {
    const { client, calls, sleeps } = setup([
      fetchFailed('ECONNREFUSED'),
      fetchFailed('ECONNREFUSED'),
      fetchFailed('ECONNREFUSED'),
    ]);
    const outcome = await client.submit('transport', {});
    expect(outcome).toEqual({
      outcome: 'RETRY_LATER',
      retryAfterSeconds: 30,
      reason: expect.stringContaining('gave up after 3 attempt(s)'),
    });
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("returns RETRY_LATER with the server's Retry-After when 429s exhaust the attempts", async () => {
    const { client, calls } = setup(
      [text(429, '', { 'retry-after': '2' }), text(429, '', { 'retry-after': '2' })],
      {
        maxAttempts: 2,
        maxDelayMs: 5_000,
      },
    );
    expect(await client.submit('transport', {})).toMatchObject({
      outcome: 'RETRY_LATER',
      retryAfterSeconds: 2,
    });
    expect(calls).toHaveLength(2);
  });

  it('does not sleep a Retry-After longer than maxDelayMs in-call: RETRY_LATER with it instead', async () => {
    const { client, calls, sleeps } = setup([text(429, '', { 'retry-after': '120' })]);
    expect(await client.submit('transport', {})).toMatchObject({
      outcome: 'RETRY_LATER',
      retryAfterSeconds: 120,
    });
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never calls fetch when no token can be had: RETRY_LATER', async () => {
    const { client, calls, tokens } = setup([]);
    tokens.failWith = new Error('maskinporten token request answered HTTP 503');
    expect(await client.submit('transport', {})).toMatchObject({
      outcome: 'RETRY_LATER',
      retryAfterSeconds: 30,
      reason: expect.stringContaining('no Customs token'),
    });
    expect(calls).toHaveLength(0);
  });
});

describe('the rate budget', () => {
  it('never calls fetch when the budget cannot be reached: RETRY_LATER, not sent', async () => {
    const failing = {
      acquire: async (): Promise<number> => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const { client, calls } = setup([], { rateLimiters: { submission: failing, query: failing } });
    expect(await client.submit('house-consignment', house)).toMatchObject({
      outcome: 'RETRY_LATER',
      retryAfterSeconds: 30,
      reason: expect.stringContaining('no slot of the rate budget (ProvisionedThroughputExceededException)'),
    });
    expect(calls).toHaveLength(0);
  });

  it('waits for a slot before each attempt, on the API the request belongs to', async () => {
    const taken: string[] = [];
    const limiter = (api: string) => ({
      acquire: async () => {
        taken.push(api);
        return 0;
      },
    });
    const { client } = setup([accepted], {
      rateLimiters: { submission: limiter('submission'), query: limiter('query') },
    });
    await client.submit('house-consignment', house);
    expect(taken).toEqual(['submission']);
  });
});

describe('401: one token refresh', () => {
  it('invalidates the rejected token, fetches a new one and resends once (not counted as an attempt)', async () => {
    const { client, calls, tokens } = setup([text(401, ''), accepted], { maxAttempts: 1 });
    expect((await client.submit('house-consignment', house)).outcome).toBe('TAKEN');
    expect(tokens.invalidated).toEqual(['token-1']);
    expect(tokens.issued).toBe(2);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives RETRY_LATER when the fresh token is rejected too (no third try)', async () => {
    const { client, calls, tokens } = setup([text(401, ''), text(401, '')]);
    expect(await client.submit('house-consignment', house)).toMatchObject({
      outcome: 'RETRY_LATER',
      reason: expect.stringContaining('401'),
    });
    expect(calls).toHaveLength(2);
    expect(tokens.issued).toBe(2);
  });

  it('applies to GETs as well', async () => {
    const { client, tokens } = setup([text(401, ''), text(404, '')]);
    expect(await client.validationStatus('transport', REQUEST_ID)).toEqual({ outcome: 'NOT_READY' });
    expect(tokens.invalidated).toEqual(['token-1']);
  });
});

// -------------------------------------------------------------------------------------------------------
// Backoff
// -------------------------------------------------------------------------------------------------------

describe('backoff', () => {
  it('honours Retry-After in seconds', async () => {
    const { client, sleeps } = setup([text(429, '', { 'retry-after': '1' }), accepted], {
      random: () => 0.99,
    });
    await client.submit('transport', {});
    expect(sleeps).toEqual([1000]);
  });

  it('honours Retry-After as an HTTP date (relative to the injected clock)', async () => {
    const at = new Date(NOW.getTime() + 1_500).toUTCString(); // HTTP dates have whole seconds
    const { client, sleeps } = setup([text(503, '', { 'retry-after': at }), json(200, [])]);
    await client.findByWaybill('house-consignment', { documentNumber: 'A', type: 'N730', carrierId: 'C' });
    expect(sleeps).toEqual([1000]);
  });

  it('sleeps the jittered backoff when it exceeds a short Retry-After', async () => {
    const { client, sleeps } = setup([text(429, '', { 'retry-after': '0' }), accepted], {
      random: () => 0.5,
      baseDelayMs: 200,
    });
    await client.submit('transport', {});
    expect(sleeps).toEqual([100]);
  });

  it('uses full jitter with an exponential cap (GET retried on 5xx)', async () => {
    const { client, sleeps } = setup([text(500, ''), text(502, ''), text(503, ''), text(404, '')], {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      random: () => 0.999,
    });
    expect(await client.validationStatus('transport', REQUEST_ID)).toEqual({ outcome: 'NOT_READY' });
    expect(sleeps).toEqual([99, 199, 399]);
  });

  it('jitter stays within [0, min(maxDelay, base·2^(n−1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, max, r) => {
          const delay = fullJitterDelayMs(retry, base, max, () => r);
          const cap = Math.min(max, base * 2 ** (retry - 1));
          return delay >= 0 && delay <= cap && (delay < cap || cap === 0) && Number.isInteger(delay);
        },
      ),
    );
  });

  it('parses Retry-After forms', () => {
    const now = NOW.getTime();
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs(new Date(now + 5_000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});

// -------------------------------------------------------------------------------------------------------
// GETs are retried on anything transient
// -------------------------------------------------------------------------------------------------------

describe('GETs: retried on anything transient', () => {
  const success = json(202, {
    status: 'SUCCESS',
    requestId: REQUEST_ID,
    notificationDate: '2026-05-04T06:02:02Z',
    mrn: '26NO0000000000ABC1',
    validationErrorList: [],
  });

  it.each([
    ['5xx', text(500, '')],
    ['a timeout', hang],
    ['a dropped connection', fetchFailed('UND_ERR_SOCKET')],
    ['a broken body', brokenBody],
    ['429', text(429, '')],
  ])('validation status after %s → result', async (_label, step) => {
    const { client, calls } = setup([step, success], { timeoutMs: 20 });
    expect(await client.validationStatus('transport', REQUEST_ID)).toEqual({
      outcome: 'SUCCESS',
      mrn: '26NO0000000000ABC1',
    });
    expect(calls).toHaveLength(2);
  });

  it('exhausted → RETRY_LATER (never UNKNOWN)', async () => {
    const { client, calls } = setup([text(500, ''), hang, fetchFailed('UND_ERR_SOCKET')], { timeoutMs: 20 });
    expect(
      await client.findByWaybill('master-consignment', { documentNumber: 'M', type: 'N730', carrierId: 'C' }),
    ).toMatchObject({ outcome: 'RETRY_LATER', retryAfterSeconds: 30 });
    expect(calls).toHaveLength(3);
  });
});

// -------------------------------------------------------------------------------------------------------
// Interpretation of answers
// -------------------------------------------------------------------------------------------------------

describe('submission answers', () => {
  it('400 with validationErrors → REFUSED with the errors verbatim', async () => {
    const errors = [
      { field: 'consignmentHouseLevel.goodsDescription', error: 'must not be blank' },
      { field: 'documentIssueDate', error: 'invalid ISO-8601 instant in UTC (yyyy-MM-ddTHH:mm:ssZ)' },
    ];
    const { client, calls } = setup([json(400, { validationErrors: errors, timestamp: 'x' })]);
    expect(await client.submit('house-consignment', house)).toEqual({ outcome: 'REFUSED', errors });
    expect(calls).toHaveLength(1);
  });

  it('400 that does not parse → REFUSED with one error carrying the raw text', async () => {
    const { client } = setup([text(400, 'Bad Request: JSON parse error at line 1')]);
    expect(await client.submit('house-consignment', house)).toEqual({
      outcome: 'REFUSED',
      errors: [{ field: '', error: 'Bad Request: JSON parse error at line 1' }],
    });
  });

  it('403 → REFUSED with a clear error, and the token is dropped for the next call', async () => {
    const { client, calls, tokens } = setup([json(403, { status: 403, error: 'Forbidden' })]);
    const outcome = await client.submit('transport', {});
    expect(outcome).toEqual({
      outcome: 'REFUSED',
      errors: [{ field: '', error: expect.stringContaining('HTTP 403 Forbidden') }],
    });
    expect(JSON.stringify(outcome)).toContain('toll:movement/road/v2');
    expect(calls).toHaveLength(1);
    expect(tokens.invalidated).toEqual(['token-1']);
  });

  it('415 → REFUSED', async () => {
    const { client } = setup([json(415, { status: 415, error: 'Unsupported Media Type' })]);
    expect(await client.submit('transport', {})).toEqual({
      outcome: 'REFUSED',
      errors: [{ field: '', error: expect.stringContaining('HTTP 415') }],
    });
  });

  it('other 4xx (e.g. 404 on PUT) → REFUSED, no retry', async () => {
    const { client, calls } = setup([text(404, '')]);
    expect((await client.submit('transport', {}, 'NOPE')).outcome).toBe('REFUSED');
    expect(calls).toHaveLength(1);
  });
});

describe('validation-status answers (§2.5)', () => {
  const base = { requestId: REQUEST_ID, notificationDate: '2026-05-04T06:02:02Z' };

  it('404 → NOT_READY; an empty 2xx → NOT_READY', async () => {
    const { client } = setup([json(404, { status: 404 }), text(202, '')]);
    expect(await client.validationStatus('house-consignment', REQUEST_ID)).toEqual({ outcome: 'NOT_READY' });
    expect(await client.validationStatus('house-consignment', REQUEST_ID)).toEqual({ outcome: 'NOT_READY' });
  });

  it.each([200, 202])('%i SUCCESS → MRN, document status and incomplete reasons', async (status) => {
    const { client } = setup([
      json(status, {
        ...base,
        status: 'SUCCESS',
        mrn: '26NO0000000000ABC1',
        validationErrorList: [],
        documentStatus: 'INCOMPLETE',
        incompleteDocumentationReasonList: ['INCOMPLETE_VOEC_DOCUMENTATION'],
        eoriValidation: { anything: true },
      }),
    ]);
    expect(await client.validationStatus('house-consignment', REQUEST_ID)).toEqual({
      outcome: 'SUCCESS',
      mrn: '26NO0000000000ABC1',
      documentStatus: 'INCOMPLETE',
      incompleteReasons: ['INCOMPLETE_VOEC_DOCUMENTATION'],
    });
  });

  it('falls back to masterReferenceNumber for the MRN', async () => {
    const { client } = setup([
      json(200, { ...base, status: 'SUCCESS', masterReferenceNumber: '26NO0000000000ABC9' }),
    ]);
    expect(await client.validationStatus('transport', REQUEST_ID)).toEqual({
      outcome: 'SUCCESS',
      mrn: '26NO0000000000ABC9',
    });
  });

  it('FAILURE → the errors verbatim', async () => {
    const { client } = setup([
      json(202, {
        ...base,
        status: 'FAILURE',
        validationErrorList: [
          {
            description: 'Unknown vatIdentificationNumber',
            pointer: {
              messageElementPath:
                'consignmentHouseLevel.goodsItem[0].additionalFiscalReferences.vatIdentificationNumber',
            },
          },
        ],
      }),
    ]);
    expect(await client.validationStatus('house-consignment', REQUEST_ID)).toEqual({
      outcome: 'FAILURE',
      errors: [
        {
          description: 'Unknown vatIdentificationNumber',
          messageElementPath:
            'consignmentHouseLevel.goodsItem[0].additionalFiscalReferences.vatIdentificationNumber',
        },
      ],
    });
  });

  it.each([
    ['not JSON', text(200, '<html>oops</html>')],
    ['an unknown status', json(200, { ...base, status: 'PENDING' })],
    ['SUCCESS without an MRN', json(200, { ...base, status: 'SUCCESS' })],
    [
      'errors without pointer',
      json(202, { ...base, status: 'FAILURE', validationErrorList: [{ description: 'x' }] }),
    ],
  ])('an unusable body (%s) → RETRY_LATER with the reason, no crash', async (_label, step) => {
    const { client, calls } = setup([step]);
    const outcome = await client.validationStatus('transport', REQUEST_ID);
    expect(outcome).toMatchObject({
      outcome: 'RETRY_LATER',
      reason: expect.stringContaining('validation-status'),
    });
    expect(calls).toHaveLength(1);
  });

  it('403 → RETRY_LATER with a clear reason', async () => {
    const { client } = setup([text(403, '')]);
    expect(await client.validationStatus('transport', REQUEST_ID)).toMatchObject({
      outcome: 'RETRY_LATER',
      reason: expect.stringContaining('403'),
    });
  });
});

describe('key lookup answers', () => {
  const key = { documentNumber: 'PKG00012345678SE', type: 'N730', carrierId: 'SE556677889900' };
  const entry = {
    documentNumber: key.documentNumber,
    type: key.type,
    documentStatus: 'SUCCESS',
    incompleteDocumentationReasonList: [],
    mrn: '26NO0000000000ABC1',
    masterReferenceNumber: '26NO0000000000ABC1',
    carrierId: key.carrierId,
    messageStatus: 'ACTIVE',
    activeMessagesWithKey: 1,
  };

  it('200 with an MRN → FOUND', async () => {
    const { client } = setup([json(200, entry)]);
    expect(await client.findByWaybill('house-consignment', key)).toEqual({
      outcome: 'FOUND',
      mrn: '26NO0000000000ABC1',
    });
  });

  it('404 → NOT_FOUND', async () => {
    const { client } = setup([json(404, { status: 404, error: 'Not Found' })]);
    expect(await client.findByWaybill('house-consignment', key)).toEqual({ outcome: 'NOT_FOUND' });
  });

  it('a cancelled message does not count → NOT_FOUND', async () => {
    const { client } = setup([json(200, { ...entry, messageStatus: 'CANCELLED' })]);
    expect(await client.findByWaybill('house-consignment', key)).toEqual({ outcome: 'NOT_FOUND' });
  });

  it('accepts a list and picks the live entry for our key', async () => {
    const { client } = setup([
      json(200, [
        { ...entry, carrierId: 'OTHER', mrn: 'X1' },
        { ...entry, messageStatus: 'CANCELLED', mrn: 'X2' },
        { ...entry, mrn: undefined, masterReferenceNumber: '26NO0000000000ABC3' },
      ]),
    ]);
    expect(await client.findByWaybill('house-consignment', key)).toEqual({
      outcome: 'FOUND',
      mrn: '26NO0000000000ABC3',
    });
  });

  it.each([
    ['another key', { ...entry, documentNumber: 'OTHER' }],
    ['no MRN', { ...entry, mrn: undefined, masterReferenceNumber: undefined }],
    ['a malformed body', { documentNumber: 1 }],
  ])('an answer with %s → RETRY_LATER', async (_label, body) => {
    const { client } = setup([json(200, body)]);
    expect(await client.findByWaybill('house-consignment', key)).toMatchObject({ outcome: 'RETRY_LATER' });
  });
});

// -------------------------------------------------------------------------------------------------------
// Client-side rate limiter
// -------------------------------------------------------------------------------------------------------

describe('rate limiter', () => {
  it('spaces requests 1/rate apart and queues callers in order (injected clock, no real time)', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new TokenBucketRateLimiter({
      ratePerSecond: 5,
      nowMs: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // four callers at t=0: 0, 200, 400, 600 ms
    expect(await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()))).toEqual([0, 200, 400, 600]);
    // the bucket refills: at t=2000 the next caller goes at once, the one after 200 ms later
    now = 2_000;
    expect(await limiter.acquire()).toBe(0);
    expect(await limiter.acquire()).toBe(200);
    expect(waits).toEqual([200, 400, 600, 200]);
  });

  it('allows a burst, then spaces', async () => {
    const limiter = new TokenBucketRateLimiter({
      ratePerSecond: 10,
      burst: 3,
      nowMs: () => 0,
      sleep: async () => {},
    });
    expect(await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire()))).toEqual([0, 0, 0, 100, 200]);
  });

  it('throttles the client, retries included, before each fetch', async () => {
    const { client, sleeps, calls } = setup([accepted, text(429, ''), accepted, accepted], {
      rateLimitPerSecond: 4,
      nowMs: () => 0,
      random: () => 0,
    });
    const outcomes = await Promise.all([
      client.submit('house-consignment', { n: 1 }),
      client.submit('house-consignment', { n: 2 }),
      client.submit('house-consignment', { n: 3 }),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['TAKEN', 'TAKEN', 'TAKEN']);
    expect(calls).toHaveLength(4);
    // limiter slots 0, 250, 500 for the three first sends; backoff 0 (random 0); the retry's slot 750
    expect(sleeps).toEqual([250, 500, 0, 750]);
  });

  it('limits submissions and status queries separately, as Digitoll does (one bucket per API)', async () => {
    const { client, sleeps } = setup([accepted, text(404, ''), accepted, text(404, '')], {
      rateLimitPerSecond: 1,
      nowMs: () => 0,
      random: () => 0,
    });
    await client.submit('house-consignment', { n: 1 });
    await client.validationStatus('house-consignment', REQUEST_ID);
    // The first of each API goes at once; only the second submission and the second poll wait.
    expect(sleeps).toEqual([]);
    await client.submit('house-consignment', { n: 2 });
    await client.validationStatus('house-consignment', REQUEST_ID);
    expect(sleeps).toEqual([1000, 1000]);
  });
});
