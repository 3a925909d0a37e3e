/**
 * Function configuration from the environment, validated once at cold start. The variable names
 * come from `lib/deployment.ts`, which CDK uses to set them.
 */
import { z } from 'zod';
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
  /** Queue of webhook deliveries and its dead-letter queue (the sweep fills it, the deliverer drains it). */
  [ENV.notificationQueueUrl]: z.url().optional(),
  [ENV.notificationDlqUrl]: z.url().optional(),
  /** Lets webhooks use http:// on localhost (local runs only). */
  [ENV.webhookAllowInsecureLocalhost]: z.enum(['true', 'false']).default('false'),
  [ENV.webhookMaxAttempts]: z.coerce.number().int().min(1).max(20).default(8),
  [ENV.webhookBaseDelaySeconds]: z.coerce.number().int().min(1).max(900).default(10),
  [ENV.sweepRecheckMinutes]: z.coerce.number().positive().default(5),
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

const ReporterEnv = Env.extend({
  [ENV.reportDlqUrl]: z.url(),
  /** The reporter's own follow-ups (polls, delayed retries), consumed by the reporter too. */
  [ENV.reportFollowUpQueueUrl]: z.url(),
  /** Digitoll host: https://api-test.toll.no (test) or https://api.toll.no (production), or the simulator. */
  [ENV.digitollBaseUrl]: z.url(),
  [ENV.maskinportenTokenUrl]: z.url(),
  [ENV.maskinportenAudience]: z.string().min(1),
  [ENV.maskinportenScope]: z.string().default('toll:movement/road/v2'),
  /** Customs token exchange; defaults to Digitoll's own path on DIGITOLL_BASE_URL. */
  [ENV.digitollTokenExchangeUrl]: z.url().optional(),
  /** Deployed: a Secrets Manager secret holding {clientId, privateKeyPem, certificateChainPem?, keyId?}. */
  [ENV.maskinportenSecretArn]: z.string().min(1).optional(),
  /** Local runtime and tests: the same credentials from the environment. */
  [ENV.maskinportenClientId]: z.string().min(1).optional(),
  [ENV.maskinportenPrivateKeyPem]: z.string().min(1).optional(),
  [ENV.maskinportenKeyId]: z.string().min(1).optional(),
  [ENV.digitollTimeoutMs]: z.coerce.number().int().positive().default(10_000),
  /** Per function instance; with the reporter's maximum concurrency this bounds the total rate. */
  [ENV.digitollRateLimitPerSecond]: z.coerce.number().nonnegative().default(10),
  [ENV.reportUncertainDelaySeconds]: z.coerce.number().int().min(1).max(900).default(60),
  [ENV.reportFirstPollDelaySeconds]: z.coerce.number().int().min(1).max(900).default(2),
  [ENV.reportMaxAttempts]: z.coerce.number().int().min(1).max(50).default(8),
  [ENV.reportMaxPolls]: z.coerce.number().int().min(1).max(200).default(30),
  [ENV.reportClaimTtlSeconds]: z.coerce.number().int().min(30).default(120),
}).refine(
  (env) => env.MASKINPORTEN_SECRET_ARN || (env.MASKINPORTEN_CLIENT_ID && env.MASKINPORTEN_PRIVATE_KEY_PEM),
  {
    message: `set ${ENV.maskinportenSecretArn}, or ${ENV.maskinportenClientId} and ${ENV.maskinportenPrivateKeyPem}`,
  },
);
export type ReporterConfig = z.infer<typeof ReporterEnv>;

export function loadReporterConfig(env: NodeJS.ProcessEnv = process.env): ReporterConfig {
  return parseEnv(ReporterEnv, env, 'reporter configuration');
}
