/**
 * Customs API token for Digitoll (`shared/reference/digitoll-road-v2.md` §10):
 *
 * 1. Maskinporten JWT-bearer grant (RFC 7523): an RS256 assertion signed with our PKCS8 key, header `x5c`
 *    (certificate chain) when configured, else `kid`; claims `aud`, `iss` (client id), `scope`, `iat`,
 *    `exp` = iat + 120 s (Maskinporten's maximum), a fresh `jti` per assertion.
 * 2. When `exchangeUrl` is set (Digitoll requires it): exchange the Maskinporten token for a
 *    Customs-signed token at `/api/access/external/oauth/token`.
 *
 * The final token is cached until `refreshBeforeExpirySeconds` (default 60) before its `expires_in`,
 * measured on the injected clock from the moment the request was started (conservative). Concurrent
 * callers share one refresh (single flight). `invalidate()` drops the cached token after a 401 so the
 * next `getToken()` fetches a new one; given the rejected token, it only drops that very token, so many
 * callers that saw the same 401 cause one refresh, not many.
 *
 * Tokens and assertions are never logged nor put in error messages.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, importPKCS8, SignJWT } from 'jose';
import type { z } from 'zod';
import { ROAD_V2_SCOPE } from '../../digitoll/codes.ts';
import { OAuthErrorBody, TokenResponse } from '../../digitoll/schemas.ts';
import { systemClock } from '../../domain/ids.ts';
import type { Clock } from '../../domain/ports.ts';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Maskinporten caps `exp − iat` of the grant assertion at 120 s (§10). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 120;
/** Path of the Customs token exchange on the Digitoll host (§2.4, §10 step 2). */
export const CUSTOMS_TOKEN_EXCHANGE_PATH = '/api/access/external/oauth/token';

/** Maskinporten endpoints per environment (§10). */
export const MASKINPORTEN_ENVIRONMENTS = {
  test: { tokenUrl: 'https://test.maskinporten.no/token', audience: 'https://test.maskinporten.no/' },
  prod: { tokenUrl: 'https://maskinporten.no/token', audience: 'https://maskinporten.no/' },
} as const;

export interface MaskinportenConfig {
  /** Maskinporten token endpoint, e.g. `https://test.maskinporten.no/token`. */
  tokenUrl: string;
  /** `aud` of the assertion, e.g. `https://test.maskinporten.no/`. */
  audience: string;
  /** `iss` of the assertion: the client_id from Samarbeidsportalen. */
  clientId: string;
  /** RSA private key, PKCS8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKeyPem: string;
  /** Certificate chain PEM (leaf first). When given, the header carries `x5c` (and no `kid`). */
  certificateChainPem?: string;
  /** Key id of a key pre-registered with Maskinporten; used as `kid` when there is no certificate chain. */
  keyId?: string;
  /** Space-separated scopes. Default `toll:movement/road/v2`. */
  scope?: string;
  /** Customs token-exchange URL, e.g. `https://api-test.toll.no/api/access/external/oauth/token`. */
  exchangeUrl?: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Per HTTP request. Default 10 000 ms. */
  timeoutMs?: number;
  /** Renew this long before the token expires. Default 60 s (§10 / §8). */
  refreshBeforeExpirySeconds?: number;
}

/** What a Digitoll client needs from a token source. */
export interface AccessTokenSource {
  getToken(): Promise<string>;
  /** Forget the cached token (after a 401). With the rejected token, only forget it if it is still cached. */
  invalidate(rejectedToken?: string): void;
}

/** A token request failed. The message carries the step, HTTP status and OAuth error, never a token. */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    message: string,
    readonly step: 'maskinporten' | 'exchange',
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

/** Base64 DER bodies of the `CERTIFICATE` blocks of a PEM chain, in order (for `x5c`). */
export function certificateChainToX5c(pem: string): string[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  const chain = blocks.map((block) => (block[1] ?? '').replace(/\s+/g, ''));
  if (chain.length === 0 || chain.some((der) => der === '')) {
    throw new Error('certificateChainPem holds no PEM CERTIFICATE block');
  }
  return chain;
}

