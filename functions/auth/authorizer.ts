/**
 * HTTP API Lambda authorizer (simple responses): the API key → the partner (or operator) id and
 * the key's role; the HTTP wrapper decides per route what the role may do.
 *
 * Why it never refuses: an HTTP API cannot shape its own refusals. A missing identity source is
 * answered `401 {"message":"Unauthorized"}` and `isAuthorized: false` `403 {"message":"Forbidden"}`,
 * and HTTP APIs have no gateway responses to turn those into problem documents (REST APIs do). So
 * the authorizer has no identity source (API Gateway invokes it for every request, so caching is
 * off) and always allows, with the outcome in its context: `partnerId` for a known key, or
 * `partnerId: ''` and `refusal` (missing, malformed, unknown) otherwise. The HTTP wrapper
 * (functions/http/middleware.ts) answers every route that needs a key with a 401 problem document
 * naming `Authorization: Bearer <key>` before any I/O when there is no partnerId, so partner
 * isolation rests on the same one value as before: the partnerId this function resolved.
 * API Gateway's result cache is replaced by a short cache of known keys in this function
 * (KEY_CACHE_TTL_MS: a revoked key stops working within the 5 minutes it did before).
 */
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authorizerDeps } from '../../lib/compose/authorizer.ts';
import { loadConfig } from '../../lib/config.ts';
import { type AuthenticationRefusal, identify, type Principal } from '../../lib/domain/partner-keys.ts';

const { keys } = authorizerDeps(loadConfig());

/** How long a known key's principal (id and role) is reused by this execution environment. */
export const KEY_CACHE_TTL_MS = 5 * 60 * 1000;
const KEY_CACHE_MAX_ENTRIES = 1_000;
const known = new Map<string, Principal & { expiresAt: number }>();

/** `role` is `partner` or `operator` (read-only routes only; functions/http/middleware.ts). */
export type AuthorizerContext = { partnerId: string; role: string; refusal: AuthenticationRefusal | '' };

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  const authorization = event.headers?.authorization ?? event.headers?.Authorization;
  const now = Date.now();
  const cached = authorization ? known.get(authorization) : undefined;
  if (cached && cached.expiresAt > now) {
    return { isAuthorized: true, context: { partnerId: cached.id, role: cached.role, refusal: '' } };
  }
  const outcome = await identify(keys, authorization);
  if ('refusal' in outcome) {
    return { isAuthorized: true, context: { partnerId: '', role: '', refusal: outcome.refusal } };
  }
  if (authorization) {
    if (known.size >= KEY_CACHE_MAX_ENTRIES) known.clear();
    known.set(authorization, { ...outcome, expiresAt: now + KEY_CACHE_TTL_MS });
  }
  return { isAuthorized: true, context: { partnerId: outcome.id, role: outcome.role, refusal: '' } };
};
