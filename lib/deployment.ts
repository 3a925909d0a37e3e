/**
 * What the infrastructure (`cdk/`) and the functions (`lib/config.ts`, `functions/`) must agree on,
 * defined once and imported by both: environment variable names, function timeouts and how often a
 * queue delivers a message before it dead-letters it. A value here that only one side read would
 * agree with the other by luck.
 */

/** Environment variable names, by what they hold. */
export const ENV = {
  stage: 'STAGE',
  tableName: 'TABLE_NAME',
  reportQueueUrl: 'REPORT_QUEUE_URL',
  /** The reporter's own follow-ups (polls, delayed retries). */
  reportFollowUpQueueUrl: 'REPORT_FOLLOW_UP_QUEUE_URL',
  reportDlqUrl: 'REPORT_DLQ_URL',
  notificationQueueUrl: 'NOTIFICATION_QUEUE_URL',
  notificationDlqUrl: 'NOTIFICATION_DLQ_URL',
  recordRetentionDays: 'RECORD_RETENTION_DAYS',
  sweepRecheckMinutes: 'SWEEP_RECHECK_MINUTES',
  awsRegion: 'AWS_REGION',
  dynamoEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqsEndpoint: 'AWS_ENDPOINT_URL_SQS',
  webhookAllowInsecureLocalhost: 'WEBHOOK_ALLOW_INSECURE_LOCALHOST',
  webhookMaxAttempts: 'WEBHOOK_MAX_ATTEMPTS',
  webhookBaseDelaySeconds: 'WEBHOOK_BASE_DELAY_SECONDS',
  digitollBaseUrl: 'DIGITOLL_BASE_URL',
  digitollTokenExchangeUrl: 'DIGITOLL_TOKEN_EXCHANGE_URL',
  digitollTimeoutMs: 'DIGITOLL_TIMEOUT_MS',
  /** The rate Customs grants per Digitoll API, shared by every reporter instance. */
  digitollRateLimitPerSecond: 'DIGITOLL_RATE_LIMIT_PER_SECOND',
  digitollRateLimitBurst: 'DIGITOLL_RATE_LIMIT_BURST',
  maskinportenTokenUrl: 'MASKINPORTEN_TOKEN_URL',
  maskinportenAudience: 'MASKINPORTEN_AUDIENCE',
  maskinportenScope: 'MASKINPORTEN_SCOPE',
  /** The air API's scope (movement-air-api and movement-air-query-api): its own token. */
  maskinportenAirScope: 'MASKINPORTEN_AIR_SCOPE',
  /** The routing poller's scope: `toll:movement/entry` (foreign organisations `toll:eu/movement/entry`). */
  maskinportenRoutingScope: 'MASKINPORTEN_ROUTING_SCOPE',
  maskinportenSecretArn: 'MASKINPORTEN_SECRET_ARN',
  /** Local runtime and tests: the Maskinporten credentials from the environment instead of a secret. */
  maskinportenClientId: 'MASKINPORTEN_CLIENT_ID',
  maskinportenPrivateKeyPem: 'MASKINPORTEN_PRIVATE_KEY_PEM',
  maskinportenKeyId: 'MASKINPORTEN_KEY_ID',
  reportUncertainDelaySeconds: 'REPORT_UNCERTAIN_DELAY_SECONDS',
  reportFirstPollDelaySeconds: 'REPORT_FIRST_POLL_DELAY_SECONDS',
  reportMaxAttempts: 'REPORT_MAX_ATTEMPTS',
  reportMaxPolls: 'REPORT_MAX_POLLS',
  reportClaimTtlSeconds: 'REPORT_CLAIM_TTL_SECONDS',
  /**
   * Requests in flight per bulk operation (batch writes and reads, SendMessageBatch calls, the
   * sweep's per-shipment transactions); set per stage, default `DEFAULT_IO_CONCURRENCY` (16).
   */
  ioConcurrency: 'IO_CONCURRENCY',
  /** Bulk uploads: the bucket partners PUT files to, and the queue of its object-created events. */
  uploadBucketName: 'UPLOAD_BUCKET_NAME',
  uploadQueueUrl: 'UPLOAD_QUEUE_URL',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
} as const;

/** Function timeouts in seconds: CDK sets them, queue visibility timeouts and leases are sized by them. */
export const FUNCTION_TIMEOUT_SECONDS = {
  /** API Gateway's HTTP API integration limit. */
  http: 29,
  reporter: 60,
  /** A partner endpoint gets 5 s per attempt. */
  webhooks: 30,
  /** Fans fresh outbox notifications out to the delivery queue (the DynamoDB stream's consumer). */
  outboxStream: 30,
  borderSweep: 300,
  /** Routing poller: one run pages until the feed is empty or its budget (2/3 of this) is spent. */
  routingPoller: 60,
  /** Lambda's maximum: a 100,000-shipment file; it pauses and re-queues itself before the end. */
  uploadProcessor: 900,
} as const;

/**
 * Receives of one message before SQS moves it to the dead-letter queue (the queue's
 * maxReceiveCount); the consumer records why on the last one.
 */
export const QUEUE_MAX_RECEIVES = {
  report: 5,
  notification: 5,
  upload: 5,
} as const;

/**
 * Outbox notifications reach the delivery queue through the table's stream within seconds; the
 * schedule drains only those older than this (the ones the stream could not hand over), so the
 * two rarely both queue one notification (and the deliverer's claim POSTs it once if they do).
 */
export const OUTBOX_SCHEDULE_GRACE_SECONDS = 60;
