/**
 * HTTP API Lambda authorizer (simple responses): the partner's API key → partnerId.
 * API Gateway caches the answer per Authorization header; the local runtime calls this same code.
 */
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { documentClient } from '../../lib/adapters/aws-clients.ts';
import { DynamoPartnerKeyStore } from '../../lib/adapters/dynamodb/partner-key-store.ts';
import { loadConfig } from '../../lib/config.ts';
import { authenticate } from '../../lib/domain/partner-keys.ts';

const config = loadConfig();
const store = new DynamoPartnerKeyStore(documentClient(config), config.TABLE_NAME);

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ partnerId: string }>> => {
  const authorization = event.headers?.authorization ?? event.headers?.Authorization;
  const partnerId = await authenticate(store, authorization);
  return partnerId
    ? { isAuthorized: true, context: { partnerId } }
    : { isAuthorized: false, context: { partnerId: '' } };
};
