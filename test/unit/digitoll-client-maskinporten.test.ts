/**
 * MaskinportenTokenProvider against a fake `fetch` and an injected clock: the grant assertion (§10 step 1),
 * the Customs token exchange (step 2), caching until 60 s before expiry, single-flight refresh, invalidate().
 */
import {
  decodeProtectedHeader,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importSPKI,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  certificateChainToX5c,
  JWT_BEARER_GRANT_TYPE,
  type MaskinportenConfig,
  MaskinportenTokenProvider,
  TokenRequestError,
} from '../../lib/adapters/maskinporten/token-provider.ts';

const TOKEN_URL = 'https://test.maskinporten.no/token';
const AUDIENCE = 'https://test.maskinporten.no/';
const EXCHANGE_URL = 'https://api-test.toll.no/api/access/external/oauth/token';

let privateKeyPem: string;
let publicKeyPem: string;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  privateKeyPem = await exportPKCS8(privateKey);
  publicKeyPem = await exportSPKI(publicKey);
});

interface Posted {
  url: string;
  contentType: string | null;
  form: URLSearchParams;
}

class FakeClock {
  constructor(public ms = Date.parse('2026-05-04T06:00:00Z')) {}
  now = () => new Date(this.ms);
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

function setup(options: { config?: Partial<MaskinportenConfig>; expiresIn?: number } = {}) {
  const clock = new FakeClock();
  const posted: Posted[] = [];
  let issued = 0;
  let release: (() => void) | undefined;
  const state = {
    gate: undefined as Promise<void> | undefined,
    answer: undefined as ((url: string) => Response) | undefined,
  };
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    posted.push({
      url,
      contentType: new Headers(init.headers).get('content-type'),
      form: new URLSearchParams(String(init.body)),
    });
    if (state.gate) await state.gate;
    if (state.answer) return state.answer(url);
    const token = url === TOKEN_URL ? `mp-${++issued}` : `customs-${issued}`;
    return Response.json(
      url === TOKEN_URL
        ? { access_token: token, token_type: 'Bearer', expires_in: 120, scope: 'toll:movement/road/v2' }
        : {
            issued_token_type: 'access_token',
            access_token: token,
            token_type: 'Bearer',
            expires_in: options.expiresIn ?? 970,
          },
    );
  }) as typeof fetch;
  const provider = new MaskinportenTokenProvider({
    tokenUrl: TOKEN_URL,
    audience: AUDIENCE,
    clientId: 'our-client-id',
    privateKeyPem,
    keyId: 'key-1',
    exchangeUrl: EXCHANGE_URL,
    fetch: fetchImpl,
    clock: { now: clock.now },
    ...options.config,
  });
  const hold = () => {
    state.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      state.gate = undefined;
      release?.();
    };
  };
  return { provider, posted, clock, state, hold };
}

async function verifyAssertion(assertion: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(assertion, await importSPKI(publicKeyPem, 'RS256'), {
    audience: AUDIENCE,
    issuer: 'our-client-id',
    currentDate: new Date('2026-05-04T06:00:30Z'),
  });
  return payload;
}

describe('grant assertion (§10 step 1)', () => {
  it('is RS256 with kid, aud/iss/scope/iat/exp (120 s)/jti, signed with our key', async () => {
    const { provider, posted } = setup();
    await provider.getToken();
    const assertion = posted[0]?.form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: 'key-1' });
    const claims = await verifyAssertion(assertion);
    expect(claims).toMatchObject({
      aud: AUDIENCE,
      iss: 'our-client-id',
      scope: 'toll:movement/road/v2',
      iat: Date.parse('2026-05-04T06:00:00Z') / 1000,
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses a fresh jti every time and the configured scope', async () => {
    const { provider } = setup({ config: { scope: 'toll:eu/movement/road/v2' } });
    const a = await verifyAssertion(await provider.createAssertion());
    const b = await verifyAssertion(await provider.createAssertion());
    expect(a.jti).not.toBe(b.jti);
    expect(a.scope).toBe('toll:eu/movement/road/v2');
  });

  it('puts the certificate chain in x5c (and no kid) when one is configured', async () => {
    const chain = [
      '-----BEGIN CERTIFICATE-----\nTUlJQmxlYWY=\nYWJj\n-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\nTUlJQ2ludGVybWVkaWF0ZQ==\n-----END CERTIFICATE-----',
    ].join('\n');
    const { provider } = setup({ config: { certificateChainPem: chain } });
    const header = decodeProtectedHeader(await provider.createAssertion());
    expect(header).toEqual({ alg: 'RS256', x5c: ['TUlJQmxlYWY=YWJj', 'TUlJQ2ludGVybWVkaWF0ZQ=='] });
    expect(() => certificateChainToX5c('no pem here')).toThrow();
  });

  it('refuses a config with neither certificate chain nor key id', () => {
    expect(
      () =>
        new MaskinportenTokenProvider({
          tokenUrl: TOKEN_URL,
          audience: AUDIENCE,
          clientId: 'c',
          privateKeyPem: 'x',
        }),
    ).toThrow(/certificateChainPem or keyId/);
  });
});

