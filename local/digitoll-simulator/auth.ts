/**
 * Maskinporten + Customs token exchange, as the simulator implements them (`digitoll-road-v2.md` §10).
 *
 * - `POST /token` (Maskinporten, RFC 7523 JWT-bearer grant): the assertion is VERIFIED with jose against the
 *   pre-registered public key of the client named by `iss` (Digdir's "kid"/pre-registered-key flavour;
 *   the `x5c` certificate flavour is not implemented). Checks: RS256/RS384/RS512 signature, `aud` = the
 *   configured audience, `iss` = a registered client_id, `scope` present and granted, `iat` and `exp`
 *   present, exp − iat ≤ 120 s, not expired, `iat` not in the future, `jti` not replayed.
 * - `POST /api/access/external/oauth/token` (Customs token exchange): swaps a simulator-issued Maskinporten
 *   token for a Customs token, `expires_in` 970 s (§10 step 2).
 * - API calls need `Authorization: Bearer <Customs token>`: 401 without a valid one, 403 when the token's
 *   scopes do not include the API's scope: `toll:movement/road/v2` for road, `toll:movement/air` for air,
 *   `toll:movement/entry` for routing (or the foreign `toll:eu/…` form of each). A token carries the
 *   scopes its assertion asked for, so a road token does not open the air API and vice versa.
 *
 * All times come from the simulator's `clock()`.
 */
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  importSPKI,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { ROAD_V2_SCOPE, ROAD_V2_SCOPES } from '../../lib/digitoll/codes.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The test Maskinporten audience (§10). The simulator's default `aud`. */
export const DEFAULT_MASKINPORTEN_AUDIENCE = 'https://test.maskinporten.no/';
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512'];
const MAX_ASSERTION_LIFETIME_S = 120;
const CLOCK_SKEW_S = 10;
const CUSTOMS_ISSUER = 'urn:digitoll-simulator:customs';

/** A client the simulator knows, as registered in Samarbeidsportalen. */
export interface RegisteredClient {
  clientId: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a public JWK. */
  publicKeyPem?: string;
  publicJwk?: JWK;
  /** If set, an assertion carrying a `kid` header must name this one. */
  kid?: string;
  /** Scopes granted to the client, e.g. `['toll:movement/road/v2']`. */
  scopes: string[];
  /** Organisation number (9 digits) the tokens map to. */
  orgNo: string;
}

/** A generated client: register `client` with the simulator, sign assertions with `privateKey`. */
export interface TestClient extends RegisteredClient {
  publicKeyPem: string;
  publicJwk: JWK;
  kid: string;
  privateKey: CryptoKey;
  privateKeyPem: string;
}

/** Generates an RS256 key pair and a client description (for tests and the local runtime). */
export async function createTestClient(
  options: { clientId?: string; orgNo?: string; scopes?: string[]; kid?: string } = {},
): Promise<TestClient> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = options.kid ?? randomUUID();
  return {
    clientId: options.clientId ?? `sim-client-${randomUUID()}`,
    orgNo: options.orgNo ?? '999888777',
    scopes: options.scopes ?? [ROAD_V2_SCOPE],
    kid,
    privateKey,
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

export interface AssertionOptions {
  audience?: string;
  /** Space-separated scopes; default: the client's scopes. */
  scope?: string;
  issuer?: string;
  /** Issued-at (default now). */
  now?: Date;
  /** exp − iat in seconds (default 120). */
  lifetimeSeconds?: number;
  jti?: string;
  /** Sign with this key instead of the client's (to test a wrong signature). */
  privateKey?: CryptoKey;
  /** Include `kid` in the header (default true). */
  includeKid?: boolean;
}

/** Builds the Maskinporten JWT-bearer grant assertion (§10 step 1). */
export async function createAssertion(
  client: Pick<TestClient, 'clientId' | 'scopes' | 'privateKey' | 'kid'>,
  options: AssertionOptions = {},
): Promise<string> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header: { alg: string; kid?: string } = { alg: 'RS256' };
  if (options.includeKid !== false) header.kid = client.kid;
  return new SignJWT({ scope: options.scope ?? client.scopes.join(' ') })
    .setProtectedHeader(header)
    .setIssuer(options.issuer ?? client.clientId)
    .setAudience(options.audience ?? DEFAULT_MASKINPORTEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_S))
    .setJti(options.jti ?? randomUUID())
    .sign(options.privateKey ?? client.privateKey);
}

/**
 * Convenience for tests, benchmarks and the local runtime: assertion → Maskinporten token → Customs token.
 * Returns the Customs access token. (Our production client implements this flow itself.)
 */
