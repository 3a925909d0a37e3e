/**
 * The Digitoll simulator's Maskinporten/Customs token flow (§10), rate limiting, fault injection and
 * admin surface, over real HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionAccepted, TokenResponse, TransportDocumentStatus } from '../../lib/digitoll/schemas.ts';
import {
  createAssertion,
  createTestClient,
  type DigitollSimulator,
  EXAMPLE_CARRIER_ID,
  exampleHouse,
  exampleTransport,
  JWT_BEARER_GRANT,
  mulberry32,
  startDigitollSimulator,
  type TestClient,
} from '../../local/digitoll-simulator/index.ts';

const SUBMIT = '/api/movement/road/v2';
const STATUS = '/api/movement/road/status/v2';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

describe('token endpoints and API auth (§10)', () => {
  let sim: DigitollSimulator;
  let client: TestClient;

  beforeAll(async () => {
    sim = await startDigitollSimulator({ processingDelayMs: 5, rateLimitPerSecond: 0 });
    client = await sim.createClient({ clientId: 'carrier-auth' });
  });
  afterAll(async () => {
    await sim.close();
  });

  const maskinporten = (assertion: string) =>
    fetch(`${sim.url}/token`, form({ grant_type: JWT_BEARER_GRANT, assertion }));
  const expectOAuthError = async (res: Response, error: string) => {
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  };

  it('accepts a correctly signed assertion, exchanges the token and lets the API through', async () => {
    const res = await maskinporten(await createAssertion(client, { audience: sim.audience }));
    expect(res.status).toBe(200);
    const mp = TokenResponse.parse(await res.json());
    expect(mp.token_type).toBe('Bearer');
    expect(mp.expires_in).toBe(120);

    const exchanged = await fetch(
      `${sim.url}/api/access/external/oauth/token`,
      form({
        grant_type: 'token-exchange',
        subject_token_type: 'access_token',
        subject_token: mp.access_token,
      }),
    );
    expect(exchanged.status).toBe(200);
    const customs = TokenResponse.parse(await exchanged.json());
    expect(customs).toMatchObject({
      issued_token_type: 'access_token',
      token_type: 'Bearer',
      expires_in: 970,
    });

    const ok = await fetch(`${sim.url}${SUBMIT}/test-auth`, {
      headers: { authorization: `Bearer ${customs.access_token}` },
    });
    expect(ok.status).toBe(200);
    // the Maskinporten token itself is not a Customs token
    const raw = await fetch(`${sim.url}${SUBMIT}/test-auth`, {
      headers: { authorization: `Bearer ${mp.access_token}` },
    });
    expect(raw.status).toBe(401);
    expect(sim.received().at(-1)?.outcome.status).toBe(401);
  });

  it('refuses a wrong signature, wrong aud, too long lifetime, expiry, replayed jti, unknown client and scope', async () => {
    const stranger = await createTestClient();
    await expectOAuthError(
      await maskinporten(
        await createAssertion(client, { audience: sim.audience, privateKey: stranger.privateKey }),
      ),
      'invalid_grant',
    );
    await expectOAuthError(
      await maskinporten(await createAssertion(client, { audience: 'https://maskinporten.no/' })),
      'invalid_grant',
    );
    await expectOAuthError(
      await maskinporten(await createAssertion(client, { audience: sim.audience, lifetimeSeconds: 121 })),
      'invalid_grant',
    );
    await expectOAuthError(
      await maskinporten(
        await createAssertion(client, { audience: sim.audience, now: new Date(Date.now() - 10 * 60_000) }),
      ),
      'invalid_grant',
    );
    const once = await createAssertion(client, { audience: sim.audience, jti: 'jti-replay-test' });
    expect((await maskinporten(once)).status).toBe(200);
    const replay = await maskinporten(once);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error_description: string }).error_description).toMatch(/jti/);

    await expectOAuthError(
      await maskinporten(await createAssertion(stranger, { audience: sim.audience })),
      'invalid_client',
    );
    await expectOAuthError(
      await maskinporten(
        await createAssertion(client, { audience: sim.audience, scope: 'toll:movement/air' }),
      ),
      'invalid_scope',
    );
    await expectOAuthError(
      await fetch(`${sim.url}/token`, form({ grant_type: 'client_credentials' })),
      'unsupported_grant_type',
    );
    await expectOAuthError(
      await fetch(
        `${sim.url}/api/access/external/oauth/token`,
        form({ grant_type: 'token-exchange', subject_token_type: 'access_token', subject_token: 'nonsense' }),
      ),
      'invalid_grant',
    );
  });

  it('answers 401 without or with a bad token and 403 without the road scope', async () => {
    expect((await fetch(`${sim.url}${SUBMIT}/transport`, { method: 'POST' })).status).toBe(401);
    const bad = await fetch(`${sim.url}${STATUS}/transport/validation-status/x`, {
      headers: { authorization: 'Bearer abc' },
    });
    expect(bad.status).toBe(401);
    const entryOnly = await sim.createClient({ scopes: ['toll:movement/entry'] });
    const token = await sim.tokenFor(entryOnly);
    const forbidden = await fetch(`${sim.url}${SUBMIT}/test-auth`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(forbidden.status).toBe(403);
    expect(sim.messages()).toEqual([]);
  });
});

describe('rate limiting, faults and admin surface', () => {
  let sim: DigitollSimulator;
  let a: TestClient;
  let tokenA: string;

  beforeAll(async () => {
    sim = await startDigitollSimulator({ processingDelayMs: 5, rateLimitPerSecond: 0 });
    a = await sim.createClient({ clientId: 'carrier-a' });
    tokenA = await sim.tokenFor(a);
  });
  afterEach(() => {
    sim.setFaults({});
    sim.reset();
  });
  afterAll(async () => {
    await sim.close();
  });

  const post = (body: unknown, token = tokenA, signal?: AbortSignal) =>
    fetch(`${sim.url}${SUBMIT}/house-consignment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  const get = (path: string, token = tokenA) =>
    fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('429s a client over its token bucket with Retry-After, other clients unaffected', async () => {
    const limitedSim = await startDigitollSimulator({ rateLimitPerSecond: 3 });
    try {
      const one = await limitedSim.createClient({ clientId: 'carrier-one' });
      const two = await limitedSim.createClient({ clientId: 'carrier-two' });
      const [tokenOne, tokenTwo] = [await limitedSim.tokenFor(one), await limitedSim.tokenFor(two)];
      const call = (token: string) =>
        fetch(`${limitedSim.url}${SUBMIT}/test-auth`, { headers: { authorization: `Bearer ${token}` } });
      const answers = await Promise.all(Array.from({ length: 8 }, () => call(tokenOne)));
      const limited = answers.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(answers.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await call(tokenTwo)).status).toBe(200);
      await Promise.all(answers.map((r) => r.arrayBuffer()));
      expect(limitedSim.received().filter((r) => r.outcome.status === 429).length).toBe(limited.length);
    } finally {
      await limitedSim.close();
    }
  });

  it('errorRate: 500 and nothing stored', async () => {
    sim.setFaults({ errorRate: 1 });
    const res = await post(exampleHouse());
    expect(res.status).toBe(500);
    expect(sim.messages()).toEqual([]);
    expect(sim.received().at(-1)?.outcome).toMatchObject({ status: 500, fault: 'error' });
  });

  it('rateLimitRate: random 429 with Retry-After', async () => {
    sim.setFaults({ rateLimitRate: 1 });
    const res = await post(exampleHouse());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(sim.messages()).toEqual([]);
  });

  it('timeoutRate: holds the request until the client gives up', async () => {
    sim.setFaults({ timeoutRate: 1 });
    await expect(post(exampleHouse(), tokenA, AbortSignal.timeout(150))).rejects.toThrow();
    expect(sim.received().at(-1)?.outcome).toEqual({ fault: 'timeout' });
    expect(sim.messages()).toEqual([]);
  });

  it('dropResponseRate: processes the POST, destroys the socket; a key lookup then finds the house', async () => {
    sim.setFaults({ dropResponseRate: 1 });
    const house = exampleHouse({ documentNumber: 'DROP-0001' });
    await expect(post(house)).rejects.toThrow();
    const record = sim.received().at(-1);
    expect(record?.outcome.dropped).toBe(true);
    expect(record?.outcome.fault).toBe('drop');
    expect(record?.outcome.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record?.clientId).toBe('carrier-a');

    sim.setFaults({});
    const lookup = `${STATUS}/house-consignment/transport-document/status?documentNumber=DROP-0001&type=N730&carrierId=${EXAMPLE_CARRIER_ID}`;
    let found: Response | undefined;
    for (let i = 0; i < 200; i++) {
      found = await get(lookup);
      if (found.status !== 404) break;
      await found.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(found?.status).toBe(200);
    const status = TransportDocumentStatus.parse(await found?.json());
    expect(status.messageStatus).toBe('ACTIVE');
    expect(sim.messages().map((m) => m.mrn)).toEqual([status.mrn]);
  });

  it('latency: still answers correctly', async () => {
    sim.setFaults({ latencyMs: 30 });
    const res = await post(exampleHouse());
    expect(res.status).toBe(202);
    SubmissionAccepted.parse(await res.json());
  });

  it('same seed, same fault sequence', async () => {
    const run = async () => {
      sim.setFaults({ errorRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await get(`${SUBMIT}/test-auth`);
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const rng = mulberry32(42);
    const expected = [rng(), rng(), rng()].map((u) => (u < 0.5 ? 500 : 200));
    expect(first).toEqual(expected);
  });

  it('faults do not apply to /token and /__sim/', async () => {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(await (await fetch(`${sim.url}/__sim/faults`)).json()).toEqual({ errorRate: 1 });
    const assertion = await createAssertion(a, { audience: sim.audience });
    expect((await fetch(`${sim.url}/token`, form({ grant_type: JWT_BEARER_GRANT, assertion }))).status).toBe(
      200,
    );
    expect((await get(`${SUBMIT}/test-auth`)).status).toBe(500);
    expect((await fetch(`${sim.url}/__sim/received`)).status).toBe(200);
  });

  it('admin: received, messages, reset', async () => {
    const res = await fetch(`${sim.url}${SUBMIT}/transport`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      body: JSON.stringify(exampleTransport()),
    });
    const { requestId } = SubmissionAccepted.parse(await res.json());
    const received = (await (await fetch(`${sim.url}/__sim/received`)).json()) as Array<{
      method: string;
      path: string;
      clientId: string;
      body: { carrier?: unknown };
      outcome: { status: number; requestId: string };
    }>;
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      path: `${SUBMIT}/transport`,
      clientId: 'carrier-a',
      outcome: { status: 202, requestId },
    });
    expect(received.at(-1)?.body.carrier).toBeDefined();
    for (let i = 0; i < 200 && sim.messages().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(((await (await fetch(`${sim.url}/__sim/messages`)).json()) as unknown[]).length).toBe(1);
    expect((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.received()).toEqual([]);
    expect(sim.messages()).toEqual([]);
  });
});
