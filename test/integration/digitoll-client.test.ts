/**
 * DigitollHttpClient + MaskinportenTokenProvider over REAL HTTP (loopback) against the Digitoll simulator:
 * the Maskinporten + token-exchange flow, submit → poll, async and sync refusals, 429s, and the fault
 * injection that matters for exactly-once (dropped answer, 5xx, timeout on POST → UNKNOWN, then lookup).
 * No timing assertions: every wait is a bounded poll.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DigitollHttpClient,
  type DigitollHttpClientConfig,
  type DigitollKind,
  type DigitollTokenSource,
  type StatusOutcome,
  type SubmitOutcome,
  type WaybillKey,
} from '../../lib/adapters/digitoll/client.ts';
import { MaskinportenTokenProvider } from '../../lib/adapters/maskinporten/token-provider.ts';
import {
  type DigitollSimulator,
  EXAMPLE_CARRIER_ID,
  EXAMPLE_MASTER_DOC,
  exampleHouse,
  exampleMaster,
  exampleTransport,
  mulberry32,
  startDigitollSimulator,
  type TestClient,
} from '../../local/digitoll-simulator/index.ts';

const MRN = /^\d{2}NO[0-9A-Z]{14}$/;
const VAT_PATH = (i: number) =>
  `consignmentHouseLevel.goodsItem[${i}].additionalFiscalReferences.vatIdentificationNumber`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokenProvider(sim: DigitollSimulator, client: TestClient, scope?: string) {
  return new MaskinportenTokenProvider({
    tokenUrl: `${sim.url}/token`,
    audience: sim.audience,
    clientId: client.clientId,
    privateKeyPem: client.privateKeyPem,
    keyId: client.kid,
    scope,
    exchangeUrl: `${sim.url}/api/access/external/oauth/token`,
    timeoutMs: 5_000,
  });
}

async function pollStatus(
  client: DigitollHttpClient,
  kind: DigitollKind,
  requestId: string,
): Promise<Exclude<StatusOutcome, { outcome: 'NOT_READY' }>> {
  for (let i = 0; i < 300; i++) {
    const outcome = await client.validationStatus(kind, requestId);
    if (outcome.outcome !== 'NOT_READY') return outcome;
    await pause(10);
  }
  throw new Error(`validation status of ${requestId} never became ready`);
}

async function pollLookupUntilFound(
  client: DigitollHttpClient,
  kind: 'master-consignment' | 'house-consignment',
  key: WaybillKey,
) {
  for (let i = 0; i < 300; i++) {
    const outcome = await client.findByWaybill(kind, key);
    if (outcome.outcome !== 'NOT_FOUND') return outcome;
    await pause(10);
  }
  throw new Error(`lookup of ${key.documentNumber} never found it`);
}

async function takenId(outcome: Promise<SubmitOutcome>) {
  const result = await outcome;
  if (result.outcome !== 'TAKEN') throw new Error(`expected TAKEN, got ${JSON.stringify(result)}`);
  return result.requestId;
}

/** A simulator seed whose first fault draws fall below `rate` (true) or not (false), in this order. */
function seedFor(rate: number, pattern: boolean[]): number {
  for (let seed = 1; seed < 100_000; seed++) {
    const rng = mulberry32(seed);
    if (pattern.every((fault) => rng() < rate === fault)) return seed;
  }
  throw new Error('no seed found');
}

const houseKey = (documentNumber: string): WaybillKey => ({
  documentNumber,
  type: 'N730',
  carrierId: EXAMPLE_CARRIER_ID,
});