export async function obtainCustomsToken(
  baseUrl: string,
  client: Pick<TestClient, 'clientId' | 'scopes' | 'privateKey' | 'kid'>,
  options: AssertionOptions = {},
): Promise<string> {
  const assertion = await createAssertion(client, options);
  const mp = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
  });
  if (!mp.ok) throw new Error(`Maskinporten token failed: ${mp.status} ${await mp.text()}`);
  const { access_token } = (await mp.json()) as { access_token: string };
  const customs = await fetch(`${baseUrl}/api/access/external/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'token-exchange',
      subject_token_type: 'access_token',
      subject_token: access_token,
    }),
  });
  if (!customs.ok)
    throw new Error(`Customs token exchange failed: ${customs.status} ${await customs.text()}`);
  return ((await customs.json()) as { access_token: string }).access_token;
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface ApiPrincipal {
  clientId: string;
  orgNo: string;
  scopes: string[];
}

export type ApiAuthResult =
  | { ok: true; principal: ApiPrincipal }
  | { ok: false; status: 401 | 403; message: string };

export interface AuthOptions {
  audience: string;
  clock: () => Date;
  maskinportenTokenTtlSeconds: number;
  customsTokenTtlSeconds: number;
}

export class AuthService {
  private readonly clients = new Map<string, RegisteredClient>();
  private readonly usedJti = new Map<string, number>(); // `${iss} ${jti}` → exp (s)
  private signing?: { privateKey: CryptoKey; publicKey: CryptoKey };
  private readonly maskinportenIssuer: string;

  constructor(private readonly options: AuthOptions) {
    this.maskinportenIssuer = options.audience;
  }

  async init(): Promise<void> {
    this.signing = await generateKeyPair('RS256');
  }

  registerClient(client: RegisteredClient): void {
    if (!client.publicKeyPem && !client.publicJwk)
      throw new Error('registerClient: publicKeyPem or publicJwk required');
    this.clients.set(client.clientId, {
      clientId: client.clientId,
      publicKeyPem: client.publicKeyPem,
      publicJwk: client.publicJwk,
      kid: client.kid,
      scopes: [...client.scopes],
      orgNo: client.orgNo,
    });
  }

  listClients(): Array<Pick<RegisteredClient, 'clientId' | 'scopes' | 'orgNo' | 'kid'>> {
    return [...this.clients.values()].map(({ clientId, scopes, orgNo, kid }) => ({
      clientId,
      scopes,
      orgNo,
      kid,
    }));
  }

  resetReplayCache(): void {
    this.usedJti.clear();
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock().getTime() / 1000);
  }

  private keys(): { privateKey: CryptoKey; publicKey: CryptoKey } {
    if (!this.signing) throw new Error('AuthService not initialised');
    return this.signing;
  }

  /** Maskinporten `POST /token`. */
  async maskinportenToken(form: URLSearchParams): Promise<Record<string, unknown>> {
    const grantType = form.get('grant_type');
    if (!grantType) throw new OAuthError('invalid_request', 'Missing grant_type');
    if (grantType !== JWT_BEARER_GRANT)
      throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
    const assertion = form.get('assertion');
    if (!assertion) throw new OAuthError('invalid_request', 'Missing assertion');

    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      unverified = decodeJwt(assertion);
    } catch {
      throw new OAuthError('invalid_grant', 'Invalid assertion: not a JWT');
    }
    if (!header.alg || !ASSERTION_ALGS.includes(header.alg)) {
      throw new OAuthError('invalid_grant', `Invalid assertion: unsupported alg ${String(header.alg)}`);
    }
    const client = typeof unverified.iss === 'string' ? this.clients.get(unverified.iss) : undefined;
    if (!client) throw new OAuthError('invalid_client', 'Invalid assertion: unknown client (iss)');
    if (header.kid !== undefined && client.kid !== undefined && header.kid !== client.kid) {
      throw new OAuthError('invalid_grant', 'Invalid assertion: unknown kid');
    }

    const now = this.options.clock();
    let claims: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      const alg = header.alg;
      const key = client.publicJwk
        ? await importJWK(client.publicJwk, alg)
        : await importSPKI(client.publicKeyPem ?? '', alg);
      ({ payload: claims } = await jwtVerify(assertion, key, {
        algorithms: ASSERTION_ALGS,
        audience: this.options.audience,
        issuer: client.clientId,
        requiredClaims: ['iat', 'exp', 'scope'],
        currentDate: now,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new OAuthError('invalid_grant', 'Invalid assertion: expired');
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw new OAuthError('invalid_grant', `Invalid assertion: claim ${error.claim} ${error.reason}`);
      }
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        throw new OAuthError('invalid_grant', 'Invalid assertion: signature verification failed');
      }
      throw new OAuthError('invalid_grant', `Invalid assertion: ${(error as Error).message}`);
    }

    const iat = claims.iat ?? 0;
    const exp = claims.exp ?? 0;
    if (exp - iat > MAX_ASSERTION_LIFETIME_S) {
      throw new OAuthError(
        'invalid_grant',
        `Invalid assertion: exp - iat must be at most ${MAX_ASSERTION_LIFETIME_S} seconds`,
      );
    }
    if (iat > this.nowSeconds() + CLOCK_SKEW_S)
      throw new OAuthError('invalid_grant', 'Invalid assertion: iat is in the future');
    if (typeof claims.jti === 'string') {
      this.pruneJti();
      const id = `${client.clientId} ${claims.jti}`;
      if (this.usedJti.has(id))
        throw new OAuthError('invalid_grant', 'Invalid assertion: jti has already been used');
      this.usedJti.set(id, exp);
    }
    const requested = String(claims.scope ?? '')
      .split(' ')
      .filter((s) => s !== '');
    if (requested.length === 0)
      throw new OAuthError('invalid_scope', 'Invalid assertion: no scope requested');
    const denied = requested.find((scope) => !client.scopes.includes(scope));
    if (denied) throw new OAuthError('invalid_scope', `Not authorized to request scope ${denied}`);

    const ttl = this.options.maskinportenTokenTtlSeconds;
    const nowS = this.nowSeconds();
    const scope = requested.join(' ');
    const accessToken = await new SignJWT({
      scope,
      client_id: client.clientId,
      client_amr: 'private_key_jwt',
      token_type: 'Bearer',
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${client.orgNo}` },
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .setIssuer(this.maskinportenIssuer)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + ttl)
      .setJti(randomUUID())
      .sign(this.keys().privateKey);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope };
  }

  /** Customs `POST /api/access/external/oauth/token` (token exchange, §10 step 2). */
  async exchange(form: URLSearchParams): Promise<Record<string, unknown>> {
    const grantType = form.get('grant_type');
    if (grantType !== 'token-exchange' && grantType !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
      throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${String(grantType)}`);
    }
    const subjectTokenType = form.get('subject_token_type');
    if (
      subjectTokenType !== 'access_token' &&
      subjectTokenType !== 'urn:ietf:params:oauth:token-type:access_token'
    ) {
      throw new OAuthError('invalid_request', `Unsupported subject_token_type: ${String(subjectTokenType)}`);
    }
    const subjectToken = form.get('subject_token');
    if (!subjectToken) throw new OAuthError('invalid_request', 'Missing subject_token');
    let claims: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload: claims } = await jwtVerify(subjectToken, this.keys().publicKey, {
        issuer: this.maskinportenIssuer,
        currentDate: this.options.clock(),
      }));
    } catch (error) {
      throw new OAuthError('invalid_grant', `Invalid subject_token: ${(error as Error).message}`);
    }
    const scopes = String(claims.scope ?? '').split(' ');
    const tollScopes = scopes.filter((scope) => scope.startsWith('toll:'));
    if (tollScopes.length === 0)
      throw new OAuthError('invalid_scope', 'Not authorized to request scope toll:*', 403);
    const consumer = claims.consumer as { ID?: string } | undefined;
    const orgNo = (consumer?.ID ?? '').replace(/^0192:/, '');
    const ttl = this.options.customsTokenTtlSeconds;
    const nowS = this.nowSeconds();
    const accessToken = await new SignJWT({ scope: tollScopes.join(' '), client_id: claims.client_id, orgNo })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(CUSTOMS_ISSUER)
      .setSubject(String(claims.client_id ?? ''))
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + ttl)
      .setJti(randomUUID())
      .sign(this.keys().privateKey);
    return {
      issued_token_type: 'access_token',
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
    };
  }

  /** Checks the `Authorization` header of an API call; the token needs one of the API's `scopes` (§10). */
  async verifyApiToken(
    authorization: string | undefined,
    scopes: readonly [string, ...string[]] = ROAD_V2_SCOPES,
  ): Promise<ApiAuthResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1])
      return { ok: false, status: 401, message: 'Full authentication is required to access this resource' };
    try {
      const { payload } = await jwtVerify(match[1], this.keys().publicKey, {
        issuer: CUSTOMS_ISSUER,
        currentDate: this.options.clock(),
      });
      const granted = String(payload.scope ?? '').split(' ');
      const principal = {
        clientId: String(payload.sub ?? ''),
        orgNo: String(payload.orgNo ?? ''),
        scopes: granted,
      };
      if (!granted.some((scope) => scopes.includes(scope))) {
        return { ok: false, status: 403, message: `Token lacks scope ${scopes[0]}` };
      }
      return { ok: true, principal };
    } catch (error) {
      return { ok: false, status: 401, message: `Invalid token: ${(error as Error).message}` };
    }
  }

  private pruneJti(): void {
    const now = this.nowSeconds();
    for (const [id, exp] of this.usedJti) if (exp + CLOCK_SKEW_S < now) this.usedJti.delete(id);
  }
}