interface CachedToken {
  token: string;
  refreshAtMs: number;
}

export class MaskinportenTokenProvider implements AccessTokenSource {
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly scope: string;
  private readonly refreshSkewMs: number;
  private readonly x5c?: string[];
  private key?: Promise<CryptoKey>;
  private cached?: CachedToken;
  private inflight?: Promise<string>;

  constructor(private readonly config: MaskinportenConfig) {
    if (!config.certificateChainPem && !config.keyId) {
      throw new Error('MaskinportenTokenProvider: certificateChainPem or keyId is required');
    }
    this.x5c = config.certificateChainPem ? certificateChainToX5c(config.certificateChainPem) : undefined;
    this.fetchImpl = config.fetch ?? globalThis.fetch;
    this.clock = config.clock ?? systemClock;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.scope = config.scope ?? ROAD_V2_SCOPE;
    this.refreshSkewMs = (config.refreshBeforeExpirySeconds ?? 60) * 1000;
  }

  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.clock.now().getTime() < cached.refreshAtMs) return cached.token;
    if (!this.inflight) {
      this.inflight = this.refresh().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  invalidate(rejectedToken?: string): void {
    if (rejectedToken === undefined || this.cached?.token === rejectedToken) this.cached = undefined;
  }

  /** The signed grant assertion (exposed for tests; never log it). */
  async createAssertion(): Promise<string> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const header = this.x5c
      ? { alg: 'RS256', x5c: this.x5c }
      : { alg: 'RS256', kid: this.config.keyId as string };
    return new SignJWT({ scope: this.scope })
      .setProtectedHeader(header)
      .setAudience(this.config.audience)
      .setIssuer(this.config.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + MAX_ASSERTION_LIFETIME_SECONDS)
      .setJti(randomUUID())
      .sign(await this.signingKey());
  }

  private signingKey(): Promise<CryptoKey> {
    if (!this.key) {
      this.key = importPKCS8(this.config.privateKeyPem, 'RS256');
      this.key.catch(() => {
        this.key = undefined;
      });
    }
    return this.key;
  }

  private async refresh(): Promise<string> {
    const startedMs = this.clock.now().getTime();
    const maskinporten = await this.post(
      'maskinporten',
      this.config.tokenUrl,
      new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await this.createAssertion() }),
    );
    let final = maskinporten;
    if (this.config.exchangeUrl) {
      final = await this.post(
        'exchange',
        this.config.exchangeUrl,
        new URLSearchParams({
          grant_type: 'token-exchange',
          subject_token_type: 'access_token',
          subject_token: maskinporten.access_token,
        }),
      );
    }
    const lifetimeMs = final.expires_in * 1000;
    // Renew `refreshSkew` before expiry; a token living less than twice the skew is kept for half its life.
    const refreshAtMs = startedMs + Math.max(lifetimeMs - this.refreshSkewMs, lifetimeMs / 2);
    this.cached = { token: final.access_token, refreshAtMs };
    return final.access_token;
  }

  private async post(
    step: 'maskinporten' | 'exchange',
    url: string,
    form: URLSearchParams,
  ): Promise<z.infer<typeof TokenResponse>> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new TokenRequestError(`${step} token request failed: ${describeFetchError(error)}`, step);
    }
    const body = parseJson(text);
    if (!response.ok) {
      const oauth = OAuthErrorBody.safeParse(body);
      const detail = oauth.success
        ? `${oauth.data.error}${oauth.data.error_description ? `: ${oauth.data.error_description}` : ''}`
        : 'no OAuth error body';
      throw new TokenRequestError(
        `${step} token request answered HTTP ${response.status} (${detail})`,
        step,
        response.status,
        oauth.success ? oauth.data.error : undefined,
      );
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success || !(parsed.data.expires_in > 0)) {
      const issues = parsed.success
        ? 'expires_in must be positive'
        : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new TokenRequestError(
        `${step} token response is not a valid token response (${String(issues)})`,
        step,
        response.status,
      );
    }
    return parsed.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}
