/** The API-key authorizer: partner keys by hash, nothing else. */
import { DynamoPartnerKeyStore } from '../adapters/dynamodb/partner-key-store.ts';
import type { Config } from '../config.ts';
import type { PartnerKeyStore } from '../domain/partner-keys.ts';
import { documentClient } from './aws.ts';

export function authorizerDeps(config: Config): { keys: PartnerKeyStore } {
  return { keys: new DynamoPartnerKeyStore(documentClient(config), config.TABLE_NAME) };
}
