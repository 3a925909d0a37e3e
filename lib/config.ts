/**
 * Function configuration from the environment, validated once at cold start. The variable names
 * come from `lib/deployment.ts`, which CDK uses to set them.
 */
import { z } from 'zod';
import { DEFAULT_IO_CONCURRENCY } from './concurrency.ts';
import { ENV } from './deployment.ts';

const Env = z.object({
  [ENV.stage]: z.string().default('dev'),
  [ENV.tableName]: z.string().min(1),
  [ENV.reportQueueUrl]: z.url(),
  [ENV.recordRetentionDays]: z.coerce.number().int().positive().default(90),
  [ENV.awsRegion]: z.string().default('eu-north-1'),
  /** Set by the local runtime and the tests to reach the emulators. */
  [ENV.dynamoEndpoint]: z.url().optional(),
  [ENV.sqsEndpoint]: z.url().optional(),
  /** Queue of webhook deliveries and its dead-letter queue (the outbox stream and the sweep fill it, the deliverer drains it). */
  [ENV.notificationQueueUrl]: z.url().optional(),
  [ENV.notificationDlqUrl]: z.url().optional(),
  /** Local mode: webhooks may point at loopback receivers, over http:// too (local runs only; never set in AWS). */
  [ENV.webhookAllowInsecureLocalhost]: z.enum(['true', 'false']).default('false'),
  [ENV.webhookMaxAttempts]: z.coerce.number().int().min(1).max(20).default(8),
  [ENV.webhookBaseDelaySeconds]: z.coerce.number().int().min(1).max(900).default(10),
  [ENV.sweepRecheckMinutes]: z.coerce.number().positive().default(5),
  /** Bulk requests in flight per operation (intake writes and sends, the sweep, the outbox). */
  [ENV.ioConcurrency]: z.coerce.number().int().min(1).max(64).default(DEFAULT_IO_CONCURRENCY),
  /** Bulk uploads (the intake function presigns, the upload processor reads and re-queues). */
  [ENV.uploadBucketName]: z.string().min(1).optional(),
  [ENV.uploadQueueUrl]: z.url().optional(),
  [ENV.s3Endpoint]: z.url().optional(),
});
export type Config = z.infer<typeof Env>;

/** An empty variable means "not set" (CloudFormation and the local runtime write empty strings). */
const withoutEmpty = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));

function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, what: string): z.infer<T> {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid ${what}: ${problems}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(Env, env, 'configuration');
}

/** How a function reaches Digitoll: host, Maskinporten, credentials, timeouts (the reporter and the routing poller). */
const DigitollAccess = {
  /** Digitoll host: https://api-test.toll.no (test) or https://api.toll.no (production), or the simulator. */
  [ENV.digitollBaseUrl]: z.url(),
  [ENV.maskinportenTokenUrl]: z.url(),
  [ENV.maskinportenAudience]: z.string().min(1),
  [ENV.maskinportenScope]: z.string().default('toll:movement/road/v2'),
  [ENV.maskinportenAirScope]: z.string().default('toll:movement/air'),
  /** Customs token exchange; defaults to Digitoll's own path on DIGITOLL_BASE_URL. */
  [ENV.digitollTokenExchangeUrl]: z.url().optional(),
  /** Deployed: a Secrets Manager secret holding {clientId, privateKeyPem, certificateChainPem?, keyId?}. */
  [ENV.maskinportenSecretArn]: z.string().min(1).optional(),
  /** Local runtime and tests: the same credentials from the environment. */
  [ENV.maskinportenClientId]: z.string().min(1).optional(),
  [ENV.maskinportenPrivateKeyPem]: z.string().min(1).optional(),
  [ENV.maskinportenKeyId]: z.string().min(1).optional(),
  [ENV.digitollTimeoutMs]: z.coerce.number().int().positive().default(10_000),
  /**
   * The rate Customs grants, per Digitoll API (submission, query), for all reporter instances
   * together: they share one budget in the table (lib/adapters/dynamodb/rate-budget.ts). 0 = none.
   */
  [ENV.digitollRateLimitPerSecond]: z.coerce.number().nonnegative().default(20),
  /** Requests of that budget allowed back to back (default 1: strict spacing of 1/R). */
  [ENV.digitollRateLimitBurst]: z.coerce.number().int().min(1).max(1000).default(1),
};

const credentialsGiven = {
  check: (env: Record<string, unknown>) =>
    Boolean(env.MASKINPORTEN_SECRET_ARN || (env.MASKINPORTEN_CLIENT_ID && env.MASKINPORTEN_PRIVATE_KEY_PEM)),
  message: `set ${ENV.maskinportenSecretArn}, or ${ENV.maskinportenClientId} and ${ENV.maskinportenPrivateKeyPem}`,
};

const ReporterEnv = Env.extend({
  [ENV.reportDlqUrl]: z.url(),
  /** The reporter's own follow-ups (polls, delayed retries), consumed by the reporter too. */
  [ENV.reportFollowUpQueueUrl]: z.url(),
  ...DigitollAccess,
  [ENV.reportUncertainDelaySeconds]: z.coerce.number().int().min(1).max(900).default(60),
  [ENV.reportFirstPollDelaySeconds]: z.coerce.number().int().min(1).max(900).default(2),
  [ENV.reportMaxAttempts]: z.coerce.number().int().min(1).max(50).default(8),
  [ENV.reportMaxPolls]: z.coerce.number().int().min(1).max(200).default(30),
  [ENV.reportClaimTtlSeconds]: z.coerce.number().int().min(30).default(120),
}).refine(credentialsGiven.check, { message: credentialsGiven.message });
export type ReporterConfig = z.infer<typeof ReporterEnv>;
/** What every function that talks to Digitoll has (the reporter's and the routing poller's configs both). */
export type DigitollAccessConfig = Pick<ReporterConfig, keyof typeof DigitollAccess>;

export function loadReporterConfig(env: NodeJS.ProcessEnv = process.env): ReporterConfig {
  return parseEnv(ReporterEnv, env, 'reporter configuration');
}

const RoutingEnv = Env.extend({
  ...DigitollAccess,
  /** Customs' routing API scope (§9.2). */
  [ENV.maskinportenRoutingScope]: z
    .enum(['toll:movement/entry', 'toll:eu/movement/entry'])
    .default('toll:movement/entry'),
}).refine(credentialsGiven.check, { message: credentialsGiven.message });
export type RoutingConfig = z.infer<typeof RoutingEnv>;

export function loadRoutingConfig(env: NodeJS.ProcessEnv = process.env): RoutingConfig {
  return parseEnv(RoutingEnv, env, 'routing poller configuration');
}