describe('DigitollHttpClient against the simulator', () => {
  let sim: DigitollSimulator;
  let registered: TestClient;
  let tokens: MaskinportenTokenProvider;
  let client: DigitollHttpClient;
  const makeClient = (config: Partial<DigitollHttpClientConfig> = {}) =>
    new DigitollHttpClient({ baseUrl: sim.url, tokens, timeoutMs: 5_000, baseDelayMs: 10, ...config });

  beforeAll(async () => {
    sim = await startDigitollSimulator({ port: 0, processingDelayMs: 30, rateLimitPerSecond: 0 });
    registered = await sim.createClient({ clientId: 'carrier-backbone' });
    tokens = tokenProvider(sim, registered);
    client = makeClient();
  });
  afterEach(() => {
    sim.setFaults({});
    sim.reset();
  });
  afterAll(async () => {
    await sim.close();
  });

  const posts = () => sim.received().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/movement/'));

  it('runs the Maskinporten flow (signed assertion → /token → token exchange) and caches the token', async () => {
    const fresh = tokenProvider(sim, registered);
    const first = await fresh.getToken();
    const second = await fresh.getToken();
    expect(second).toBe(first);
    expect(sim.received().map((r) => `${r.method} ${r.path} ${r.outcome.status}`)).toEqual([
      'POST /token 200',
      'POST /api/access/external/oauth/token 200',
    ]);
    // forcing a refresh signs a NEW assertion (fresh jti: the simulator refuses replays)
    fresh.invalidate(first);
    expect(await fresh.getToken()).not.toBe(first);
    expect(
      sim
        .received()
        .filter((r) => r.path === '/token')
        .map((r) => r.outcome.status),
    ).toEqual([200, 200]);
    const res = await fetch(`${sim.url}/api/movement/road/v2/test-auth`, {
      headers: { authorization: `Bearer ${await fresh.getToken()}` },
    });
    expect(res.status).toBe(200);
  });

  it('POSTs the example transport, master and house → TAKEN → polls to SUCCESS with MRNs', async () => {
    const kinds = [
      ['transport', exampleTransport()],
      ['master-consignment', exampleMaster()],
      ['house-consignment', exampleHouse()],
    ] as const;
    const mrns: string[] = [];
    for (const [kind, body] of kinds) {
      const requestId = await takenId(client.submit(kind, body));
      const result = await pollStatus(client, kind, requestId);
      if (result.outcome !== 'SUCCESS') throw new Error(JSON.stringify(result));
      expect(result.mrn).toMatch(MRN);
      if (kind === 'house-consignment') {
        expect(result).toMatchObject({ documentStatus: 'SUCCESS', incompleteReasons: [] });
      }
      mrns.push(result.mrn);
    }
    expect(
      sim
        .messages()
        .map((m) => m.mrn)
        .sort(),
    ).toEqual([...mrns].sort());
    expect(
      await client.findByWaybill('master-consignment', {
        ...EXAMPLE_MASTER_DOC,
        carrierId: EXAMPLE_CARRIER_ID,
      }),
    ).toEqual({
      outcome: 'FOUND',
      mrn: mrns[1],
    });
    expect(await client.findByWaybill('house-consignment', houseKey('PKG00012345678SE'))).toEqual({
      outcome: 'FOUND',
      mrn: mrns[2],
    });
  });

  it('PUTs by MRN (same MRN) and DELETEs; a cancelled house is NOT_FOUND by key', async () => {
    const requestId = await takenId(
      client.submit('house-consignment', exampleHouse({ documentNumber: 'PKG-PUT-1' })),
    );
    const created = await pollStatus(client, 'house-consignment', requestId);
    if (created.outcome !== 'SUCCESS') throw new Error(JSON.stringify(created));

    const updated = exampleHouse({ documentNumber: 'PKG-PUT-1', values: [100] });
    const putId = await takenId(client.submit('house-consignment', updated, created.mrn));
    expect(await pollStatus(client, 'house-consignment', putId)).toMatchObject({
      outcome: 'SUCCESS',
      mrn: created.mrn,
    });

    const deleteId = await takenId(
      client.withdraw('house-consignment', created.mrn, updated.documentIssueDate),
    );
    expect(await pollStatus(client, 'house-consignment', deleteId)).toMatchObject({
      outcome: 'SUCCESS',
      mrn: created.mrn,
    });
    expect(sim.received().find((r) => r.method === 'DELETE')?.body).toEqual({
      documentIssueDate: updated.documentIssueDate,
    });
    expect(sim.messages().find((m) => m.mrn === created.mrn)?.status).toBe('CANCELLED');
    expect(await client.findByWaybill('house-consignment', houseKey('PKG-PUT-1'))).toEqual({
      outcome: 'NOT_FOUND',
    });
  });

  it('a house with an unknown VOEC number → FAILURE with the exact text and path', async () => {
    const requestId = await takenId(
      client.submit(
        'house-consignment',
        exampleHouse({ documentNumber: 'PKG-VOEC-BAD', voecNumber: '9999999' }),
      ),
    );
    expect(await pollStatus(client, 'house-consignment', requestId)).toEqual({
      outcome: 'FAILURE',
      errors: [
        { description: 'Unknown vatIdentificationNumber', messageElementPath: VAT_PATH(0) },
        { description: 'Unknown vatIdentificationNumber', messageElementPath: VAT_PATH(1) },
      ],
    });
  });

  it('a synchronous 400 → REFUSED with the field errors', async () => {
    const house = exampleHouse({ documentNumber: 'PKG-SYNC-400' });
    house.consignmentHouseLevel.goodsDescription = '';
    const outcome = await client.submit('house-consignment', {
      ...house,
      documentIssueDate: '2026-05-04 06:00',
    });
    expect(outcome).toEqual({
      outcome: 'REFUSED',
      errors: expect.arrayContaining([
        { field: 'consignmentHouseLevel.goodsDescription', error: 'must not be blank' },
        { field: 'documentIssueDate', error: 'invalid ISO-8601 instant in UTC (yyyy-MM-ddTHH:mm:ssZ)' },
      ]),
    });
    expect(sim.messages()).toEqual([]);
  });

  it('a 401 (rejected token) → invalidate, one fresh token, resend → TAKEN', async () => {
    let handedOutBad = false;
    const invalidated: Array<string | undefined> = [];
    const flaky: DigitollTokenSource = {
      getToken: async () => {
        if (!handedOutBad) {
          handedOutBad = true;
          return 'not-a-customs-token';
        }
        return tokens.getToken();
      },
      invalidate: (rejected) => {
        invalidated.push(rejected);
        tokens.invalidate(rejected);
      },
    };
    const outcome = await makeClient({ tokens: flaky }).submit('transport', exampleTransport());
    expect(outcome.outcome).toBe('TAKEN');
    expect(invalidated).toEqual(['not-a-customs-token']);
    expect(posts().map((r) => r.outcome.status)).toEqual([401, 202]);
  });

  it('a token without the road scope → 403 → REFUSED with a clear error', async () => {
    const entryOnly = await sim.createClient({ scopes: ['toll:movement/entry'] });
    const refused = makeClient({ tokens: tokenProvider(sim, entryOnly, 'toll:movement/entry') });
    const outcome = await refused.submit('transport', exampleTransport());
    expect(outcome).toEqual({
      outcome: 'REFUSED',
      errors: [{ field: '', error: expect.stringMatching(/HTTP 403 Forbidden.*toll:movement\/road\/v2/) }],
    });
    expect(posts()).toHaveLength(1);
  });

  // -----------------------------------------------------------------------------------------------------
  // Fault injection: exactly-once
  // -----------------------------------------------------------------------------------------------------

  it('dropped answer on POST → UNKNOWN (no resend); the key lookup then FINDS the message', async () => {
    sim.setFaults({ dropResponseRate: 1 });
    const outcome = await client.submit('house-consignment', exampleHouse({ documentNumber: 'PKG-DROPPED' }));
    expect(outcome).toEqual({
      outcome: 'UNKNOWN',
      reason: expect.stringContaining('may have been processed'),
    });
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.outcome.dropped).toBe(true);

    sim.setFaults({});
    const found = await pollLookupUntilFound(client, 'house-consignment', houseKey('PKG-DROPPED'));
    const stored = sim.messages().filter((m) => m.kind === 'house-consignment');
    expect(stored).toHaveLength(1);
    expect(found).toEqual({ outcome: 'FOUND', mrn: stored[0]?.mrn });
    expect(sim.duplicates()).toEqual([]);
  });

  it('5xx on POST → UNKNOWN after one request (the simulator did not process it: lookup NOT_FOUND)', async () => {
    sim.setFaults({ errorRate: 1 });
    const outcome = await client.submit('house-consignment', exampleHouse({ documentNumber: 'PKG-500' }));
    expect(outcome).toMatchObject({ outcome: 'UNKNOWN', reason: expect.stringContaining('HTTP 500') });
    expect(posts().map((r) => r.outcome.status)).toEqual([500]);
    sim.setFaults({});
    expect(await client.findByWaybill('house-consignment', houseKey('PKG-500'))).toEqual({
      outcome: 'NOT_FOUND',
    });
  });

  it('no answer before our timeout on POST → UNKNOWN after one request', async () => {
    sim.setFaults({ timeoutRate: 1 });
    const outcome = await makeClient({ timeoutMs: 150 }).submit(
      'master-consignment',
      exampleMaster({ documentNumber: 'M-TIMEOUT' }),
    );
    expect(outcome).toMatchObject({
      outcome: 'UNKNOWN',
      reason: expect.stringContaining('no answer within 150 ms'),
    });
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.outcome.fault).toBe('timeout');
  });

  it('5xx, a timeout and a dropped answer on GET status are retried → result', async () => {
    const requestId = await takenId(
      client.submit('house-consignment', exampleHouse({ documentNumber: 'PKG-GET' })),
    );
    const ready = await pollStatus(client, 'house-consignment', requestId);
    expect(ready.outcome).toBe('SUCCESS');

    for (const fault of [{ errorRate: 0.5 }, { timeoutRate: 0.5 }, { dropResponseRate: 0.5 }]) {
      sim.setFaults({ ...fault, seed: seedFor(0.5, [true, false]) });
      const before = sim.received().length;
      expect(await makeClient({ timeoutMs: 150 }).validationStatus('house-consignment', requestId)).toEqual(
        ready,
      );
      const gets = sim.received().slice(before);
      expect(gets.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(gets[0]?.outcome.fault).toBeDefined();
      expect(gets[1]?.outcome).toMatchObject({ status: 202 });
    }
  });

  it('a 429 on POST is retried in-call after Retry-After → TAKEN', async () => {
    sim.setFaults({ rateLimitRate: 0.5, seed: seedFor(0.5, [true, false]) });
    const outcome = await makeClient({ maxDelayMs: 2_000 }).submit('transport', exampleTransport());
    expect(outcome.outcome).toBe('TAKEN');
    expect(posts().map((r) => r.outcome.status)).toEqual([429, 202]);
  });

  it('connection refused → retried in-call → RETRY_LATER', async () => {
    const gone = await startDigitollSimulator({ port: 0 });
    const url = gone.url;
    await gone.close();
    const outcome = await makeClient({ baseUrl: url, maxAttempts: 3, baseDelayMs: 1 }).submit(
      'transport',
      exampleTransport(),
    );
    expect(outcome).toMatchObject({
      outcome: 'RETRY_LATER',
      reason: expect.stringMatching(/ECONNREFUSED.*gave up after 3 attempt/),
    });
  });
});

