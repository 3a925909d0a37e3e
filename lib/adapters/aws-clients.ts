/**
 * AWS SDK clients built from the validated config (module scope in each function, reused warm).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config, ReporterConfig } from '../config.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { IntakeDeps } from '../domain/intake.ts';
import { DEFAULT_REPORTER_SETTINGS, type ReporterDeps } from '../domain/reporter.ts';
import { DigitollHttpClient } from './digitoll/client.ts';
import { DynamoManifestRepository } from './dynamodb/manifest-repository.ts';
import { DynamoReportStore } from './dynamodb/report-store.ts';
import { CUSTOMS_TOKEN_EXCHANGE_PATH, MaskinportenTokenProvider } from './maskinporten/token-provider.ts';
import { maskinportenCredentials } from './maskinporten-credentials.ts';
import { SqsDeadLetters } from './sqs/dead-letters.ts';
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

/** A token source that reads the credentials on first use (cold start stays free of I/O). */
function lazyTokens(config: ReporterConfig) {
  let provider: Promise<MaskinportenTokenProvider> | undefined;
  const get = () => {
    provider ??= maskinportenCredentials(config).then(
      (credentials) =>
        new MaskinportenTokenProvider({
          tokenUrl: config.MASKINPORTEN_TOKEN_URL,
          audience: config.MASKINPORTEN_AUDIENCE,
          scope: config.MASKINPORTEN_SCOPE,
          exchangeUrl:
            config.DIGITOLL_TOKEN_EXCHANGE_URL ??
            new URL(CUSTOMS_TOKEN_EXCHANGE_PATH, config.DIGITOLL_BASE_URL).href,
          clientId: credentials.clientId,
          privateKeyPem: credentials.privateKeyPem,
          ...(credentials.certificateChainPem
            ? { certificateChainPem: credentials.certificateChainPem }
            : {}),
          ...(credentials.keyId ? { keyId: credentials.keyId } : {}),
          timeoutMs: config.DIGITOLL_TIMEOUT_MS,
        }),
    );
    provider.catch(() => {
      provider = undefined;
    });
    return provider;
  };
  return {
    getToken: async () => (await get()).getToken(),
    invalidate: (rejected?: string) => {
      void provider?.then((p) => p.invalidate(rejected));
    },
  };
}

export function reporterDeps(config: ReporterConfig): ReporterDeps {
  const { repository } = intakeDeps(config);
  const sqs = sqsClient(config);
  return {
    store: new DynamoReportStore(
      documentClient(config),
      config.TABLE_NAME,
      repository,
      config.RECORD_RETENTION_DAYS,
    ),
    digitoll: new DigitollHttpClient({
      baseUrl: config.DIGITOLL_BASE_URL,
      tokens: lazyTokens(config),
      timeoutMs: config.DIGITOLL_TIMEOUT_MS,
      rateLimitPerSecond: config.DIGITOLL_RATE_LIMIT_PER_SECOND,
    }),
    queue: new SqsReportQueue(sqs, config.REPORT_QUEUE_URL),
    deadLetters: new SqsDeadLetters(sqs, config.REPORT_DLQ_URL),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
    settings: {
      ...DEFAULT_REPORTER_SETTINGS,
      claimTtlMs: config.REPORT_CLAIM_TTL_SECONDS * 1000,
      uncertainDelaySeconds: config.REPORT_UNCERTAIN_DELAY_SECONDS,
      firstPollDelaySeconds: config.REPORT_FIRST_POLL_DELAY_SECONDS,
      maxAttempts: config.REPORT_MAX_ATTEMPTS,
      maxPolls: config.REPORT_MAX_POLLS,
    },
  };
}