describe('token flow', () => {
  it('posts the grant form-encoded, then exchanges the Maskinporten token (§10 step 2)', async () => {
    const { provider, posted } = setup();
    expect(await provider.getToken()).toBe('customs-1');
    expect(posted.map((p) => p.url)).toEqual([TOKEN_URL, EXCHANGE_URL]);
    expect(posted.every((p) => p.contentType === 'application/x-www-form-urlencoded')).toBe(true);
    expect(posted[0]?.form.get('grant_type')).toBe(JWT_BEARER_GRANT_TYPE);
    expect(Object.fromEntries(posted[1]?.form ?? [])).toEqual({
      grant_type: 'token-exchange',
      subject_token_type: 'access_token',
      subject_token: 'mp-1',
    });
  });

  it('without an exchange URL, returns the Maskinporten token', async () => {
    const { provider, posted } = setup({ config: { exchangeUrl: undefined } });
    expect(await provider.getToken()).toBe('mp-1');
    expect(posted).toHaveLength(1);
  });

  it('reports an OAuth error without leaking the assertion', async () => {
    const { provider, state } = setup();
    state.answer = () =>
      Response.json(
        {
          error: 'invalid_scope',
          error_description: 'Not authorized to request scope toll:movement/road/v2',
        },
        { status: 400 },
      );
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ step: 'maskinporten', status: 400, oauthError: 'invalid_scope' });
    expect(String((error as Error).message)).toContain('Not authorized to request scope');
    expect(String((error as Error).message)).not.toMatch(/eyJ/);
  });

  it('rejects a token response that does not validate', async () => {
    const { provider, state } = setup();
    state.answer = () => Response.json({ token_type: 'Bearer', expires_in: 970 });
    await expect(provider.getToken()).rejects.toThrow(/access_token/);
  });

  it('does not cache a failure: the next call tries again', async () => {
    const { provider, state, posted } = setup();
    state.answer = () => new Response('down', { status: 503 });
    await expect(provider.getToken()).rejects.toThrow(/HTTP 503/);
    state.answer = undefined;
    expect(await provider.getToken()).toBe('customs-1');
    expect(posted).toHaveLength(3);
  });
});

describe('caching (§10: renew about a minute before expiry)', () => {
  it('keeps the token until 60 s before expires_in, then refreshes', async () => {
    const { provider, posted, clock } = setup({ expiresIn: 970 });
    expect(await provider.getToken()).toBe('customs-1');
    clock.advance(909);
    expect(await provider.getToken()).toBe('customs-1');
    expect(posted).toHaveLength(2);
    clock.advance(1);
    expect(await provider.getToken()).toBe('customs-2');
    expect(posted).toHaveLength(4);
  });

  it('keeps a short-lived token for half its life', async () => {
    const { provider, clock } = setup({ expiresIn: 100 });
    await provider.getToken();
    clock.advance(49);
    expect(await provider.getToken()).toBe('customs-1');
    clock.advance(1);
    expect(await provider.getToken()).toBe('customs-2');
  });

  it('single flight: many concurrent callers share one refresh', async () => {
    const { provider, posted, hold } = setup();
    const release = hold();
    const pending = Array.from({ length: 20 }, () => provider.getToken());
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    pending.push(provider.getToken()); // a latecomer joins the same flight
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(posted).toHaveLength(1);
    release();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(['customs-1']));
    expect(posted).toHaveLength(2);
  });

  it('invalidate(rejected) forces one refresh; a stale rejection does not drop the new token', async () => {
    const { provider, posted } = setup();
    const first = await provider.getToken();
    provider.invalidate(first);
    provider.invalidate(first);
    const second = await provider.getToken();
    expect(second).toBe('customs-2');
    provider.invalidate(first); // another caller's late 401 for the old token
    expect(await provider.getToken()).toBe('customs-2');
    provider.invalidate();
    expect(await provider.getToken()).toBe('customs-3');
    expect(posted).toHaveLength(6);
  });
});
