/**
 * HTTP API Lambda authorizer (simple responses): the partner's API key → partnerId.
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
): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ partnerId: string }>> => {
  const authorization = event.headers?.authorization ?? event.headers?.Authorization;
  const partnerId = await authenticate(keys, authorization);
  return partnerId
    ? { isAuthorized: true, context: { partnerId } }
    : { isAuthorized: false, context: { partnerId: '' } };
};
