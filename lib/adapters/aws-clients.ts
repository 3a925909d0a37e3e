/**
 * AWS SDK clients built from the validated config (module scope in each function, reused warm).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config, ReporterConfig } from '../config.ts';
import { DEFAULT_SWEEP_SETTINGS, type SweepDeps } from '../domain/border-sweep.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { IntakeDeps } from '../domain/intake.ts';
import { DEFAULT_REPORTER_SETTINGS, type ReporterDeps } from '../domain/reporter.ts';
import type { WebhookDeps } from '../domain/webhooks.ts';
import { DigitollHttpClient } from './digitoll/client.ts';
import { DynamoBorderStore } from './dynamodb/border-store.ts';
import { DynamoManifestRepository } from './dynamodb/manifest-repository.ts';
import { DynamoReportStore } from './dynamodb/report-store.ts';
import { DynamoOutbox, DynamoWebhookStore, RecordingNctsGateway } from './dynamodb/webhook-store.ts';
import { CUSTOMS_TOKEN_EXCHANGE_PATH, MaskinportenTokenProvider } from './maskinporten/token-provider.ts';
import { maskinportenCredentials } from './maskinporten-credentials.ts';
import { SqsDeadLetters } from './sqs/dead-letters.ts';
import { SqsNotificationQueue } from './sqs/notification-queue.ts';
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

export function intakeDeps(config: Config): IntakeDeps & { repository: DynamoManifestRepository } {
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
    followUps: new SqsReportQueue(sqs, config.REPORT_FOLLOW_UP_QUEUE_URL),
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

function notificationQueue(config: Config): SqsNotificationQueue {
  if (!config.NOTIFICATION_QUEUE_URL || !config.NOTIFICATION_DLQ_URL) {
    throw new Error('NOTIFICATION_QUEUE_URL and NOTIFICATION_DLQ_URL must be set for webhooks');
  }
  return new SqsNotificationQueue(
    sqsClient(config),
    config.NOTIFICATION_QUEUE_URL,
    config.NOTIFICATION_DLQ_URL,
  );
}

export function borderDeps(config: Config) {
  const intake = intakeDeps(config);
  const client = documentClient(config);
  const store = new DynamoBorderStore(
    client,
    config.TABLE_NAME,
    intake.repository,
    config.RECORD_RETENTION_DAYS,
  );
  const webhooks = new DynamoWebhookStore(client, config.TABLE_NAME);
  const sweep: SweepDeps = {
    store,
    ncts: new RecordingNctsGateway(client, config.TABLE_NAME),
    clock: systemClock,
    settings: { ...DEFAULT_SWEEP_SETTINGS, recheckMs: config.SWEEP_RECHECK_MINUTES * 60_000 },
  };
  return {
    intake,
    sweep,
    store,
    outbox: { outbox: new DynamoOutbox(client, config.TABLE_NAME, store), webhooks, clock: systemClock },
    notificationQueue: () => notificationQueue(config),
  };
}

export function webhookDeps(config: Config): WebhookDeps {
  let queue: SqsNotificationQueue | undefined;
  return {
    store: new DynamoWebhookStore(documentClient(config), config.TABLE_NAME),
    // Built on first use: registering a webhook needs no queue.
    get queue() {
      queue ??= notificationQueue(config);
      return queue;
    },
    post: async (url, body, headers) => {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers,
        signal: AbortSignal.timeout(5_000),
        redirect: 'manual',
      });
      await response.body?.cancel();
      return { status: response.status };
    },
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
    settings: {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      baseDelaySeconds: config.WEBHOOK_BASE_DELAY_SECONDS,
      allowInsecureLocalhost: config.WEBHOOK_ALLOW_INSECURE_LOCALHOST === 'true',
    },
  };
}
