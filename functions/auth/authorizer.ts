/**
 * HTTP API Lambda authorizer (simple responses): the API key → the partner (or operator) id and
 * the key's role; the HTTP wrapper decides per route what the role may do.
 * API Gateway caches the answer per Authorization header; the local runtime calls this same code.
 */
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authorizerDeps } from '../../lib/compose/authorizer.ts';
import { loadConfig } from '../../lib/config.ts';
import { authenticate } from '../../lib/domain/partner-keys.ts';

const { keys } = authorizerDeps(loadConfig());

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ partnerId: string; role: string }>> => {
  const authorization = event.headers?.authorization ?? event.headers?.Authorization;
  const principal = await authenticate(keys, authorization);
  return principal
    ? { isAuthorized: true, context: { partnerId: principal.id, role: principal.role } }
    : { isAuthorized: false, context: { partnerId: '', role: '' } };
};
