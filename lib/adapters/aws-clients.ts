/**
 * AWS SDK clients built from the validated config (module scope in each function, reused warm).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { IntakeDeps } from '../domain/intake.ts';
import { DynamoManifestRepository } from './dynamodb/manifest-repository.ts';
import { SqsReportQueue } from './sqs/report-queue.ts';

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

export function intakeDeps(config: Config): IntakeDeps {
  const repository = new DynamoManifestRepository({
    client: documentClient(config),
    tableName: config.TABLE_NAME,
    retentionDays: config.RECORD_RETENTION_DAYS,
  });
  return {
    repository,
    queue: new SqsReportQueue(sqsClient(config), config.REPORT_QUEUE_URL),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
  };
}