describe('validation status answered with HTTP 200 (v1 Swagger) instead of 202', () => {
  it('is read the same', async () => {
    const sim = await startDigitollSimulator({
      port: 0,
      processingDelayMs: 10,
      validationStatusHttpCode: 200,
    });
    try {
      const registered = await sim.createClient();
      const client = new DigitollHttpClient({ baseUrl: sim.url, tokens: tokenProvider(sim, registered) });
      const requestId = await takenId(client.submit('house-consignment', exampleHouse()));
      expect(await pollStatus(client, 'house-consignment', requestId)).toMatchObject({
        outcome: 'SUCCESS',
        mrn: expect.stringMatching(MRN),
      });
      expect(sim.received().at(-1)?.outcome.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('rate limits (simulator bucket: 2 per second, burst 2)', () => {
  let sim: DigitollSimulator;
  let tokens: MaskinportenTokenProvider;

  beforeAll(async () => {
    sim = await startDigitollSimulator({ port: 0, processingDelayMs: 10, rateLimitPerSecond: 2 });
    tokens = tokenProvider(sim, await sim.createClient());
    await tokens.getToken();
  });
  afterEach(() => sim.reset());
  afterAll(async () => {
    await sim.close();
  });

  const statuses = () =>
    sim
      .received()
      .filter((r) => r.path.startsWith('/api/movement/'))
      .map((r) => r.outcome.status);

  it('429s: RETRY_LATER with the Retry-After when out of attempts, TAKEN when allowed to wait', async () => {
    const once = new DigitollHttpClient({ baseUrl: sim.url, tokens, maxAttempts: 1 });
    const bodies = [1, 2, 3].map((n) => exampleTransport({ plate: `RL${n}` }));
    const outcomes = [];
    for (const body of bodies) outcomes.push(await once.submit('transport', body));
    expect(outcomes.map((o) => o.outcome)).toEqual(['TAKEN', 'TAKEN', 'RETRY_LATER']);
    expect(outcomes[2]).toMatchObject({ retryAfterSeconds: 1, reason: expect.stringContaining('HTTP 429') });

    const patient = new DigitollHttpClient({ baseUrl: sim.url, tokens, maxAttempts: 4, maxDelayMs: 2_000 });
    expect((await patient.submit('transport', exampleTransport({ plate: 'RL4' }))).outcome).toBe('TAKEN');
    expect(statuses().filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('the client-side limiter keeps a burst under the server limit: no 429 at all', async () => {
    const paced = new DigitollHttpClient({ baseUrl: sim.url, tokens, rateLimitPerSecond: 2 });
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map((n) => paced.submit('transport', exampleTransport({ plate: `PACE${n}` }))),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['TAKEN', 'TAKEN', 'TAKEN', 'TAKEN']);
    expect(statuses()).toEqual([202, 202, 202, 202]);
  });
});
