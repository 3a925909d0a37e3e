/**
 * AWS SDK clients built from the validated config. Each function's composition module
 * (lib/compose/<function>.ts) builds the clients it uses once, at module scope, reused warm.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Table } from '../adapters/dynamodb/table.ts';
import type { Config } from '../config.ts';

export function documentClient(
  config: Pick<Config, 'AWS_REGION' | 'AWS_ENDPOINT_URL_DYNAMODB'>,
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: config.AWS_ENDPOINT_URL_DYNAMODB } : {}),
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function sqsClient(config: Pick<Config, 'AWS_REGION' | 'AWS_ENDPOINT_URL_SQS'>): SQSClient {
  return new SQSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL_SQS ? { endpoint: config.AWS_ENDPOINT_URL_SQS } : {}),
    maxAttempts: 5,
  });
}

/** The table, through one document client. */
export function table(config: Config): Table {
  return new Table({
    client: documentClient(config),
    tableName: config.TABLE_NAME,
    retentionDays: config.RECORD_RETENTION_DAYS,
    ioConcurrency: config.IO_CONCURRENCY,
  });
}

/** A setting only some functions get; the one that needs it fails at cold start without it. */
export function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} must be set for this function`);
  return value;
}
